import { CancelBookingSeries, CreateBookingSeries } from '@plass/contracts';
import type { BookingFeature } from '../features.js';
import { SeriesApp } from './series-app.js';

/** Recurring bookings: `POST /v1/bookings/series`, `DELETE /v1/bookings/series/{id}`. */
export const seriesFeature: BookingFeature = {
  name: 'series',
  register(bus, { events, readModel, ledgers, policyGate, states, now, bookings }) {
    const series = new SeriesApp({ events, readModel, ledgers, policyGate, states, now, streams: bookings.streams, bookings });
    bus.handle(CreateBookingSeries, (request, ctx) => series.createSeries(request, ctx));
    bus.handle(CancelBookingSeries, (request, ctx) => series.cancelSeries(request.seriesId, ctx));
  },
};
