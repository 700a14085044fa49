/**
 * GDPR Art. 12(3): a request is answered within one month. A month ends on the same date of the
 * next month, or on that month's last day when it has no such date (Jan 31 → Feb 28/29), in UTC.
 */
export function dueDateOf(requestedAt: string): string {
  const at = new Date(requestedAt);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(at.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds())).toISOString();
}

/** Pending past its due date. */
export const isOverdue = (request: { status: string; dueAt: string }, now: Date): boolean => request.status === 'pending' && now.getTime() > Date.parse(request.dueAt);
