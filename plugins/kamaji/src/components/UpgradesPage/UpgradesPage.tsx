import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Content,
  Header,
  Page,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useSearchParams } from 'react-router-dom';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  UpgradePlan,
  UpgradePlanProgress,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { islandLabels, islandNameAndSite } from '../common/islandLabels';
import { LocalTime } from '../common/LocalTime';
import { useFleetForPicker } from '../scaffolder/fleetOverview';
import { PlanCommand, PlanView } from './PlanView';

/**
 * How often a plan that is still moving is read again while the live-update stream is down
 * (the plan endpoint has an ETag).
 */
export const PLAN_POLL_MS = 2000;
const MOVING = new Set(['running', 'paused']);

type NumberField =
  | 'canary'
  | 'maxConcurrent'
  | 'soakSeconds'
  | 'gateTimeoutSeconds';
const NUMBER_FIELDS: Array<{ key: NumberField; label: string }> = [
  { key: 'canary', label: 'Canary clusters' },
  { key: 'maxConcurrent', label: 'At most at once' },
  { key: 'soakSeconds', label: 'Soak seconds' },
  { key: 'gateTimeoutSeconds', label: 'Gate timeout seconds' },
];

const useStyles = makeStyles(theme => ({
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(3),
  },
  field: { width: 160 },
  wideField: { width: 240 },
  heading: { marginTop: theme.spacing(3) },
}));

function IslandSelect(props: {
  value: string;
  onChange: (id: string) => void;
  className: string;
}) {
  // The islands a plan may be limited to: every fleet page lists them all.
  const islands = useFleetForPicker().value?.islands ?? [];
  const label = islandLabels(islands, islandNameAndSite);
  return (
    <TextField
      select
      id="upgrade-island"
      label="Island"
      className={props.className}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      <MenuItem value="">every island</MenuItem>
      {islands.map(island => (
        <MenuItem key={island.id} value={island.id}>
          {label(island)}
        </MenuItem>
      ))}
    </TextField>
  );
}

function PlanForm(props: {
  onCreate: (plan: UpgradePlan) => void;
  onError: (e: Error) => void;
}) {
  const api = useApi(kamajiApiRef);
  const classes = useStyles();
  const [version, setVersion] = useState('');
  const [island, setIsland] = useState('');
  const [numbers, setNumbers] = useState<Record<NumberField, string>>({
    canary: '1',
    maxConcurrent: '1',
    soakSeconds: '0',
    gateTimeoutSeconds: '900',
  });
  const [whenDisconnected, setWhenDisconnected] = useState<'wait' | 'skip'>(
    'wait',
  );
  const preview = async () => {
    try {
      props.onCreate(
        await api.createUpgradePlan({
          version: version.trim(),
          selection: island ? { island } : undefined,
          waves: { canary: Number(numbers.canary) },
          maxConcurrent: Number(numbers.maxConcurrent),
          soakSeconds: Number(numbers.soakSeconds),
          gateTimeoutSeconds: Number(numbers.gateTimeoutSeconds),
          whenDisconnected,
          dryRun: true,
        }),
      );
    } catch (e) {
      props.onError(e as Error);
    }
  };
  return (
    <form
      aria-label="New upgrade plan"
      className={classes.form}
      onSubmit={e => {
        e.preventDefault();
        preview();
      }}
    >
      <TextField
        id="upgrade-version"
        label="Target version"
        className={classes.field}
        value={version}
        onChange={e => setVersion(e.target.value)}
        placeholder="v1.35.2"
        required
      />
      <IslandSelect
        value={island}
        onChange={setIsland}
        className={classes.wideField}
      />
      {NUMBER_FIELDS.map(field => (
        <TextField
          key={field.key}
          id={`upgrade-${field.key}`}
          label={field.label}
          className={classes.field}
          type="number"
          value={numbers[field.key]}
          onChange={e =>
            setNumbers({ ...numbers, [field.key]: e.target.value })
          }
        />
      ))}
      <TextField
        select
        id="upgrade-disconnected"
        label="Disconnected island"
        className={classes.wideField}
        value={whenDisconnected}
        onChange={e => setWhenDisconnected(e.target.value as 'wait' | 'skip')}
      >
        <MenuItem value="wait">wait for the uplink</MenuItem>
        <MenuItem value="skip">skip its clusters</MenuItem>
      </TextField>
      <Button type="submit" variant="contained" color="primary">
        Preview plan
      </Button>
    </form>
  );
}

function PlanList(props: {
  plans: UpgradePlan[];
  onSelect: (id: string) => void;
}) {
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
        {props.plans.map(plan => (
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

/**
 * Fleet upgrade plans without page chrome: create one with its preview, list them, run one.
 * `?plan=<id>` opens that plan (the link the fleet upgrade plan template gives).
 */
export function UpgradesContent() {
  const api = useApi(kamajiApiRef);
  const classes = useStyles();
  const [searchParams] = useSearchParams();
  const [plans, setPlans] = useState<UpgradePlan[]>([]);
  const [selected, setSelected] = useState<string | undefined>(
    searchParams.get('plan') ?? undefined,
  );
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const onError = useCallback((e: Error) => setError(e), []);
  const applyRef = useRef<(progress: UpgradePlanProgress) => void>();
  const live = usePlanProgress(progress => {
    applyRef.current?.(progress);
    setPlans(list => list.map(p => withProgress(p, progress)));
  });
  const { plan, refresh, apply } = usePlan(selected, live, onError);
  applyRef.current = apply;

  const reloadList = useCallback(
    () => api.listUpgradePlans().then(r => setPlans(r.items), onError),
    [api, onError],
  );
  useEffect(() => {
    reloadList();
  }, [reloadList]);

  const command = async (name: PlanCommand) => {
    if (!plan) return;
    setBusy(true);
    try {
      refresh(await api.changeUpgradePlan(plan.id, name));
      await reloadList();
    } catch (e) {
      onError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {error && <ResponseErrorPanel error={error} />}
      <PlanForm
        onError={onError}
        onCreate={created => {
          setError(undefined);
          setSelected(created.id);
          refresh(created);
          reloadList();
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
      <PlanList plans={plans} onSelect={setSelected} />
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
