/**
 * A dossier's form data laid out by the procedure's form schema (JSON Schema): each property under its title, in
 * the schema's order, enums by their labels when the schema gives them (oneOf const/title), nested objects and
 * arrays indented. Fields the schema does not name are still shown, after the others, under their keys.
 */
import { useI18n } from '../i18n.tsx';

interface Schema {
  type?: string | string[];
  title?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  oneOf?: { const?: unknown; title?: string }[];
}

function Value({ value, schema }: { value: unknown; schema: Schema | undefined }) {
  const { t, date } = useI18n();
  if (value === null || value === undefined || value === '') return <span className="muted">{t('none')}</span>;
  if (typeof value === 'boolean') return <>{value ? t('yes') : t('no')}</>;
  if (Array.isArray(value))
    return (
      <ul className="plain">
        {value.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: form arrays have no identity but their position
          <li key={index}>
            <Value value={item} schema={schema?.items} />
          </li>
        ))}
      </ul>
    );
  if (typeof value === 'object') return <FormData data={value as Record<string, unknown>} schema={schema} nested />;
  const label = schema?.oneOf?.find((o) => o.const === value)?.title;
  if (label) return <>{label}</>;
  if (schema?.format === 'date' && typeof value === 'string') return <>{date(`${value}T00:00:00+07:00`)}</>;
  return <>{String(value)}</>;
}

export function FormData({
  data,
  schema,
  nested = false,
}: {
  data: Record<string, unknown>;
  schema: Schema | undefined;
  nested?: boolean;
}) {
  const declared = Object.keys(schema?.properties ?? {});
  const keys = [...declared.filter((k) => k in data), ...Object.keys(data).filter((k) => !declared.includes(k))];
  return (
    <dl className={nested ? 'form-data nested' : 'form-data'}>
      {keys.map((key) => {
        const property = schema?.properties?.[key];
        return (
          <div key={key} className="form-row">
            <dt>{property?.title ?? key}</dt>
            <dd>
              <Value value={data[key]} schema={property} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
