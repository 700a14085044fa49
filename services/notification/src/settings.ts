import { randomUUID } from 'node:crypto';
import type { NotificationPreferences, NotificationSettings, RequestOf, ChangeNotificationPreferences, ChangeNotificationSettings } from '@plass/contracts';
import type { ProjectionStore, ProjectionTx } from '@plass/projections';
import { DEFAULT_REMINDER_MINUTES } from './projection.js';

export const SETTINGS = 'notification_settings';
/** Keyed by the recipient id (a hash of tenant and user id), dropped on erasure. */
export const PREFERENCES = 'notification_preferences';
/** Not a projection: the API writes these documents (each write under a fresh id). */
export const SETTINGS_WRITER = 'notification_settings_api';

export interface ServiceDefaults {
  sender: NotificationSettings['sender'];
  baseUrl: string;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = { confirmations: true, reminders: true };

export function defaultSettings(defaults: ServiceDefaults): NotificationSettings {
  return {
    mails: { confirmed: true, cancelled: true, released: true, reminder: true, invited: true },
    reminderMinutesBefore: DEFAULT_REMINDER_MINUTES,
    sender: defaults.sender,
    baseUrl: defaults.baseUrl,
    defaultLocale: 'en',
  };
}

type StoredSettings = Partial<NotificationSettings> & { id: string };
type StoredPreferences = NotificationPreferences & { id: string };

const merge = (base: NotificationSettings, stored: StoredSettings | undefined): NotificationSettings => {
  if (!stored) return base;
  const { id: _id, ...changes } = stored;
  return { ...base, ...changes, mails: { ...base.mails, ...changes.mails } };
};

/** The reminder's lead time in minutes, 0 when the tenant sends none: read inside a projection's transaction. */
export const reminderLeadIn =
  (defaults: ServiceDefaults) =>
  (tx: ProjectionTx, tenantId: string): number => {
    const settings = merge(defaultSettings(defaults), tx.get<StoredSettings>(SETTINGS, tenantId));
    return settings.mails.reminder ? settings.reminderMinutesBefore : 0;
  };

export class Settings {
  constructor(private readonly deps: { store: ProjectionStore; defaults: ServiceDefaults }) {}

  async of(tenantId: string): Promise<NotificationSettings> {
    return merge(defaultSettings(this.deps.defaults), await this.deps.store.get<StoredSettings>(SETTINGS, tenantId));
  }

  async change(tenantId: string, changes: RequestOf<typeof ChangeNotificationSettings>): Promise<NotificationSettings> {
    await this.deps.store.apply(SETTINGS_WRITER, randomUUID(), (tx) => {
      const found = tx.get<StoredSettings>(SETTINGS, tenantId) ?? { id: tenantId };
      const { mails, ...rest } = changes;
      tx.put(SETTINGS, tenantId, { ...found, ...rest, ...(mails ? { mails: { ...found.mails, ...mails } } : {}) });
    });
    return this.of(tenantId);
  }

  async preferencesOf(recipient: string): Promise<NotificationPreferences> {
    const found = await this.deps.store.get<StoredPreferences>(PREFERENCES, recipient);
    return found ? { confirmations: found.confirmations, reminders: found.reminders } : DEFAULT_PREFERENCES;
  }

  async changePreferences(recipient: string, changes: RequestOf<typeof ChangeNotificationPreferences>): Promise<NotificationPreferences> {
    await this.deps.store.apply(SETTINGS_WRITER, randomUUID(), (tx) => {
      const found = tx.get<StoredPreferences>(PREFERENCES, recipient) ?? { id: recipient, ...DEFAULT_PREFERENCES };
      tx.put(PREFERENCES, recipient, { ...found, ...changes });
    });
    return this.preferencesOf(recipient);
  }
}
