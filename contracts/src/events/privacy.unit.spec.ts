import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LegalHoldBody, PublishPolicyBody } from '../http.js';
import { ExportRequestView, PlaceLegalHold, PublishPolicy } from '../messages/privacy-api.js';
import { AuditRecorded, LegalHoldReference, PrivacyPolicyPublished } from './privacy.js';

const subjectId = randomUUID();

describe('a legal hold reference', () => {
  it('is an opaque case number', () => {
    for (const reference of ['2030/17', 'LG-Berlin-12.O.345/30', '#4711', 'case_7']) {
      expect(LegalHoldReference.safeParse(reference).success).toBe(true);
    }
  });

  it('refuses a name or free text, also where the gateway reads the body', () => {
    for (const reference of ['Case v John Smith', 'Case 2030/17', 'Smith', 'x'.repeat(60) + '1']) {
      expect(LegalHoldReference.safeParse(reference).success).toBe(false);
      expect(PlaceLegalHold.request.safeParse({ subjectId, reason: 'litigation', reference }).success).toBe(false);
      expect(LegalHoldBody.safeParse({ subjectId, reason: 'litigation', reference }).success).toBe(false);
    }
  });
});

describe('a privacy policy', () => {
  const policy = { version: 'v3', text: 'We book desks.', requireAcknowledgement: true };

  it('links only to an https page', () => {
    for (const schema of [PublishPolicy.request, PublishPolicyBody, PrivacyPolicyPublished.data]) {
      expect(schema.safeParse({ ...policy, url: 'https://example.test/privacy' }).success).toBe(true);
      for (const url of ['http://example.test/privacy', 'javascript:alert(1)', 'ftp://example.test/p']) {
        expect(schema.safeParse({ ...policy, url }).success).toBe(false);
      }
    }
  });

  it('has at most 50 000 characters, within the gateway’s 64 KB body limit', () => {
    for (const schema of [PublishPolicy.request, PublishPolicyBody, PrivacyPolicyPublished.data]) {
      expect(schema.safeParse({ ...policy, text: 'a'.repeat(50_000) }).success).toBe(true);
      expect(schema.safeParse({ ...policy, text: 'a'.repeat(50_001) }).success).toBe(false);
    }
  });
});

describe('an audit entry', () => {
  const entry = { auditId: randomUUID(), operation: 'erasure.refused', outcome: 'refused', at: '2031-01-31T10:00:00.000Z' } as const;

  it('holds codes, ids, counts and flags in its details', () => {
    const details = { reason: 'litigation', holdId: randomUUID(), keys: 4, duplicate: true, version: '2030-03', periodsBefore: '2030-W10', at: 'urn:x:1' };
    expect(AuditRecorded.data.safeParse({ ...entry, details }).success).toBe(true);
  });

  it('refuses free text in its details', () => {
    for (const value of ['Kari Nordmann', 'kari@example.test', '', 'a'.repeat(101)]) {
      expect(AuditRecorded.data.safeParse({ ...entry, details: { note: value } }).success).toBe(false);
    }
  });
});

describe('an export request view', () => {
  it('says until when its bundle is kept', () => {
    const view = {
      id: randomUUID(),
      subjectId,
      status: 'pending',
      requestedAt: '2031-01-31T10:00:00.000Z',
      dueAt: '2031-02-28T10:00:00.000Z',
      completedAt: null,
      overdue: false,
      bundle: null,
    };
    expect(ExportRequestView.safeParse(view).success).toBe(false);
    expect(ExportRequestView.safeParse({ ...view, expiresAt: null }).success).toBe(true);
  });
});
