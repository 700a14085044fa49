/** The tenant's current privacy policy as booking knows it (projected from the privacy service's events). */
export interface CurrentPrivacyPolicy {
  version: string;
  requireAcknowledgement: boolean;
}

/**
 * Whether the projection says the booker still has to acknowledge the current policy. It may lag
 * behind an acknowledgement just made, so `true` means "ask privacy", never "refuse".
 */
export function acknowledgementMissing(policy: CurrentPrivacyPolicy | undefined, acknowledgedVersions: readonly string[]): boolean {
  return policy?.requireAcknowledgement === true && !acknowledgedVersions.includes(policy.version);
}
