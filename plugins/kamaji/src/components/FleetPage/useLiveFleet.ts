import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { kamajiApiRef } from '../../api/KamajiApi';
import type { FleetResponse, LiveStatus } from '../../api/types';

export interface LiveFleetState {
  snapshot?: FleetResponse;
  error?: Error;
  /** True when the error ended the watch (401, 403): nothing more will come. */
  fatal: boolean;
  status: LiveStatus;
}

/** The live fleet: one watch (snapshot + event stream) per mounted page, no polling. */
export function useLiveFleet(): LiveFleetState {
  const api = useApi(kamajiApiRef);
  const [state, setState] = useState<LiveFleetState>({
    fatal: false,
    status: 'connecting',
  });
  useEffect(
    () =>
      api.watchFleet({
        next: snapshot =>
          setState(s => ({
            ...s,
            snapshot,
            error: s.fatal ? s.error : undefined,
          })),
        error: (error, fatal) => setState(s => ({ ...s, error, fatal })),
        status: status =>
          setState(s => ({
            ...s,
            status,
            error: status === 'live' && !s.fatal ? undefined : s.error,
          })),
      }),
    [api],
  );
  return state;
}
