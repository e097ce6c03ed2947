/**
 * The slips of the one-stop mechanism (Circular 01/2018/TT-VPCP) that apply to the dossier as it stands: the
 * receipt and appointment slip and the control sheet once received, the supplement request when one was asked,
 * the refusal when it was refused, the apology letter when the appointment was moved. The API makes each PDF
 * the first time and keeps it, so printing again gives the same document.
 */
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { useI18n } from '../i18n.tsx';
import type { Dossier } from '../pages/dossier.tsx';
import { FileButton } from './file-view.tsx';

export type SlipKind = paths['/dossiers/{code}/slips/{kind}']['get']['parameters']['path']['kind'];

const FILE_NAMES: Record<SlipKind, string> = {
  receipt: 'tiep-nhan-hen-tra',
  'supplement-request': 'yeu-cau-bo-sung',
  refusal: 'tu-choi',
  apology: 'xin-loi',
  'control-sheet': 'phieu-kiem-soat',
};

/** Which slips the dossier has; the API answers 409 for any other, so the console does not offer it. */
export function slipsOf(d: Dossier): SlipKind[] {
  const kinds: SlipKind[] = [];
  if (d.receivedAt) kinds.push('receipt');
  if (d.supplements.length > 0) kinds.push('supplement-request');
  if (d.status === 'rejected') kinds.push('refusal');
  if (d.apologies.length > 0) kinds.push('apology');
  // The control sheet (Mẫu 05) follows the dossier through every step, so it is there from submission on.
  kinds.push('control-sheet');
  return kinds;
}

export function Slips({ dossier }: { dossier: Dossier }) {
  const { api } = useApp();
  const { tv } = useI18n();
  const kinds = slipsOf(dossier);
  return (
    <ul className="documents">
      {kinds.map((kind) => (
        <FileButton
          key={kind}
          label={tv('slip', kind)}
          fileName={`${dossier.code}-${FILE_NAMES[kind]}.pdf`}
          load={() =>
            api.GET('/dossiers/{code}/slips/{kind}', {
              params: { path: { code: dossier.code, kind } },
              parseAs: 'blob',
            })
          }
        />
      ))}
    </ul>
  );
}
