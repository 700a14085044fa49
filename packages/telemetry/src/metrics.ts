import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { personalFieldNames } from './personal-field-names.js';

/**
 * Label names that would tie a series to a person (and explode cardinality). Label values must
 * never be personal either: label by tenant, context, event type, outcome, code, never by user.
 */
const FORBIDDEN_LABELS = new Set([...personalFieldNames(), 'userId', 'actorId', 'subjectId', 'bookingId', 'ip']);

export interface Metrics {
  readonly registry: Registry;
  counter<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string = string>(name: string, help: string, labelNames?: readonly L[], buckets?: number[]): Histogram<L>;
  /** Prometheus text exposition of this registry. */
  render(): Promise<string>;
  readonly contentType: string;
}

function checkLabels(metric: string, labelNames: readonly string[]): void {
  const bad = labelNames.filter((label) => FORBIDDEN_LABELS.has(label));
  if (bad.length > 0) throw new Error(`metric ${metric}: label(s) ${bad.join(', ')} could carry personal data`);
}

/**
 * Metrics with a registry of their own (not prom-client's global one), so several services in one
 * process do not clash. Every series carries `service`. Asking twice for a name returns the same metric.
 */
export function createMetrics(service: string, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });

  function existing<M>(name: string): M | undefined {
    return registry.getSingleMetric(name) as M | undefined;
  }

  return {
    registry,
    contentType: registry.contentType,
    counter(name, help, labelNames = []) {
      checkLabels(name, labelNames);
      return existing(name) ?? new Counter({ name, help, labelNames, registers: [registry] });
    },
    gauge(name, help, labelNames = []) {
      checkLabels(name, labelNames);
      return existing(name) ?? new Gauge({ name, help, labelNames, registers: [registry] });
    },
    histogram(name, help, labelNames = [], buckets) {
      checkLabels(name, labelNames);
      return existing(name) ?? new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) });
    },
    render: () => registry.metrics(),
  };
}
