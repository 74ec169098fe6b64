import type { ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import { Alert, AlertTitle } from '@material-ui/lab';
import { errorStatus, refusalMessage } from '../../api/KamajiClient';
import { ChangePreview } from './ChangePreview';
import { useActionOutcome, type Outcome } from './useActionOutcome';
import type { PreviewState } from './usePreview';

/**
 * The confirmation dialog of a day-2 action: the inputs (children), the API server's dry run
 * of them, a confirm button enabled only when the inputs are valid and their dry run passed,
 * then what the backend answered: the result, or its refusal word for word. `onDone` runs
 * after a success so the card can reload.
 */
export function ActionDialog<R>(props: {
  title: string;
  confirmLabel: string;
  /** True when the inputs may be sent. */
  canSubmit: boolean;
  /** The dry run of the current inputs; confirming waits for it to pass. */
  preview: PreviewState;
  destructive?: boolean;
  submit: () => Promise<R>;
  describeResult: (result: R) => string;
  onClose: () => void;
  onDone?: () => void;
  children: ReactNode;
}) {
  const confirmable = props.canSubmit && props.preview.kind === 'ready';
  const { outcome, sending, done, onSubmit } = useActionOutcome({
    ...props,
    confirmable,
  });
  return (
    <Dialog
      open
      onClose={sending ? undefined : props.onClose}
      aria-labelledby="kamaji-action-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id="kamaji-action-title">{props.title}</DialogTitle>
        <DialogContent>
          {props.children}
          {!done && <ChangePreview state={props.preview} />}
          {sending && <LinearProgress aria-label="Sending" />}
          <OutcomeAlert outcome={outcome} />
        </DialogContent>
        <DialogButtons
          confirmLabel={props.confirmLabel}
          destructive={props.destructive}
          onClose={props.onClose}
          confirmable={confirmable}
          sending={sending}
          done={done}
        />
      </form>
    </Dialog>
  );
}

/** Cancel (Close once done) and, until done, the confirm button. */
function DialogButtons(props: {
  confirmLabel: string;
  destructive?: boolean;
  onClose: () => void;
  confirmable: boolean;
  sending: boolean;
  done: boolean;
}) {
  const { confirmable, sending, done } = props;
  return (
    <DialogActions>
      <Button onClick={props.onClose} disabled={sending}>
        {done ? 'Close' : 'Cancel'}
      </Button>
      {!done && (
        <Button
          type="submit"
          variant="contained"
          color={props.destructive ? 'secondary' : 'primary'}
          disabled={!confirmable || sending}
        >
          {props.confirmLabel}
        </Button>
      )}
    </DialogActions>
  );
}

/** What the backend answered, once it has: its refusal word for word, or the result. */
function OutcomeAlert(props: { outcome: Outcome }) {
  const { outcome } = props;
  if (outcome.kind === 'refused') return <RefusalAlert error={outcome.error} />;
  if (outcome.kind !== 'done') return null;
  return (
    <Alert severity="success" role="status" style={{ marginTop: 16 }}>
      {outcome.message}
    </Alert>
  );
}

function RefusalAlert(props: { error: unknown }) {
  const status = errorStatus(props.error);
  return (
    <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
      <AlertTitle>
        {status ? `The backend refused (${status})` : 'The request failed'}
      </AlertTitle>
      <span data-testid="action-refusal">{refusalMessage(props.error)}</span>
    </Alert>
  );
}
