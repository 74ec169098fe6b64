import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../../routes';

/**
 * A function giving the fleet topology URL that selects one cluster, or undefined when the
 * fleet page is not mounted in this app.
 */
export function useFleetLink(): ((id: string) => string) | undefined {
  let root: (() => string) | undefined;
  try {
    // Throws when the fleet page is not mounted in this app. The hook is called exactly
    // once on every render; the try only catches its error.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    root = useRouteRef(rootRouteRef);
  } catch {
    root = undefined;
  }
  return root
    ? (id: string) => `${root!()}?selected=${encodeURIComponent(id)}`
    : undefined;
}
