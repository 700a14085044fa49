import type { Bus } from '@plass/bus';

export interface Readiness {
  isReady(): boolean;
}

type Connection = Pick<Bus['nc'], 'status' | 'isClosed' | 'isDraining'>;

/** Ready while the NATS connection is open: a disconnect flips it until the client reconnects. */
export class NatsReadiness implements Readiness {
  private connected = true;

  constructor(private readonly nc: Connection) {
    this.watch().catch(() => {
      this.connected = false;
    });
  }

  isReady(): boolean {
    return this.connected && !this.nc.isClosed() && !this.nc.isDraining();
  }

  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.connected = false;
      else if (status.type === 'reconnect') this.connected = true;
    }
  }
}
