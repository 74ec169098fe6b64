import { useEffect, useRef, useState } from 'react';
import type { ActionPreview } from '@kamaji-backstage/plugin-kamaji-common';

/** Where the dry run of the current inputs stands. */
export type PreviewState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; preview: ActionPreview<unknown> }
  | { kind: 'refused'; error: unknown };

const SETTLE_MS = 300;

/**
 * Asks the backend for the dry run of the inputs named by `key`, once they have settled;
 * `load` is undefined while the inputs are not valid. A later key discards an earlier answer,
 * so the state always describes the inputs on screen.
 */
export function usePreview(
  key: string,
  load: (() => Promise<ActionPreview<unknown>>) | undefined,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ kind: 'idle' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const enabled = load !== undefined;

  useEffect(() => {
    const run = loadRef.current;
    if (!enabled || !run) {
      setState({ kind: 'idle' });
      return undefined;
    }
    let current = true;
    setState({ kind: 'loading' });
    const timer = setTimeout(() => {
      run().then(
        preview => current && setState({ kind: 'ready', preview }),
        error => current && setState({ kind: 'refused', error }),
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, enabled]);

  return state;
}
