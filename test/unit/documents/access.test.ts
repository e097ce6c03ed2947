import { describe, expect, test } from 'vitest';
import {
  type Caller,
  canComplete,
  canRead,
  handlingAgencies,
  isOwner,
  mayBeCarriedBy,
  mayDigitizeFor,
  ownershipOfUpload,
} from '#documents/domain/access.ts';

const citizen = (sub: string): Caller => ({ sub, issuer: 'citizen', roles: ['citizen'] });
const officer = (agencyCode: string, sub = 'officer-1'): Caller => ({
  sub,
  issuer: 'official',
  roles: ['officer'],
  agencyCode,
});
const admin: Caller = { sub: 'admin-1', issuer: 'official', roles: ['admin'] };

const A = '001099012345';
const B = '079200000001';
const citizensDoc = { ownerIdNumber: A };
const agencyDoc = { ownerAgencyCode: 'AG1' };
const digitizedForA = { ownerIdNumber: A, ownerAgencyCode: 'AG1' };

describe('reading', () => {
  test('the citizen owner reads; another citizen does not', () => {
    expect(canRead(citizen(A), citizensDoc, [])).toBe(true);
    expect(canRead(citizen(B), citizensDoc, [])).toBe(false);
  });

  test("officials read their agency's documents, and others' only through a grant to their agency", () => {
    expect(canRead(officer('AG1'), agencyDoc, [])).toBe(true);
    expect(canRead(officer('AG2'), agencyDoc, [])).toBe(false);
    expect(canRead(officer('AG2'), citizensDoc, [{ kind: 'agency', agencyCode: 'AG2' }])).toBe(true);
    expect(canRead(officer('AG3'), citizensDoc, [{ kind: 'agency', agencyCode: 'AG2' }])).toBe(false);
  });

  test('a citizen grant (a result) admits that citizen only; an agency grant admits no citizen', () => {
    expect(canRead(citizen(B), agencyDoc, [{ kind: 'citizen', idNumber: B }])).toBe(true);
    expect(canRead(citizen(A), agencyDoc, [{ kind: 'citizen', idNumber: B }])).toBe(false);
    expect(canRead(citizen(A), agencyDoc, [{ kind: 'agency', agencyCode: A }])).toBe(false);
  });

  test('a digitized document belongs both to the applicant and to the agency that scanned it', () => {
    expect(isOwner(citizen(A), digitizedForA)).toBe(true);
    expect(isOwner(officer('AG1'), digitizedForA)).toBe(true);
    expect(isOwner(officer('AG2'), digitizedForA)).toBe(false);
  });

  test('admins get no blanket access, and a citizen token never counts as an official', () => {
    expect(canRead(admin, agencyDoc, [])).toBe(false);
    const forged: Caller = { sub: A, issuer: 'citizen', roles: ['citizen', 'officer'], agencyCode: 'AG1' };
    expect(canRead(forged, agencyDoc, [{ kind: 'agency', agencyCode: 'AG1' }])).toBe(false);
  });
});

describe('uploading and completing', () => {
  test('a citizen owns what they upload and cannot digitize for others', () => {
    expect(ownershipOfUpload(citizen(A), {})).toEqual({ ok: true, ownerIdNumber: A, digitized: false });
    expect(ownershipOfUpload(citizen(A), { digitized: true, onBehalfOf: B })).toEqual({
      ok: false,
      reason: 'citizen-cannot-digitize',
    });
  });

  test('an official uploads for the agency, or digitizes for an applicant (the agency holds it, naming them)', () => {
    expect(ownershipOfUpload(officer('AG1'), {})).toEqual({ ok: true, ownerAgencyCode: 'AG1', digitized: false });
    expect(ownershipOfUpload(officer('AG1'), { digitized: true, onBehalfOf: B })).toEqual({
      ok: true,
      ownerAgencyCode: 'AG1',
      onBehalfOf: B,
      digitized: true,
    });
    expect(ownershipOfUpload(officer('AG1'), { onBehalfOf: B })).toEqual({
      ok: false,
      reason: 'on-behalf-needs-digitized',
    });
    expect(ownershipOfUpload(admin, {})).toEqual({ ok: false, reason: 'not-allowed' });
  });

  test("into the applicant's store only for a dossier of theirs the official's agency is on", () => {
    const dossier = { applicantIdNumber: B, agencies: ['AG1', 'AG2'] };
    expect(mayDigitizeFor(officer('AG1'), B, dossier)).toBe(true);
    expect(mayDigitizeFor(officer('AG2'), B, dossier)).toBe(true);
    expect(mayDigitizeFor(officer('AG9'), B, dossier)).toBe(false);
    expect(mayDigitizeFor(officer('AG1'), A, dossier)).toBe(false);
    expect(mayDigitizeFor(admin, B, dossier)).toBe(false);
    expect(mayDigitizeFor(citizen(B), B, dossier)).toBe(false);
  });

  test('only whoever opened the upload completes it (same subject and same issuer)', () => {
    const doc = { uploadedBy: { sub: A, kind: 'citizen' as const } };
    expect(canComplete(citizen(A), doc)).toBe(true);
    expect(canComplete(citizen(B), doc)).toBe(false);
    expect(canComplete({ sub: A, issuer: 'official', roles: ['officer'], agencyCode: 'AG1' }, doc)).toBe(false);
  });
});

describe('dossier events', () => {
  test('handling agencies: competent, current, receiving desk and transfer target, once each', () => {
    expect(handlingAgencies({ agencyCode: 'AG1', currentAgencyCode: 'AG1' })).toEqual(['AG1']);
    expect(handlingAgencies({ agencyCode: 'AG1', currentAgencyCode: 'AG1', receivingAgencyCode: 'AG4' })).toEqual([
      'AG1',
      'AG4',
    ]);
    expect(handlingAgencies({ agencyCode: 'AG1', currentAgencyCode: 'AG2', toAgencyCode: 'AG3' })).toEqual([
      'AG1',
      'AG2',
      'AG3',
    ]);
  });

  test("a dossier carries the applicant's documents and its agencies' ones, nobody else's", () => {
    const dossier = { applicantIdNumber: A, agencies: ['AG1'] };
    expect(mayBeCarriedBy(citizensDoc, dossier)).toBe(true);
    expect(mayBeCarriedBy({ ownerIdNumber: B }, dossier)).toBe(false);
    expect(mayBeCarriedBy(agencyDoc, dossier)).toBe(true);
    expect(mayBeCarriedBy({ ownerAgencyCode: 'AG9' }, dossier)).toBe(false);
    // Digitized for someone else by one of the dossier's agencies: still someone else's.
    expect(mayBeCarriedBy({ ownerIdNumber: B, ownerAgencyCode: 'AG1' }, dossier)).toBe(false);
    // A scan of the dossier's agency for its applicant, not in their store yet; one for someone else is not.
    expect(mayBeCarriedBy({ onBehalfOf: A, ownerAgencyCode: 'AG1' }, dossier)).toBe(true);
    expect(mayBeCarriedBy({ onBehalfOf: B, ownerAgencyCode: 'AG1' }, dossier)).toBe(false);
    expect(mayBeCarriedBy({ onBehalfOf: A, ownerAgencyCode: 'AG9' }, dossier)).toBe(false);
  });
});
