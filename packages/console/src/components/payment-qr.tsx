/**
 * What the desk hands an applicant who would rather pay online (issue #13): the dossier's lookup code on the
 * national payment platform, its payment page as a link and as a QR code (inline SVG, drawn from the URL in the
 * browser, nothing fetched), and a button that prints just this as a slip to give to the applicant: while it
 * prints, the page carries `print-handout` and the print stylesheet shows only the handout.
 */
import { useId } from 'react';
import { useI18n } from '../i18n.tsx';
import { qrPath } from './qr.ts';

const PRINTING = 'print-handout';

export function PaymentQr({
  dossierCode,
  amount,
  lookupCode,
  paymentUrl,
}: {
  dossierCode: string;
  amount: number;
  lookupCode: string;
  paymentUrl: string;
}) {
  const { t, money } = useI18n();
  const headingId = useId();
  const qr = qrPath(paymentUrl);

  const print = () => {
    const body = document.body;
    body.classList.add(PRINTING);
    window.addEventListener('afterprint', () => body.classList.remove(PRINTING), { once: true });
    window.print();
  };

  return (
    <section className="payment-handout" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('platformHandout')}</h3>
      <p className="print-only">
        {t('colCode')}: <strong className="code">{dossierCode}</strong> · {t('counterAmountDue')}:{' '}
        <strong>{money(amount)}</strong>
      </p>
      <p className="national-platform">
        {t('platformLookupCode')}: <strong className="code">{lookupCode}</strong>
      </p>
      <svg
        className="qr"
        role="img"
        aria-label={t('platformQr')}
        viewBox={`0 0 ${qr.size} ${qr.size}`}
        shapeRendering="crispEdges"
      >
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <p className="hint">{t('platformScan')}</p>
      <p className="payment-url">
        {t('platformPayPage')}:{' '}
        <a href={paymentUrl} target="_blank" rel="noreferrer">
          {paymentUrl}
        </a>
      </p>
      <button type="button" onClick={print}>
        {t('platformPrint')}
      </button>
    </section>
  );
}
