import { useState, type FormEvent } from 'react';

/** Where sending an action stands: not yet, on its way, answered, or refused. */
export type Outcome =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; message: string }
  | { kind: 'refused'; error: unknown };

/**
 * Sends an action once when its form is submitted, if it is confirmable and not already sent,
 * and keeps what the backend answered: the result described, or the error of its refusal.
 */
export function useActionOutcome<R>(action: {
  confirmable: boolean;
  submit: () => Promise<R>;
  describeResult: (result: R) => string;
  onDone?: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const sending = outcome.kind === 'sending';
  const done = outcome.kind === 'done';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!action.confirmable || sending || done) return;
    setOutcome({ kind: 'sending' });
    try {
      const result = await action.submit();
      setOutcome({ kind: 'done', message: action.describeResult(result) });
      action.onDone?.();
    } catch (error) {
      setOutcome({ kind: 'refused', error });
    }
  };

  return { outcome, sending, done, onSubmit };
}
