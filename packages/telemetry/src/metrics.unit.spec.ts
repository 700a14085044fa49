import { describe, expect, it } from '@jest/globals';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('keeps each service in its own registry, labelled by service', async () => {
    const gateway = createMetrics('gateway');
    const booking = createMetrics('booking');
    gateway.counter('plass_requests_total', 'Requests', ['route']).inc({ route: '/v1/bookings' });
    booking.counter('plass_requests_total', 'Requests', ['route']).inc({ route: 'cmd' }, 2);
    booking.histogram('plass_handle_seconds', 'Handling time', ['type'], [0.1, 1]).observe({ type: 'X' }, 0.5);

    const gatewayText = await gateway.render();
    expect(gatewayText).toContain('plass_requests_total{route="/v1/bookings",service="gateway"} 1');
    expect(gatewayText).not.toContain('service="booking"');
    expect(await booking.render()).toContain('plass_handle_seconds_bucket{le="1",service="booking",type="X"} 1');
  });

  it('returns the same metric when asked twice', () => {
    const metrics = createMetrics('svc');
    expect(metrics.counter('plass_x_total', 'x')).toBe(metrics.counter('plass_x_total', 'x'));
  });

  it('refuses label names that could carry personal data', () => {
    const metrics = createMetrics('svc');
    expect(() => metrics.counter('plass_logins_total', 'Logins', ['email'])).toThrow(/personal data/);
    expect(() => metrics.histogram('plass_b_seconds', 'B', ['bookedBy'])).toThrow(/bookedBy/);
    expect(() => metrics.gauge('plass_users', 'U', ['userId'])).toThrow(/userId/);
  });
});
