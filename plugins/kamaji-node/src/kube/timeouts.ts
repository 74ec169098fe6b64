/**
 * Calls `onTimeout` once `ms` have passed and the I/O pending by then was read. Timers run before
 * pending I/O: after the event loop was busy, an answer that arrived in time may still be unread
 * when the timer is due. `setImmediate` runs after I/O, so that answer is read first and a busy
 * backend does not count a cluster as unreachable. Returns the function that cancels it.
 */
export function timeoutAfterPendingIo(
  ms: number,
  onTimeout: () => void,
  options: { keepAlive: boolean } = { keepAlive: true },
): () => void {
  let verdict: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    verdict = setImmediate(onTimeout);
  }, ms);
  if (!options.keepAlive) timer.unref();
  return () => {
    clearTimeout(timer);
    clearImmediate(verdict);
  };
}
