/** Notification templates (admins): the current ones per event, channel and language, each with a preview. */
import { useState } from 'react';
import { unwrap } from '../api/client.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, Show } from '../components/common.tsx';
import { useI18n } from '../i18n.tsx';
import { useLoad } from '../use-load.ts';

export function AdminTemplatesPage() {
  const { api } = useApp();
  const { t, language } = useI18n();
  const [previewId, setPreviewId] = useState<string>();
  const list = useLoad(
    async () => unwrap(await api.GET('/notifications/templates', { params: { query: { language } } })),
    [language],
  );
  return (
    <>
      <PageTitle>{t('templatesTitle')}</PageTitle>
      <div className="split">
        <section className="card" aria-label={t('templatesTitle')}>
          <Show loaded={list}>
            {(templates) => (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Audience</th>
                    <th scope="col">{t('version')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('preview')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {templates
                    .filter((x) => x.current)
                    .map((x) => (
                      <tr key={x.id}>
                        <th scope="row">{x.event}</th>
                        <td>{x.channel}</td>
                        <td>{x.audience}</td>
                        <td className="num">{x.version}</td>
                        <td>
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`${t('preview')} ${x.id}`}
                            onClick={() => setPreviewId(x.id)}
                          >
                            {t('preview')}
                          </button>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )}
          </Show>
        </section>
        {previewId ? <Preview key={previewId} id={previewId} /> : null}
      </div>
    </>
  );
}

function Preview({ id }: { id: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const loaded = useLoad(
    async () => unwrap(await api.GET('/notifications/templates/{id}/preview', { params: { path: { id } } })),
    [id],
  );
  return (
    <section className="card" aria-labelledby="preview-h">
      <h2 id="preview-h">
        {t('preview')}: {id}
      </h2>
      <Show loaded={loaded}>
        {(p) => (
          <>
            {p.subject ? <p className="problem-title">{p.subject}</p> : null}
            <pre className="template-text">{p.text}</pre>
            {p.html ? (
              <iframe className="template-html" sandbox="" srcDoc={p.html} title={`${t('preview')} HTML ${id}`} />
            ) : null}
            {p.missing.length > 0 ? <p className="hint">missing: {p.missing.join(', ')}</p> : null}
          </>
        )}
      </Show>
    </section>
  );
}
