import { useCallback, useRef, useState } from 'react';

/**
 * Which action dialog of a card is open. After a success the card reloads when the dialog
 * closes, not at once: reloading would unmount the dialog before the user reads the result.
 */
export function useActionDialog<T>(reload: () => void) {
  const [current, setCurrent] = useState<T | undefined>(undefined);
  const succeeded = useRef(false);
  const close = useCallback(() => {
    setCurrent(undefined);
    if (succeeded.current) {
      succeeded.current = false;
      reload();
    }
  }, [reload]);
  const done = useCallback(() => {
    succeeded.current = true;
  }, []);
  return { current, open: setCurrent, close, done };
}
