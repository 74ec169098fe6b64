import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import AutorenewIcon from '@material-ui/icons/Autorenew';
import WarningIcon from '@material-ui/icons/Warning';
import ErrorIcon from '@material-ui/icons/Error';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import type { HealthStatus } from '@kamaji-backstage/plugin-kamaji-common';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  icon: { fontSize: '1.1em' },
  healthy: { color: theme.palette.success.main },
  progressing: { color: theme.palette.info.main },
  degraded: { color: theme.palette.warning.main },
  unhealthy: { color: theme.palette.error.main },
  unknown: { color: theme.palette.text.secondary },
}));

export const HEALTH_LABEL: Record<HealthStatus, string> = {
  healthy: 'Healthy',
  progressing: 'Progressing',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
};

const ICONS: Record<HealthStatus, typeof CheckCircleIcon> = {
  healthy: CheckCircleIcon,
  progressing: AutorenewIcon,
  degraded: WarningIcon,
  unhealthy: ErrorIcon,
  unknown: HelpOutlineIcon,
};

/** Health as icon + text (colour is never the only signal). */
export function HealthIcon(props: { status: HealthStatus }) {
  const classes = useStyles();
  const Icon = ICONS[props.status];
  return (
    <Icon
      className={`${classes.icon} ${classes[props.status]}`}
      aria-hidden
      data-health={props.status}
    />
  );
}

export function HealthBadge(props: { status: HealthStatus; label?: string }) {
  const classes = useStyles();
  return (
    <span className={classes.root} data-testid="health-badge">
      <HealthIcon status={props.status} />
      <span>{props.label ?? HEALTH_LABEL[props.status]}</span>
    </span>
  );
}

/** The reasons given for a cluster's health, as a list; nothing when there are none. */
export function HealthReasons(props: { reasons: string[] }) {
  if (!props.reasons.length) return null;
  return (
    <ul aria-label="Health reasons">
      {props.reasons.map((r, i) => (
        <li key={i}>
          <Typography variant="body2">{r}</Typography>
        </li>
      ))}
    </ul>
  );
}
