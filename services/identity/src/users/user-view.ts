import { UserRegistered, isRedacted, type UserView } from '@plass/contracts';
import type { Shredder } from '@plass/shredder';
import type { UserDocument } from './read-model.js';

const Personal = UserRegistered.data.pick({ email: true, displayName: true });

const reveal = (value: unknown): string | null => (value === undefined || isRedacted(value) ? null : (value as string));

/** Opens the sealed fields of one tenant's users with one key lookup; a destroyed key reads as null + `redacted`. */
export async function userViews(shredder: Shredder, tenantId: string, docs: UserDocument[]): Promise<UserView[]> {
  const opened = await shredder.decryptMany(
    Personal,
    docs.map((doc) => ({ stored: { email: doc.email, displayName: doc.displayName }, aad: doc.streamId })),
    { tenantId },
  );
  return docs.map((doc, i) => {
    const { data, redacted } = opened[i]!;
    return {
      id: doc.id,
      email: reveal(data.email),
      displayName: reveal(data.displayName),
      role: doc.role,
      locale: doc.locale,
      status: doc.status,
      ...(doc.bookingVisibility ? { bookingVisibility: doc.bookingVisibility } : {}),
      redacted,
    };
  });
}
