import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type {
  PlacementAdvice,
  PlacementQuery,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';

/**
 * The placement advice for the form's current site and version. Advice is a help, not a
 * condition: when it cannot be read (no create permission, an older backend) the picker
 * lists the islands without ranks.
 */
export function usePlacement(
  query: PlacementQuery,
): PlacementAdvice | undefined {
  const api = useApi(kamajiApiRef);
  const key = JSON.stringify(query);
  const advice = useAsync(
    () => api.getPlacement(query).catch(() => undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
  );
  return advice.value;
}
