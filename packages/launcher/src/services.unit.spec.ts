import { describe, expect, it } from '@jest/globals';
import { startOrder } from './services.js';

describe('startOrder', () => {
  it('starts the key vault first and the gateway last, any new service in between', () => {
    expect(startOrder(['analytics', 'booking', 'gateway', 'identity', 'privacy'])).toEqual(['privacy', 'analytics', 'booking', 'identity', 'gateway']);
  });
});
