import { useEffect, useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import {
  ownerEntityRef,
  type HealthStatus,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetResponse } from '../../api/types';
import { HEALTH_LABEL } from '../common/HealthBadge';
import {
  HEALTH_ORDER,
  hasFilters,
  type FleetFilters,
  type GroupBy,
} from './model';
import { islandLabels } from '../common/islandLabels';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  control: { minWidth: 200 },
}));

function SingleSelect(props: {
  id: string;
  label: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
  onChange: (v: string | undefined) => void;
  /** What the empty choice is called. */
  noneLabel?: string;
}) {
  const classes = useStyles();
  return (
    <FormControl className={classes.control}>
      <InputLabel id={`${props.id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        value={props.value ?? ''}
        onChange={e => props.onChange((e.target.value as string) || undefined)}
      >
        <MenuItem value="">
          <em>{props.noneLabel ?? 'All'}</em>
        </MenuItem>
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** A text field that writes to the URL a moment after typing stops. */
function DebouncedText(props: {
  id: string;
  label: string;
  value?: string;
  onChange: (v: string | undefined) => void;
  type?: string;
}) {
  const classes = useStyles();
  const [text, setText] = useState(props.value ?? '');
  const { value, onChange } = props;
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => {
    if (text === (value ?? '')) return undefined;
    const t = setTimeout(() => onChange(text.trim() || undefined), 250);
    return () => clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <TextField
      id={props.id}
      className={classes.control}
      label={props.label}
      type={props.type}
      value={text}
      onChange={e => setText(e.target.value)}
    />
  );
}

function HealthSelect(props: {
  value: HealthStatus[];
  onChange: (health: HealthStatus[]) => void;
}) {
  const classes = useStyles();
  return (
    <FormControl className={classes.control}>
      <InputLabel id="kamaji-filter-health-label">Health</InputLabel>
      <Select
        labelId="kamaji-filter-health-label"
        id="kamaji-filter-health"
        multiple
        value={props.value}
        renderValue={v =>
          (v as HealthStatus[]).map(h => HEALTH_LABEL[h]).join(', ')
        }
        onChange={e => props.onChange(e.target.value as HealthStatus[])}
      >
        {HEALTH_ORDER.map(h => (
          <MenuItem key={h} value={h}>
            {HEALTH_LABEL[h]}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

const GROUP_BY_OPTIONS: Array<{ value: GroupBy; label: string }> = [
  { value: 'site', label: 'Site' },
  { value: 'owner', label: 'Owner' },
  { value: 'uplink', label: 'Uplink health' },
];

function GroupBySelect(props: {
  value?: GroupBy;
  onChange: (g: GroupBy | undefined) => void;
}) {
  return (
    <SingleSelect
      id="kamaji-group-by"
      label="Group by"
      value={props.value}
      noneLabel="Topology"
      options={GROUP_BY_OPTIONS}
      onChange={v => props.onChange(v as GroupBy | undefined)}
    />
  );
}

function managementClusterOptions(snapshot: FleetResponse) {
  return snapshot.managementClusters.map(m => ({
    value: m.name,
    label: m.title ?? m.name,
  }));
}

/** The islands of the chosen management cluster (all islands when none is chosen). */
function islandOptions(snapshot: FleetResponse, managementCluster?: string) {
  const islands = snapshot.islands.filter(
    i => !managementCluster || i.managementCluster === managementCluster,
  );
  const islandLabel = islandLabels(islands, i => i.title ?? i.name);
  return islands.map(i => ({ value: i.id, label: islandLabel(i) }));
}

function ownerOptions(snapshot: FleetResponse) {
  const owners = [
    ...new Set(
      [...snapshot.islands, ...snapshot.tenants]
        .map(n => ownerEntityRef(n.owner))
        .filter((o): o is string => !!o),
    ),
  ].sort();
  return owners.map(o => ({ value: o, label: o }));
}

export function FleetFiltersBar(props: {
  snapshot: FleetResponse;
  filters: FleetFilters;
  groupBy?: GroupBy;
  onGroupByChange: (g: GroupBy | undefined) => void;
  onChange: (patch: Partial<FleetFilters>) => void;
  onClear: () => void;
}) {
  const classes = useStyles();
  const { snapshot, filters, onChange } = props;
  return (
    <div className={classes.root} role="search" aria-label="Fleet filters">
      <SingleSelect
        id="kamaji-filter-mc"
        label="Management cluster"
        value={filters.managementCluster}
        options={managementClusterOptions(snapshot)}
        onChange={v => onChange({ managementCluster: v, island: undefined })}
      />
      <SingleSelect
        id="kamaji-filter-island"
        label="Island"
        value={filters.island}
        options={islandOptions(snapshot, filters.managementCluster)}
        onChange={v => onChange({ island: v })}
      />
      <SingleSelect
        id="kamaji-filter-owner"
        label="Owner"
        value={filters.owner}
        options={ownerOptions(snapshot)}
        onChange={v => onChange({ owner: v })}
      />
      <HealthSelect
        value={filters.health}
        onChange={health => onChange({ health })}
      />
      <DebouncedText
        id="kamaji-filter-version"
        label="Kubernetes version"
        value={filters.version}
        onChange={v => onChange({ version: v })}
      />
      <DebouncedText
        id="kamaji-filter-q"
        label="Search"
        type="search"
        value={filters.q}
        onChange={v => onChange({ q: v })}
      />
      <GroupBySelect value={props.groupBy} onChange={props.onGroupByChange} />
      {hasFilters(filters) && (
        <Button onClick={props.onClear}>Clear filters</Button>
      )}
    </div>
  );
}
