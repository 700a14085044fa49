import { acknowledgementMissing } from './policy-acknowledgement.js';

describe('privacy policy acknowledgement before booking', () => {
  const requiring = { version: 'v2', requireAcknowledgement: true };

  it('is missing while the booker has not acknowledged the current version of a requiring policy', () => {
    expect(acknowledgementMissing(requiring, [])).toBe(true);
    expect(acknowledgementMissing(requiring, ['v1'])).toBe(true);
  });

  it('is not missing once the current version is acknowledged', () => {
    expect(acknowledgementMissing(requiring, ['v1', 'v2'])).toBe(false);
  });

  it('is never needed without a policy, or when the policy does not require it', () => {
    expect(acknowledgementMissing(undefined, [])).toBe(false);
    expect(acknowledgementMissing({ version: 'v3', requireAcknowledgement: false }, [])).toBe(false);
  });
});
