import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { AuditEvent } from '@kamaji-backstage/plugin-kamaji-common';
import { useDenseTableStyles } from '../common/denseTable';
import { HealthBadge } from '../common/HealthBadge';
import { LocalTime } from '../common/LocalTime';
import { PathText } from '../common/PathText';
import { describeOutcome, describeRequest, objectsOf } from './auditWords';

const BADGE = {
  success: 'healthy',
  failure: 'unhealthy',
  denied: 'degraded',
} as const;

/** Audit records as a table, newest first; `showTarget: false` for one cluster's card. */
export function AuditTable(props: {
  events: AuditEvent[];
  label: string;
  showTarget?: boolean;
}) {
  const showTarget = props.showTarget ?? true;
  const classes = useDenseTableStyles();
  return (
    <Table size="small" aria-label={props.label} className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Who</TableCell>
          {showTarget && <TableCell>Cluster</TableCell>}
          <TableCell>What</TableCell>
          <TableCell>Outcome</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.events.map(event => {
          const objects = objectsOf(event);
          return (
            <TableRow key={event.id}>
              <TableCell>
                <LocalTime iso={event.occurredAt} />
              </TableCell>
              <TableCell>
                <PathText text={event.actor} />
              </TableCell>
              {showTarget && (
                <TableCell component="th" scope="row">
                  <PathText text={event.target} />
                </TableCell>
              )}
              <TableCell className={classes.anywhere}>
                {describeRequest(event)}
                {objects.length > 0 && (
                  <Typography variant="caption" display="block">
                    {objects.join('; ')}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <HealthBadge
                  status={BADGE[event.result]}
                  label={describeOutcome(event)}
                />
                {event.message && (
                  <Typography variant="caption" display="block">
                    {event.message}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
