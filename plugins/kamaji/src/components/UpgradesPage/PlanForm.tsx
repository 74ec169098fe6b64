import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import type {
  UpgradePlan,
  UpgradePlanRequest,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { islandLabels, islandNameAndSite } from '../common/islandLabels';
import { useFleetForPicker } from '../scaffolder/fleetOverview';

type NumberField =
  | 'canary'
  | 'maxConcurrent'
  | 'soakSeconds'
  | 'gateTimeoutSeconds';
type Numbers = Record<NumberField, string>;
type WhenDisconnected = 'wait' | 'skip';

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
}));

interface PlanFields {
  version: string;
  island: string;
  numbers: Numbers;
  whenDisconnected: WhenDisconnected;
}
const INITIAL_FIELDS: PlanFields = {
  version: '',
  island: '',
  numbers: {
    canary: '1',
    maxConcurrent: '1',
    soakSeconds: '0',
    gateTimeoutSeconds: '900',
  },
  whenDisconnected: 'wait',
};

/** What the form asks for: a dry run, so the plan comes back as a draft with its preview. */
function planRequest(fields: PlanFields): UpgradePlanRequest {
  const { version, island, numbers, whenDisconnected } = fields;
  return {
    version: version.trim(),
    selection: island ? { island } : undefined,
    waves: { canary: Number(numbers.canary) },
    maxConcurrent: Number(numbers.maxConcurrent),
    soakSeconds: Number(numbers.soakSeconds),
    gateTimeoutSeconds: Number(numbers.gateTimeoutSeconds),
    whenDisconnected,
    dryRun: true,
  };
}

type PlanFormProps = {
  onCreate: (plan: UpgradePlan) => void;
  onError: (e: Error) => void;
};

/** Sends the fields as a dry run: the draft goes to `onCreate`, a failure to `onError`. */
function usePreviewPlan(props: PlanFormProps) {
  const api = useApi(kamajiApiRef);
  return async (fields: PlanFields) => {
    try {
      props.onCreate(await api.createUpgradePlan(planRequest(fields)));
    } catch (e) {
      props.onError(e as Error);
    }
  };
}

/** The form of a new upgrade plan; submitting it previews the plan. */
export function PlanForm(props: PlanFormProps) {
  const classes = useStyles();
  const preview = usePreviewPlan(props);
  const [fields, setFields] = useState<PlanFields>(INITIAL_FIELDS);
  const bind = <K extends keyof PlanFields>(key: K) => ({
    value: fields[key],
    onChange: (value: PlanFields[K]) =>
      setFields(current => ({ ...current, [key]: value })),
  });
  return (
    <form
      aria-label="New upgrade plan"
      className={classes.form}
      onSubmit={e => {
        e.preventDefault();
        preview(fields);
      }}
    >
      <VersionField {...bind('version')} className={classes.field} />
      <IslandSelect {...bind('island')} className={classes.wideField} />
      <NumberFields {...bind('numbers')} className={classes.field} />
      <DisconnectedSelect
        {...bind('whenDisconnected')}
        className={classes.wideField}
      />
      <Button type="submit" variant="contained" color="primary">
        Preview plan
      </Button>
    </form>
  );
}

/** A control of the form: its field's value, how to change it, and its width. */
type ControlProps<T> = {
  value: T;
  onChange: (value: T) => void;
  className: string;
};

function VersionField(props: ControlProps<string>) {
  return (
    <TextField
      id="upgrade-version"
      label="Target version"
      className={props.className}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      placeholder="v1.35.2"
      required
    />
  );
}

function IslandSelect(props: ControlProps<string>) {
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

function NumberFields(props: ControlProps<Numbers>) {
  const numbers = props.value;
  return (
    <>
      {NUMBER_FIELDS.map(field => (
        <TextField
          key={field.key}
          id={`upgrade-${field.key}`}
          label={field.label}
          className={props.className}
          type="number"
          value={numbers[field.key]}
          onChange={e =>
            props.onChange({ ...numbers, [field.key]: e.target.value })
          }
        />
      ))}
    </>
  );
}

function DisconnectedSelect(props: ControlProps<WhenDisconnected>) {
  return (
    <TextField
      select
      id="upgrade-disconnected"
      label="Disconnected island"
      className={props.className}
      value={props.value}
      onChange={e => props.onChange(e.target.value as WhenDisconnected)}
    >
      <MenuItem value="wait">wait for the uplink</MenuItem>
      <MenuItem value="skip">skip its clusters</MenuItem>
    </TextField>
  );
}
