import { FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import type { AsyncState } from 'react-use/esm/useAsyncFn';
import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  AUDIT_ACTIONS,
  AUDIT_RESULTS,
  type AuditAction,
  type AuditQuery,
  type AuditResult,
} from '@kamaji-backstage/plugin-kamaji-common';
import { KamajiApi, kamajiApiRef } from '../../api/KamajiApi';
import { describeError, errorStatus } from '../../api/KamajiClient';
import { AuditTable } from './AuditTable';

/** Records per page of the audit view. */
export const AUDIT_PAGE_SIZE = 25;

/** The filters the URL carries (dates as YYYY-MM-DD, both days included). */
const FILTERS = [
  'cluster',
  'actor',
  'action',
  'outcome',
  'from',
  'to',
] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(
    FILTERS.map(f => [f, params.get(f) ?? '']),
  ) as Filters;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
}

/** The API query of the URL's filters and page. */
export function auditQueryOf(params: URLSearchParams): AuditQuery {
  const f = filtersOf(params);
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  return {
    limit: AUDIT_PAGE_SIZE,
    offset: page * AUDIT_PAGE_SIZE,
    cluster: f.cluster || undefined,
    actor: f.actor || undefined,
    action: (AUDIT_ACTIONS as string[]).includes(f.action)
      ? (f.action as AuditAction)
      : undefined,
    outcome: (AUDIT_RESULTS as string[]).includes(f.outcome)
      ? (f.outcome as AuditResult)
      : undefined,
    from: DAY.test(f.from) ? `${f.from}T00:00:00.000Z` : undefined,
    to: DAY.test(f.to) ? dayAfter(f.to) : undefined,
  };
}

const CHOICES = [
  { name: 'action', label: 'Action', values: AUDIT_ACTIONS },
  { name: 'outcome', label: 'Outcome', values: AUDIT_RESULTS },
] as const;

/** A filter with a fixed set of values, or any. */
function ChoiceField(props: {
  id: string;
  label: string;
  values: readonly string[];
  value: string;
  onChange: (e: React.ChangeEvent<HTMLInputElement>) => void;
}) {
  const { values, ...field } = props;
  return (
    <TextField select style={{ minWidth: 120 }} {...field}>
      <MenuItem value="">any</MenuItem>
      {values.map(v => (
        <MenuItem key={v} value={v}>
          {v}
        </MenuItem>
      ))}
    </TextField>
  );
}

function FilterForm(props: {
  value: Filters;
  onApply: (filters: Filters) => void;
}) {
  const [draft, setDraft] = useState(props.value);
  const field = (name: keyof Filters) => ({
    id: `audit-${name}`,
    value: draft[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) =>
      setDraft({ ...draft, [name]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply(draft);
  };
  return (
    <Box
      component="form"
      aria-label="Audit filters"
      onSubmit={submit}
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      style={{ gap: 16 }}
      mb={2}
    >
      <TextField
        label="Cluster"
        placeholder="central/ns/name"
        {...field('cluster')}
      />
      <TextField
        label="Who"
        placeholder="user:default/jane"
        {...field('actor')}
      />
      {CHOICES.map(choice => (
        <ChoiceField
          key={choice.name}
          label={choice.label}
          values={choice.values}
          {...field(choice.name)}
        />
      ))}
      <TextField
        type="date"
        label="From"
        InputLabelProps={{ shrink: true }}
        {...field('from')}
      />
      <TextField
        type="date"
        label="To"
        InputLabelProps={{ shrink: true }}
        {...field('to')}
      />
      <Button type="submit" variant="contained" color="primary">
        Apply filters
      </Button>
    </Box>
  );
}

type AuditList = Awaited<ReturnType<KamajiApi['getAudit']>>;

/** One page of records with its pagination, or why there is none. */
function AuditResults(props: {
  state: AsyncState<AuditList>;
  onPage: (page: number) => void;
}) {
  const { state } = props;
  if (state.loading) return <Progress />;
  if (state.error && errorStatus(state.error) === 403) {
    return (
      <WarningPanel severity="error" title="Permission denied" defaultExpanded>
        You may not read the audit trail ({describeError(state.error)}).
      </WarningPanel>
    );
  }
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  if (!state.value?.items.length) {
    return (
      <Typography color="textSecondary">
        No record matches these filters.
      </Typography>
    );
  }
  const { items, page } = state.value;
  return (
    <>
      <AuditTable events={items} label="Audit trail" />
      <TablePagination
        component="div"
        count={page.total}
        page={Math.floor(page.offset / AUDIT_PAGE_SIZE)}
        rowsPerPage={AUDIT_PAGE_SIZE}
        rowsPerPageOptions={[AUDIT_PAGE_SIZE]}
        onPageChange={(_e, p) => props.onPage(p)}
      />
    </>
  );
}

/**
 * The audit trail without page chrome: filters and page in the URL, newest first. The platform
 * team sees every record; anyone else the records of the clusters they may read.
 */
export function AuditContent() {
  const api = useApi(kamajiApiRef);
  const [params, setParams] = useSearchParams();
  const query = auditQueryOf(params);
  const key = JSON.stringify(query);
  // `query` is rebuilt on every render; its JSON decides when to load again.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(() => api.getAudit(query), [api, key]);

  const apply = (filters: Filters) => {
    const next = new URLSearchParams();
    for (const f of FILTERS) if (filters[f]) next.set(f, filters[f]);
    setParams(next);
  };
  const setPage = (page: number) => {
    const next = new URLSearchParams(params);
    if (page > 0) next.set('page', String(page));
    else next.delete('page');
    setParams(next);
  };

  return (
    <>
      <FilterForm
        key={params.toString()}
        value={filtersOf(params)}
        onApply={apply}
      />
      <AuditResults state={state} onPage={setPage} />
    </>
  );
}

/** The "Audit" page at `/kamaji/audit`, beside the fleet topology. */
export function AuditPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Fleet audit trail"
        subtitle="Every change to the fleet: creates, upgrades, scaling, deletes, denied and failed attempts"
      />
      <Content>
        <AuditContent />
      </Content>
    </Page>
  );
}
