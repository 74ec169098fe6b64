import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import type {
  UpgradePlan,
  UpgradeStep,
} from '@kamaji-backstage/plugin-kamaji-common';
import { useDenseTableStyles } from '../common/denseTable';
import { PathText } from '../common/PathText';

export type PlanCommand = 'start' | 'pause' | 'resume' | 'abort';

/** The commands a plan in this status accepts, as the backend's transitions allow them. */
export function commandsFor(plan: UpgradePlan): PlanCommand[] {
  switch (plan.status) {
    case 'draft':
      return ['start', 'abort'];
    case 'running':
      return ['pause', 'abort'];
    case 'paused':
      return ['resume', 'abort'];
    case 'halted':
      // Resuming tries the failed clusters again first (fix them before).
      return ['resume', 'abort'];
    default:
      return [];
  }
}

/** Fixed column widths, so that the tables of the waves line up with each other. */
const STEP_COLUMNS = [
  { label: 'Cluster', width: '40%' },
  { label: 'From', width: '12%' },
  { label: 'State', width: '12%' },
  { label: 'Details', width: '36%' },
];

function StepsTable({ steps, label }: { steps: UpgradeStep[]; label: string }) {
  const classes = useDenseTableStyles();
  return (
    <Table
      size="small"
      aria-label={label}
      className={classes.table}
      style={{ tableLayout: 'fixed' }}
    >
      <TableHead>
        <TableRow>
          {STEP_COLUMNS.map(column => (
            <TableCell key={column.label} style={{ width: column.width }}>
              {column.label}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {steps.map(step => (
          <TableRow key={step.clusterId}>
            <TableCell>
              <PathText text={step.clusterId} />
            </TableCell>
            <TableCell>{step.fromVersion ?? '–'}</TableCell>
            <TableCell>{step.state}</TableCell>
            <TableCell>{step.message ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** A plan: its status, its waves with each cluster's state, what is refused and why. */
export function PlanView(props: {
  plan: UpgradePlan;
  onCommand: (command: PlanCommand) => void;
  busy?: boolean;
}) {
  const { plan, onCommand, busy } = props;
  const refused = plan.steps.filter(s => s.wave < 0);
  return (
    <section aria-label={`Upgrade plan to ${plan.version}`}>
      <Typography variant="h6">
        Upgrade to {plan.version} <Chip size="small" label={plan.status} />
      </Typography>
      {plan.message && (
        <Alert severity={plan.status === 'halted' ? 'error' : 'info'}>
          {plan.message}
        </Alert>
      )}
      <Box display="flex" gridGap={8} marginY={1}>
        {commandsFor(plan).map(command => (
          <Button
            key={command}
            variant={command === 'abort' ? 'outlined' : 'contained'}
            color={command === 'abort' ? 'secondary' : 'primary'}
            disabled={busy}
            onClick={() => onCommand(command)}
          >
            {plan.status === 'halted' && command === 'resume'
              ? 'retry failed and resume'
              : command}
          </Button>
        ))}
      </Box>
      {plan.waves.map(wave => (
        <div key={wave.index}>
          <Typography variant="subtitle1">
            Wave {wave.index + 1}: {wave.name}
          </Typography>
          <StepsTable
            label={`Wave ${wave.index + 1}`}
            steps={plan.steps.filter(s => s.wave === wave.index)}
          />
        </div>
      ))}
      {refused.length > 0 && (
        <div>
          <Typography variant="subtitle1">
            Refused ({refused.length})
          </Typography>
          <StepsTable label="Refused" steps={refused} />
        </div>
      )}
    </section>
  );
}
