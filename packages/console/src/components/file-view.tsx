/**
 * A file the API makes for the official (a slip, the tracking book): fetched with the official's token as a
 * blob, then shown inline when it is a PDF and offered for download under a file name. The bytes stay in a
 * blob: URL, so the page never holds a link that works without the token.
 */
import { useEffect, useState } from 'react';
import { type Problem, ProblemError, unwrap } from '../api/client.ts';
import { useI18n } from '../i18n.tsx';
import { toProblem } from '../use-load.ts';
import { ProblemView } from './common.tsx';

type BlobResult = { data?: unknown; error?: unknown; response: Response };

export interface LoadedFile {
  url: string;
  fileName: string;
  contentType: string;
}

/** Fetches one file; the problem of a failed call is thrown in the page's one shape. */
export async function loadFile(result: Promise<BlobResult>, fileName: string): Promise<LoadedFile> {
  const answer = await result;
  const blob = unwrap(answer) as Blob;
  if (!(blob instanceof Blob)) throw new ProblemError({ type: 'about:blank', title: 'not a file', status: 0 });
  const contentType = answer.response.headers.get('content-type')?.split(';')[0] ?? blob.type;
  return { url: URL.createObjectURL(new Blob([blob], { type: contentType })), fileName, contentType };
}

/** A button that fetches the file, then shows it (PDF inline) with a download link; toggles off again. */
export function FileButton({
  label,
  fileName,
  load,
}: {
  label: string;
  fileName: string;
  load: () => Promise<BlobResult>;
}) {
  const { t } = useI18n();
  const [file, setFile] = useState<LoadedFile>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => () => (file ? URL.revokeObjectURL(file.url) : undefined), [file]);
  const toggle = async () => {
    if (file) {
      setFile(undefined);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      setFile(await loadFile(load(), fileName));
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(false);
  };
  return (
    <li className="file">
      <div className="document-head">
        <span className="document-label">{label}</span>
        <button type="button" className="secondary small" aria-expanded={Boolean(file)} onClick={() => void toggle()}>
          {busy ? t('loading') : file ? `${t('hidePreview')}: ${label}` : `${t('open')}: ${label}`}
        </button>
        {file ? (
          <a className="download" href={file.url} download={file.fileName}>
            {t('download')} {file.fileName}
          </a>
        ) : null}
      </div>
      {problem ? <ProblemView problem={problem} /> : null}
      {file && file.contentType === 'application/pdf' ? (
        <iframe className="preview" src={file.url} title={`${t('previewOf')} ${label}`} />
      ) : null}
    </li>
  );
}

/** Starts a download of a fetched file (the tracking book as CSV): a click on a temporary link. */
export function saveFile(file: LoadedFile): void {
  const link = document.createElement('a');
  link.href = file.url;
  link.download = file.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(file.url), 1000);
}
