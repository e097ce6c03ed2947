/**
 * The portal context's published language: dossiers forwarded by the national portal (DVCQG) on their way in.
 *
 * - `portal.files_received`: the forwarded dossier's files were fetched from the portal, their checksums match,
 *   and they wait in the portal's staging bucket (`portal-intake`, key `stagingKey`). The documents context
 *   takes them in as uploads of the applicant under the given `documentId`s (verified by content like any
 *   upload) and answers with document.verified / document.rejected for those ids.
 * - `portal.dossier_forwarded`: every file is a verified document; the dossiers context creates the dossier
 *   through its submission rules (channel online, source dvcqg) and its `dossier.submitted` carries
 *   `nationalDossierId`.
 * - `portal.forward_rejected`: an official refused a forwarded dossier that could not be taken in (or one
 *   supplementation round of it: `supplementId`), with the reason; for the outbound sync to tell the portal.
 * - `portal.supplement_forwarded`: the citizen answered a supplementation request on the portal and every file
 *   of the round is a verified document of the applicant; the dossiers context applies its supplement action
 *   (the same rules as the owner's `POST /dossiers/{code}/supplement`) and answers with
 *   `dossier.forwarded_supplement_applied` or `dossier.forwarded_supplement_refused` (#dossiers/events.ts).
 *   The round's files travel like a forwarded dossier's: `portal.files_received` first.
 */
import type { EventEnvelope } from '#platform/events.ts';

export interface StagedFile {
  documentId: string;
  fileName: string;
  requirementCode: string;
  contentType: string;
  size: number;
  sha256: string;
  stagingKey: string;
  /** A GET URL of the staged file, valid 12 hours (the staging bucket is the portal's; see decision 0007). */
  url: string;
}

export interface FilesReceivedData {
  nationalId: string;
  applicantIdNumber: string;
  procedureCode: string;
  files: StagedFile[];
}

export interface ForwardedSubmissionData {
  nationalId: string;
  procedureCode: string;
  agencyCode: string;
  applicant: {
    idNumber: string;
    fullName: string;
    type: 'citizen' | 'business';
    phone?: string;
    email?: string;
    address?: string;
  };
  formData: Record<string, unknown>;
  documents: { requirementCode: string; documentId: string }[];
  resultDelivery: 'online' | 'counter' | 'post';
  /** When the citizen submitted on DVCQG, if the portal said. */
  portalSubmittedAt?: string;
}

export interface ForwardRejectedData {
  nationalId: string;
  /** Set when the refused thing is a supplementation round of the dossier (its HoSoBoSungId), not the dossier. */
  supplementId?: string;
  reason: string;
  rejectedBy: { sub: string; name?: string };
  /** Why it was held (unknown-procedure, unmapped-agency, file-unreachable, invalid-data, …). */
  heldFor?: string;
}

export interface SupplementForwardedData {
  /** The portal's id of the dossier (MaHoSo) and of the round (HoSoBoSungId). */
  nationalId: string;
  supplementId: string;
  /** The dossier the forwarded dossier became. */
  dossierCode: string;
  /** The round's files, verified documents of the applicant, by the procedure's requirement. */
  documents: { requirementCode: string; documentId: string }[];
  /** The citizen's note, if the portal gave one. */
  note?: string;
}

export const PORTAL_EVENT_TYPES = [
  'portal.files_received',
  'portal.dossier_forwarded',
  'portal.forward_rejected',
  'portal.supplement_forwarded',
] as const;
export type PortalEventType = (typeof PORTAL_EVENT_TYPES)[number];

export type PortalEvent =
  | EventEnvelope<FilesReceivedData, 'portal.files_received'>
  | EventEnvelope<ForwardedSubmissionData, 'portal.dossier_forwarded'>
  | EventEnvelope<ForwardRejectedData, 'portal.forward_rejected'>
  | EventEnvelope<SupplementForwardedData, 'portal.supplement_forwarded'>;
