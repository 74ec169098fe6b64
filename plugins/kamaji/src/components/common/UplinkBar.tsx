import { useApi } from '@backstage/core-plugin-api';
import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  countOf,
  ClusterId,
  ConnectionState,
  coversWindow,
  formatSeconds,
  UplinkPeriodStats,
  UplinkSegment,
  UplinkTimeline,
} from '@kamaji-backstage/plugin-kamaji-common';
import useAsync from 'react-use/esm/useAsync';
import { kamajiApiRef } from '../../api/KamajiApi';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: 16,
    margin: theme.spacing(0.5, 0),
    borderRadius: 2,
    overflow: 'hidden',
    listStyle: 'none',
    padding: 0,
  },
  item: { display: 'flex', minWidth: 3 },
  segment: {
    flex: 1,
    border: 0,
    padding: 0,
    margin: 0,
    '&:focus': {
      outline: `2px solid ${theme.palette.text.primary}`,
      outlineOffset: -2,
    },
  },
  connected: { background: theme.palette.success.main },
  degraded: {
    background: `repeating-linear-gradient(45deg, ${theme.palette.warning.main}, ${theme.palette.warning.main} 3px, ${theme.palette.warning.light} 3px, ${theme.palette.warning.light} 6px)`,
  },
  disconnected: { background: theme.palette.error.main },
  unknown: { background: theme.palette.action.disabledBackground },
}));

const STATUS_TEXT: Record<UplinkSegment['status'], string> = {
  connected: 'Connected',
  degraded: 'Degraded',
  disconnected: 'Disconnected',
  unknown: 'Not recorded',
};

const time = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'short',
  });

function segmentText(s: UplinkSegment): string {
  const seconds = (Date.parse(s.to) - Date.parse(s.from)) / 1000;
  return `${STATUS_TEXT[s.status]} from ${time(s.from)} to ${time(
    s.to,
  )} (${formatSeconds(seconds)})${s.reason ? `: ${s.reason}` : ''}`;
}

/**
 * `99.2% available, 2 outages, longest 1 h 5 min`; for a window recorded only in part (an island
 * added lately, a history younger than the window), `97.6% available over the 3 min recorded, …`.
 */
export function periodText(p: UplinkPeriodStats | undefined): string {
  if (!p || p.availability === undefined) return 'no history recorded yet';
  const pct = (Math.floor(p.availability * 1000) / 10).toFixed(1);
  const available = coversWindow(p)
    ? `${pct}% available`
    : `${pct}% available over the ${formatSeconds(p.observedSeconds)} recorded`;
  if (!p.outages) return `${available}, no outage`;
  return `${available}, ${countOf(
    p.outages,
    'outage',
  )}, longest ${formatSeconds(p.longestOutageSeconds)}`;
}

function Bar(props: { timeline: UplinkTimeline }) {
  const classes = useStyles();
  const { timeline } = props;
  const span = Date.parse(timeline.to) - Date.parse(timeline.from);
  return (
    <ul
      className={classes.bar}
      aria-label="Uplink timeline, last 24 hours"
      data-testid="uplink-bar"
    >
      {timeline.segments.map(s => {
        const ms = Date.parse(s.to) - Date.parse(s.from);
        const text = segmentText(s);
        const className = `${classes.segment} ${classes[s.status]}`;
        // Outages and degraded stretches are buttons: reachable by keyboard, each with its tooltip.
        const notable = s.status === 'disconnected' || s.status === 'degraded';
        return (
          <li
            key={s.from}
            className={classes.item}
            style={{ flexGrow: ms / span, flexBasis: 0 }}
          >
            <Tooltip title={text} arrow>
              {notable ? (
                <button type="button" className={className} aria-label={text} />
              ) : (
                <span role="img" className={className} aria-label={text} />
              )}
            </Tooltip>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * An island's uplink over the last 24 hours: a bar of connected (green), degraded (amber,
 * striped), disconnected (red) and unrecorded (grey) stretches, each with a tooltip and its
 * text for screen readers, plus availability and outages over 24 h, 7 d and 30 d in words.
 * Given the island's live `connection`, it asks again whenever that changes, so that an open
 * card or panel follows the island's transitions.
 */
export function UplinkBar(props: {
  islandId: ClusterId;
  connection?: ConnectionState;
}) {
  const api = useApi(kamajiApiRef);
  const { status, since } = props.connection ?? {};
  const state = useAsync(
    () => api.getIslandUplink(props.islandId),
    [api, props.islandId, status, since],
  );
  // While it asks again, the last answer stays on screen.
  if (state.loading && !state.value) return null;
  if (state.error || !state.value) {
    return (
      <Typography variant="body2" color="textSecondary">
        Uplink history unavailable: {state.error?.message ?? 'no answer'}
      </Typography>
    );
  }
  const { stats } = state.value;
  const period = (w: string) => stats.periods.find(p => p.window === w);
  return (
    <div data-testid="island-uplink">
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Uplink, last 24 h: {periodText(period('24h'))}
      </Typography>
      <Bar timeline={state.value} />
      <Typography variant="body2" color="textSecondary">
        7 days: {periodText(period('7d'))}. 30 days: {periodText(period('30d'))}
        .
        {stats.current &&
          ` ${STATUS_TEXT[stats.current.status]} for ${formatSeconds(
            stats.current.seconds,
          )}.`}
      </Typography>
    </div>
  );
}
