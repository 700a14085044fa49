import { randomUUID } from 'node:crypto';
import {
  ControllerContactChanged,
  DomainFailure,
  domainError,
  isRedacted,
  type ControllerContact,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type GetController,
  type SetController,
} from '@plass/contracts';
import type { RecordedEvent } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import { requireRole } from './access-checks.js';
import type { PrivacyLog } from './event-log.js';
import type { KeyVault } from './keys/index.js';
import type { Recorded } from './domain/recorded.js';
import { controllerStream } from './streams.js';

type Stored = Record<string, unknown>;

/** The tenant's current contact as stored (its fields sealed under the contact's own key), and the contacts it replaced. */
interface ContactState {
  current: { contactId: string; stored: Stored; at: string } | undefined;
  replaced: string[];
}

const foldContact = (events: RecordedEvent[]): ContactState =>
  events.reduce<ContactState>(
    (state, event) =>
      event.type === 'ControllerContactChanged'
        ? {
            current: { contactId: String((event.data as Stored).contactId), stored: event.data as Stored, at: String(event.metadata.occurredAt) },
            replaced: state.current ? [...state.replaced, state.current.contactId] : state.replaced,
          }
        : state,
    { current: undefined, replaced: [] },
  );

const flat = ({ dpo, ...controller }: ControllerContact) => ({
  ...controller,
  ...(dpo?.name ? { dpoName: dpo.name } : {}),
  ...(dpo ? { dpoEmail: dpo.email } : {}),
  ...(dpo?.phone ? { dpoPhone: dpo.phone } : {}),
});

export interface ControllerAppDeps {
  log: PrivacyLog;
  shredder: Shredder;
  vault: Pick<KeyVault, 'destroySubjectKeys'>;
}

/**
 * Who the controller is and how it and its DPO are reached (Art. 13, 30(1)(a), 37(7)). A contact
 * may name a person, so it is sealed under keys of its own; replacing it destroys the old keys, so
 * a former DPO's name is gone from the event store for good.
 */
export class ControllerApp {
  constructor(private readonly deps: ControllerAppDeps) {}

  async set(request: RequestOf<typeof SetController>, ctx: RequestContext): Promise<ResponseOf<typeof SetController>> {
    requireRole(ctx, ['admin'], 'admins');
    const streamId = controllerStream(ctx.tenantId);
    const contactId = randomUUID();
    const data = ControllerContactChanged.data.parse({ contactId, ...flat(request) });
    const stored = await this.deps.shredder.encrypt(ControllerContactChanged.data, data, { tenantId: ctx.tenantId, subjectId: contactId, aad: streamId });
    const state = await this.deps.log.commit(ctx, streamId, foldContact, (before, now) => ({
      events: [{ type: 'ControllerContactChanged', data: stored, at: now } as unknown as Recorded],
      audit: [{ operation: 'controller.changed', actorId: ctx.actorId, outcome: 'succeeded' }],
      result: { ...before, replaced: before.current ? [...before.replaced, before.current.contactId] : before.replaced, now },
    }));
    // Every contact replaced so far, again: a destruction a crash interrupted is finished by the next change.
    for (const replaced of state.replaced) await this.deps.vault.destroySubjectKeys(ctx.tenantId, replaced);
    return { tenantId: ctx.tenantId, updatedAt: state.now, ...request };
  }

  async get(ctx: RequestContext): Promise<ResponseOf<typeof GetController>> {
    const contact = await this.contact(ctx.tenantId);
    if (!contact) throw new DomainFailure(domainError('privacy.controller_not_set', "the tenant's admin has not set the controller's contact yet"));
    return { tenantId: ctx.tenantId, updatedAt: contact.updatedAt, ...contact.contact };
  }

  /** The contact in force, decrypted; `undefined` until the admin has set one. */
  async contact(tenantId: string): Promise<{ contact: ControllerContact; updatedAt: string } | undefined> {
    const streamId = controllerStream(tenantId);
    const { current } = await this.deps.log.read(streamId, foldContact);
    if (!current) return undefined;
    const { data } = await this.deps.shredder.decrypt(ControllerContactChanged.data, current.stored, { tenantId, aad: streamId });
    const value = (field: keyof typeof data) => {
      const found = data[field];
      return found === undefined || found === null || isRedacted(found) ? undefined : String(found);
    };
    const [dpoName, dpoEmail, dpoPhone, phone] = [value('dpoName'), value('dpoEmail'), value('dpoPhone'), value('phone')];
    const contact: ControllerContact = {
      name: value('name') ?? '',
      address: value('address') ?? '',
      email: value('email') ?? '',
      ...(phone ? { phone } : {}),
      ...(dpoEmail ? { dpo: { email: dpoEmail, ...(dpoName ? { name: dpoName } : {}), ...(dpoPhone ? { phone: dpoPhone } : {}) } } : {}),
    };
    return { contact, updatedAt: current.at };
  }
}
