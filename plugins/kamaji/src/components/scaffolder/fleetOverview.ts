import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { KamajiApi } from '../../api/KamajiApi';
import { kamajiApiRef } from '../../api/KamajiApi';
import type { FleetQuery, FleetResponse } from '../../api/types';

/**
 * Islands, their data stores and the addon sets come whole with any fleet page; one tenant is
 * enough. Tenants are read only where a picker needs them (versions in use).
 */
export const OVERVIEW_QUERY: FleetQuery = { limit: 1 };

/** How long the pickers of one form share a response (they mount together). */
const SHARE_MS = 5000;

const shared = new WeakMap<
  KamajiApi,
  Map<string, { at: number; response: Promise<FleetResponse> }>
>();

/**
 * One fleet read shared by the pickers (and validators) of a form: the same query on the same
 * client within a few seconds is answered by the same request. A failed read is not kept.
 */
export function readFleet(
  api: KamajiApi,
  query: FleetQuery = OVERVIEW_QUERY,
): Promise<FleetResponse> {
  let byQuery = shared.get(api);
  if (!byQuery) {
    byQuery = new Map();
    shared.set(api, byQuery);
  }
  const key = JSON.stringify(query);
  const hit = byQuery.get(key);
  if (hit && Date.now() - hit.at < SHARE_MS) return hit.response;
  const response = api.getFleet(query);
  const entry = { at: Date.now(), response };
  byQuery.set(key, entry);
  response.catch(() => {
    if (byQuery!.get(key) === entry) byQuery!.delete(key);
  });
  return response;
}

/** The fleet as the pickers read it, with loading, error and retry. */
export function useFleetForPicker(query: FleetQuery = OVERVIEW_QUERY) {
  const api = useApi(kamajiApiRef);
  const key = JSON.stringify(query);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => readFleet(api, query), [api, key]);
}
