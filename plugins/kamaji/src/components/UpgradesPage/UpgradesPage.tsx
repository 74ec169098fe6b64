import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Content,
  Header,
  Page,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useSearchParams } from 'react-router-dom';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  UpgradePlan,
  UpgradePlanProgress,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { LocalTime } from '../common/LocalTime';
import { PlanForm } from './PlanForm';
import { PlanCommand, PlanView } from './PlanView';

/**
 * How often a plan that is still moving is read again while the live-update stream is down
 * (the plan endpoint has an ETag).
 */
export const PLAN_POLL_MS = 2000;
const MOVING = new Set(['running', 'paused']);

const useStyles = makeStyles(theme => ({
  heading: { marginTop: theme.spacing(3) },
}));

function PlanList(props: {
  /** Undefined until they are read. */
  plans?: UpgradePlan[];
  onSelect: (id: string) => void;
}) {
  const plans = props.plans ?? [];
  return (
    <Table size="small" aria-label="Upgrade plans">
      <TableHead>
        <TableRow>
          <TableCell>Created</TableCell>
          <TableCell>Version</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>By</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.plans?.length === 0 && (
          <TableRow>
            <TableCell colSpan={4}>
              No upgrade plan yet: preview one with the form above.
            </TableCell>
          </TableRow>
        )}
        {plans.map(plan => (
          <TableRow
            key={plan.id}
            hover
            onClick={() => props.onSelect(plan.id)}
            style={{ cursor: 'pointer' }}
          >
            <TableCell>
              <LocalTime iso={plan.createdAt} />
            </TableCell>
            <TableCell>{plan.version}</TableCell>
            <TableCell>{plan.status}</TableCell>
            <TableCell>{plan.createdBy}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The plan (or list item) with a progress event applied; unchanged when the event is older. */
export function withProgress(
  plan: UpgradePlan,
  progress: UpgradePlanProgress,
): UpgradePlan {
  if (progress.planId !== plan.id || progress.revision <= plan.revision) {
    return plan;
  }
  const changed = new Map(progress.steps.map(s => [s.clusterId, s]));
  return {
    ...plan,
    status: progress.status,
    revision: progress.revision,
    updatedAt: progress.updatedAt,
    message: progress.message,
    steps: plan.steps.map(s => changed.get(s.clusterId) ?? s),
  };
}

/** Follows plan progress on the live-update stream; false while the stream is down. */
function usePlanProgress(onProgress: (progress: UpgradePlanProgress) => void) {
  const api = useApi(kamajiApiRef);
  const [live, setLive] = useState(false);
  const latest = useRef(onProgress);
  latest.current = onProgress;
  useEffect(
    () =>
      api.watchUpgradePlans({
        progress: p => latest.current(p),
        status: s => setLive(s === 'live'),
      }),
    [api],
  );
  return live;
}

/**
 * Reads a plan; then follows it from the live-update stream, or, while the stream is down,
 * reads it again every PLAN_POLL_MS while it is running or paused. It is read again whenever
 * the stream comes back (events may have been missed meanwhile); `refresh` restarts.
 */
function usePlan(
  id: string | undefined,
  live: boolean,
  onError: (e: Error) => void,
) {
  const api = useApi(kamajiApiRef);
  const [plan, setPlan] = useState<UpgradePlan>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!id) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await api.getUpgradePlan(id, {
          signal: controller.signal,
        });
        setPlan(current =>
          current?.id === next.id && current.revision > next.revision
            ? current
            : next,
        );
        if (!live && MOVING.has(next.status)) {
          timer = setTimeout(load, PLAN_POLL_MS);
        }
      } catch (e) {
        if (!controller.signal.aborted) onError(e as Error);
      }
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, id, live, generation, onError]);
  const refresh = useCallback((next: UpgradePlan) => {
    setPlan(next);
    setGeneration(g => g + 1);
  }, []);
  const apply = useCallback((progress: UpgradePlanProgress) => {
    setPlan(current => current && withProgress(current, progress));
  }, []);
  return { plan, refresh, apply };
}

/** The fleet's upgrade plans, read once and again on `reload`. */
function usePlanList(onError: (e: Error) => void) {
  const api = useApi(kamajiApiRef);
  const [plans, setPlans] = useState<UpgradePlan[]>();
  const reload = useCallback(
    () => api.listUpgradePlans().then(r => setPlans(r.items), onError),
    [api, onError],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  return { plans, setPlans, reload };
}

/** Sends a command (start, pause, …) for the open plan; busy while it is sent. */
function usePlanCommand(
  plan: UpgradePlan | undefined,
  onChanged: (plan: UpgradePlan) => Promise<void>,
  onError: (e: Error) => void,
) {
  const api = useApi(kamajiApiRef);
  const [busy, setBusy] = useState(false);
  const command = async (name: PlanCommand) => {
    if (!plan) return;
    setBusy(true);
    try {
      await onChanged(await api.changeUpgradePlan(plan.id, name));
    } catch (e) {
      onError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { command, busy };
}

/**
 * Fleet upgrade plans without page chrome: create one with its preview, list them, run one.
 * `?plan=<id>` opens that plan (the link the fleet upgrade plan template gives).
 */
export function UpgradesContent() {
  const classes = useStyles();
  const [searchParams] = useSearchParams();
  const [selected, setSelected] = useState<string | undefined>(
    searchParams.get('plan') ?? undefined,
  );
  const [error, setError] = useState<Error>();
  const onError = useCallback((e: Error) => setError(e), []);
  const list = usePlanList(onError);
  const applyRef = useRef<(progress: UpgradePlanProgress) => void>();
  const live = usePlanProgress(progress => {
    applyRef.current?.(progress);
    list.setPlans(plans => plans?.map(p => withProgress(p, progress)));
  });
  const { plan, refresh, apply } = usePlan(selected, live, onError);
  applyRef.current = apply;
  const { command, busy } = usePlanCommand(
    plan,
    async changed => {
      refresh(changed);
      await list.reload();
    },
    onError,
  );

  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      <PlanForm
        onError={onError}
        onCreate={created => {
          setError(undefined);
          setSelected(created.id);
          refresh(created);
          list.reload();
        }}
      />
      {plan && (
        <>
          <PlanView plan={plan} onCommand={command} busy={busy} />
          <Typography variant="caption" color="textSecondary">
            {live
              ? 'Progress: live'
              : `Progress: read every ${
                  PLAN_POLL_MS / 1000
                } s (live updates unavailable)`}
          </Typography>
        </>
      )}
      <Typography variant="h6" className={classes.heading}>
        Plans
      </Typography>
      <PlanList plans={list.plans} onSelect={setSelected} />
    </>
  );
}

/** The "Upgrades" page at `/kamaji/upgrades`, beside the fleet topology. */
export function UpgradesPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Fleet upgrades"
        subtitle="Upgrade tenant clusters in waves, with a preview first"
      />
      <Content>
        <UpgradesContent />
      </Content>
    </Page>
  );
}
