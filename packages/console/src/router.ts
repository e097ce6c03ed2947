/**
 * Hash routes (#/queue, #/dossiers/<code>): the console is static files, so every route is the one index.html
 * whether served by the local cloud or by CloudFront from S3, with no rewrite rules to keep in step.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'queue'; query: URLSearchParams }
  | { page: 'dossier'; code: string }
  | { page: 'counter' }
  | { page: 'desk'; date?: string }
  | { page: 'attention' }
  | { page: 'reports' }
  | { page: 'sync'; resync?: string }
  | { page: 'finance' }
  | { page: 'procedures' }
  | { page: 'calendar' }
  | { page: 'templates' }
  | { page: 'officials' }
  | { page: 'mappings' }
  | { page: 'not-found' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts.length === 0 || parts[0] === 'queue') return { page: 'queue', query };
  if (parts[0] === 'dossiers' && parts[1]) return { page: 'dossier', code: parts[1] };
  if (parts[0] === 'desk' && parts.length === 1) {
    const date = query.get('date');
    return date ? { page: 'desk', date } : { page: 'desk' };
  }
  // The re-sync job followed on the sync page: in the URL, so a reload shows its progress again.
  if (parts[0] === 'sync' && parts.length === 1) {
    const resync = query.get('resync');
    return resync ? { page: 'sync', resync } : { page: 'sync' };
  }
  const simple = [
    'counter',
    'attention',
    'reports',
    'finance',
    'procedures',
    'calendar',
    'templates',
    'officials',
    'mappings',
  ] as const;
  for (const page of simple) if (parts[0] === page && parts.length === 1) return { page };
  return { page: 'not-found' };
}

export function href(path: string): string {
  return `#/${path}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', href(path));
  else window.location.hash = `/${path}`;
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
