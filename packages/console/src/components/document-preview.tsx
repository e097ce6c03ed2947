/**
 * A document of the dossier with an inline preview. The file comes through GET /documents/{id}/content (which
 * authorizes, records the access and redirects to a short-lived URL); the browser follows the redirect and
 * the console shows the bytes from a blob: URL, so no signed URL is ever put into the page.
 */
import { useEffect, useState } from 'react';
import { unwrap } from '../api/client.ts';
import { useApp } from '../app-context.ts';
import { useI18n } from '../i18n.tsx';
import { toProblem, useLoad } from '../use-load.ts';
import { ProblemView } from './common.tsx';

export function DocumentItem({ documentId, label, badges }: { documentId: string; label: string; badges: string[] }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const meta = useLoad(
    async () => unwrap(await api.GET('/documents/{id}', { params: { path: { id: documentId } } })),
    [documentId],
  );
  return (
    <li className="document">
      <div className="document-head">
        <span className="document-label">{label}</span>
        {meta.state === 'ready' ? (
          <span className="muted">
            {meta.value.fileName} · {Math.ceil(meta.value.size / 1024)} KB
          </span>
        ) : null}
        {badges.map((b) => (
          <span key={b} className="badge">
            {b}
          </span>
        ))}
        <button
          type="button"
          className="secondary small"
          aria-expanded={open}
          aria-label={`${open ? t('hidePreview') : t('preview')}: ${label}`}
          onClick={() => setOpen(!open)}
        >
          {open ? t('hidePreview') : t('preview')}
        </button>
      </div>
      {meta.state === 'error' ? <ProblemView problem={meta.problem} /> : null}
      {open && meta.state === 'ready' ? (
        <Preview documentId={documentId} contentType={meta.value.contentType} label={label} />
      ) : null}
    </li>
  );
}

function Preview({ documentId, contentType, label }: { documentId: string; contentType: string; label: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [url, setUrl] = useState<string>();
  const [problem, setProblem] = useState<ReturnType<typeof toProblem>>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let current = true;
    api
      .GET('/documents/{id}/content', { params: { path: { id: documentId } }, parseAs: 'blob' })
      .then((result) => {
        const blob = unwrap(result) as unknown as Blob;
        objectUrl = URL.createObjectURL(new Blob([blob], { type: contentType }));
        if (current) setUrl(objectUrl);
      })
      .catch((error: unknown) => current && setProblem(toProblem(error)));
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, documentId, contentType]);
  if (problem) return <ProblemView problem={problem} />;
  if (!url) return <p className="loading">{t('loading')}</p>;
  if (contentType.startsWith('image/')) return <img className="preview" src={url} alt={`${t('previewOf')} ${label}`} />;
  if (contentType === 'application/pdf')
    return <iframe className="preview" src={url} title={`${t('previewOf')} ${label}`} />;
  return (
    <p>
      {t('previewUnavailable')}{' '}
      <a href={url} download>
        {label}
      </a>
    </p>
  );
}
