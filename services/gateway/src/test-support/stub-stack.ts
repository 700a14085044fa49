import { startNats, type NatsServerHandle } from '@plass/testing';
import { startGateway, type GatewayConfig, type RunningGateway } from '../gateway.js';
import { BookingStub } from './booking-stub.js';
import { httpClient } from './http-client.js';
import { IdentityStub } from './identity-stub.js';

export interface StubStack {
  nats: NatsServerHandle;
  booking: BookingStub;
  identity: IdentityStub;
  gateway: RunningGateway;
  call: ReturnType<typeof httpClient>;
  /** Stops the gateway first, then the stand-ins, then NATS. */
  close(): Promise<void>;
}

/**
 * A real gateway on a private NATS with in-test stand-ins for booking and identity, and an HTTP
 * client that signs tokens with the identity stand-in's key.
 */
export async function startStubStack(config: Omit<GatewayConfig, 'natsUrl' | 'port'>): Promise<StubStack> {
  const nats = await startNats();
  const booking = await BookingStub.start(nats.url);
  const identity = await IdentityStub.start(nats.url);
  const gateway = await startGateway({ natsUrl: nats.url, port: 0, ...config });
  return {
    nats,
    booking,
    identity,
    gateway,
    call: httpClient(gateway.url, identity.tokenFor),
    async close() {
      await gateway.close();
      await booking.close();
      await identity.close();
      await nats.stop();
    },
  };
}
