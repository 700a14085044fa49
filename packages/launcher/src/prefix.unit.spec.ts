import { describe, expect, it } from '@jest/globals';
import { prefixer, wantsColor } from './prefix.js';

describe('prefixer', () => {
  it('pads names so output columns line up', () => {
    const prefix = prefixer({ color: false, width: 7 });
    expect(prefix('nats', 'up')).toBe('nats    │ up');
    expect(prefix('gateway', 'up')).toBe('gateway │ up');
  });

  it('colors each name differently, the dimmed ones grey, and leaves the line itself alone', () => {
    const prefix = prefixer({ color: true, width: 7, dim: ['nats'] });
    const privacy = prefix('privacy', 'x');
    const booking = prefix('booking', 'x');
    expect(prefix('nats', 'x')).toBe('\u001b[90mnats    │\u001b[0m x');
    // eslint-disable-next-line no-control-regex -- the ANSI colour escape is what is under test
    expect(privacy).toMatch(/^\u001b\[\d+mprivacy │\u001b\[0m x$/);
    expect(booking.slice(0, 5)).not.toBe(privacy.slice(0, 5));
    expect(prefix('privacy', 'y')).toBe(privacy.replace(/x$/, 'y'));
  });
});

describe('wantsColor', () => {
  it('colors a terminal unless NO_COLOR, and anything with FORCE_COLOR', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({}, { FORCE_COLOR: '1' })).toBe(true);
  });
});
