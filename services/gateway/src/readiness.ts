import type { Bus } from '@plass/bus';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

/** The services a gateway request needs: identity (its keys verify every token), booking, and privacy (booking's keys). */
export const UPSTREAM_SERVICES = ['identity', 'booking', 'privacy'] as const;

type HealthBus = Pick<Bus, 'isServing'> & { nc: Pick<Bus['nc'], 'status' | 'isClosed' | 'isDraining'> };

/**
 * Ready when the NATS connection is open and every upstream service answers its health ping:
 * "ready" means a request would be served, not merely that a socket is open.
 */
export class ServiceReadiness implements Readiness {
  private connected = true;

  constructor(
    private readonly bus: HealthBus,
    private readonly upstreams: readonly string[] = UPSTREAM_SERVICES,
  ) {
    this.watch().catch(() => {
      this.connected = false;
    });
  }

  async check(): Promise<ReadinessReport> {
    const nats = this.connected && !this.bus.nc.isClosed() && !this.bus.nc.isDraining();
    const checks: ReadinessReport['checks'] = { nats: nats ? 'ok' : 'unavailable' };
    const answers = nats ? await Promise.all(this.upstreams.map((service) => this.bus.isServing(service, 500))) : [];
    this.upstreams.forEach((service, i) => {
      checks[service] = answers[i] ? 'ok' : 'unavailable';
    });
    return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
  }

  private async watch(): Promise<void> {
    for await (const status of this.bus.nc.status()) {
      if (status.type === 'disconnect') this.connected = false;
      else if (status.type === 'reconnect') this.connected = true;
    }
  }
}
