import { createContext, useContext } from 'react';
import type { Api } from './api/client.ts';
import type { Official, Session } from './auth/session.ts';
import type { ConsoleConfig } from './config.ts';

export interface AppContextValue {
  config: ConsoleConfig;
  session: Session;
  api: Api;
  official: Official;
  agencies: Map<string, { vi: string; en?: string }>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}

/** What the console offers the official; the API decides again on every request. */
export function can(
  official: Official,
  what: 'act' | 'desk' | 'reports' | 'admin' | 'finance' | 'sync-failures' | 'resync',
): boolean {
  const has = (role: Official['roles'][number]) => official.roles.includes(role);
  switch (what) {
    case 'act':
      return has('officer') || has('leader');
    // The counter and the desk's day belong to an official of an agency (the desk receives in its own name).
    case 'desk':
      return (has('officer') || has('leader')) && Boolean(official.agencyCode);
    case 'reports':
      return has('officer') || has('leader') || has('admin');
    case 'admin':
    case 'finance':
    case 'sync-failures':
      return has('admin');
    // A national re-sync is the province's administrator's (an admin of no agency), as POST /sync/resyncs rules.
    case 'resync':
      return has('admin') && !official.agencyCode;
  }
}
