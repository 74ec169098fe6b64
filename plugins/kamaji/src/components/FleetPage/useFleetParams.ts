import { useCallback, useMemo } from 'react';
import { useSearchParams, type NavigateOptions } from 'react-router-dom';
import {
  FILTER_KEYS,
  GROUP_BY_PARAM,
  filtersFromParams,
  groupByFromParams,
  type FleetFilters,
  type GroupBy,
} from './model';

const SELECTED_PARAM = 'selected';
const REPLACE: NavigateOptions = { replace: true };

function setFilterParams(next: URLSearchParams, patch: Partial<FleetFilters>) {
  for (const [k, v] of Object.entries(patch)) {
    next.delete(k);
    if (Array.isArray(v)) v.forEach(x => next.append(k, x));
    else if (v) next.set(k, v);
  }
}

function setOrDelete(next: URLSearchParams, key: string, value?: string) {
  if (value) next.set(key, value);
  else next.delete(key);
}

/** Navigates to a changed copy of the current URL search parameters. */
function useEditParams() {
  const [params, setParams] = useSearchParams();
  const edit = useCallback(
    (change: (next: URLSearchParams) => void, options?: NavigateOptions) =>
      setParams(prev => {
        const next = new URLSearchParams(prev);
        change(next);
        return next;
      }, options),
    [setParams],
  );
  return [params, edit] as const;
}

/**
 * The topology's state in the URL: filters and grouping (replacing the history entry) and the
 * selected node (a new entry).
 */
export function useFleetParams() {
  const [params, edit] = useEditParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const setFilters = useCallback(
    (patch: Partial<FleetFilters>) =>
      edit(next => setFilterParams(next, patch), REPLACE),
    [edit],
  );
  const setGroupBy = useCallback(
    (g: GroupBy | undefined) =>
      edit(next => setOrDelete(next, GROUP_BY_PARAM, g), REPLACE),
    [edit],
  );
  const clearFilters = useCallback(
    () => edit(next => FILTER_KEYS.forEach(k => next.delete(k)), REPLACE),
    [edit],
  );
  const select = useCallback(
    (id: string | undefined) =>
      edit(next => setOrDelete(next, SELECTED_PARAM, id)),
    [edit],
  );
  return {
    filters,
    groupBy: groupByFromParams(params),
    selectedId: params.get(SELECTED_PARAM) ?? undefined,
    setFilters,
    setGroupBy,
    clearFilters,
    select,
  };
}

export type FleetParams = ReturnType<typeof useFleetParams>;
