import { useState, type FormEvent, type ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import { Alert, AlertTitle } from '@material-ui/lab';
import { errorStatus, refusalMessage } from '../../api/KamajiClient';
import { ChangePreview } from './ChangePreview';
import type { PreviewState } from './usePreview';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; message: string }
  | { kind: 'refused'; error: unknown };

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
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const sending = outcome.kind === 'sending';
  const done = outcome.kind === 'done';
  const confirmable = props.canSubmit && props.preview.kind === 'ready';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!confirmable || sending || done) return;
    setOutcome({ kind: 'sending' });
    try {
      const result = await props.submit();
      setOutcome({ kind: 'done', message: props.describeResult(result) });
      props.onDone?.();
    } catch (error) {
      setOutcome({ kind: 'refused', error });
    }
  };

  const status = outcome.kind === 'refused' ? errorStatus(outcome.error) : 0;
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
          {outcome.kind === 'refused' && (
            <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
              <AlertTitle>
                {status
                  ? `The backend refused (${status})`
                  : 'The request failed'}
              </AlertTitle>
              <span data-testid="action-refusal">
                {refusalMessage(outcome.error)}
              </span>
            </Alert>
          )}
          {outcome.kind === 'done' && (
            <Alert severity="success" role="status" style={{ marginTop: 16 }}>
              {outcome.message}
            </Alert>
          )}
        </DialogContent>
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
      </form>
    </Dialog>
  );
}
