import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { type Problem, ProblemError } from './api/client.ts';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; problem: Problem }
  | { state: 'ready'; value: T; reload: () => void };

export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  // A network failure or a bug: still shown in the page's error slot, never as a blank page.
  return { type: 'about:blank', title: error instanceof Error ? error.message : String(error), status: 0 };
}

/** Loads once per change of `deps`; a later answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load again
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setState({ state: 'ready', value, reload }),
      (error: unknown) => current && setState({ state: 'error', problem: toProblem(error) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return { ...state, reload } as Loaded<T> & { reload: () => void };
}
