import { Backoff, jittered } from './backoff';
import {
  describeError,
  KubeClient,
} from '@kamaji-backstage/plugin-kamaji-node';

export interface ReachabilityOptions {
  /** Probe period while reachable. */
  probeIntervalMs: number;
  /**
   * Period of the `probePath` request while reachable; the probes between are HTTP/2 PINGs on the
   * open connection. Not longer than `probeIntervalMs`: every probe is the request.
   */
  readinessIntervalMs: number;
  /** A probe without an answer in this time counts as a failure. */
  probeTimeoutMs: number;
  /** Cap of the retry backoff while unreachable. */
  maxRetryDelayMs: number;
  /** Default `/readyz` (readable by every authenticated user through system:public-info-viewer). */
  probePath?: string;
}

export interface ReachabilityListener {
  /** The server answered after being unreachable (or for the first time). */
  onUp(): void;
  /** The server stopped answering. */
  onDown(error: string): void;
  /** Any field changed (e.g. nextRetryAt). */
  onChange(): void;
}

/**
 * Whether one API server answers, probed every few seconds with a short timeout (a hung server or
 * link shows up as a timeout, a killed one as a refused connection) and at once when a watcher
 * suspects a problem. While reachable most probes are an HTTP/2 PING on the connection the
 * watches share, as client-go checks its connections: a few bytes on the uplink instead of a
 * request the server authenticates and answers. `GET /readyz` (is the API server ready to serve,
 * its storage included) goes every `readinessIntervalMs`, at every (re)connection and after a
 * suspicion. While unreachable it retries with jittered exponential backoff capped at
 * `maxRetryDelayMs`.
 */
export class Reachability {
  /** Undefined until the first probe answered or failed. */
  reachable: boolean | undefined;
  since = new Date();
  lastError?: string;
  lastContactAt?: Date;
  nextRetryAt?: Date;

  private running = false;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  private loopDone?: Promise<void>;
  private readonly backoff: Backoff;
  /** Aborted by stop(): ends the request probe or PING in flight. */
  private run?: { abort: AbortController; stopped: Promise<string> };
  /** When `/readyz` last answered ready. */
  private readyAt = 0;
  private suspected = false;

  constructor(
    private readonly http: KubeClient,
    private readonly o: ReachabilityOptions,
    private readonly listener: ReachabilityListener,
  ) {
    this.backoff = new Backoff(250, o.maxRetryDelayMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // One per run, not per probe: hundreds of islands are probed every few seconds.
    const abort = new AbortController();
    const stopped = new Promise<string>(resolve =>
      abort.signal.addEventListener('abort', () => resolve('stopped'), {
        once: true,
      }),
    );
    this.run = { abort, stopped };
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.run?.abort.abort();
    this.wake?.();
    await this.loopDone;
  }

  /** Probe now (a watcher saw a broken connection). */
  suspect(): void {
    this.suspected = true;
    if (this.reachable !== false) this.wake?.();
  }

  /** Something succeeded against the server (list, watch event). */
  contact(): void {
    this.lastContactAt = new Date();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const error = await this.probe();
      if (!this.running) return;
      let delay: number;
      if (!error) {
        this.lastContactAt = new Date();
        this.backoff.reset();
        const changed =
          this.reachable !== true || this.nextRetryAt !== undefined;
        this.nextRetryAt = undefined;
        if (this.reachable !== true) {
          this.reachable = true;
          this.since = new Date();
          this.lastError = undefined;
          this.listener.onUp();
        }
        if (changed) this.listener.onChange();
        delay = jittered(this.o.probeIntervalMs, 0.1);
      } else {
        delay = this.backoff.next();
        this.nextRetryAt = new Date(Date.now() + delay);
        this.lastError = error;
        if (this.reachable !== false) {
          this.reachable = false;
          this.since = new Date();
          this.listener.onDown(error);
        }
        this.listener.onChange();
      }
      await new Promise<void>(resolve => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }

  /** Undefined when the server answered, else a short credential-free reason. */
  private async probe(): Promise<string | undefined> {
    const run = this.run!;
    const timeoutMs = this.o.probeTimeoutMs;
    try {
      // A PING takes no signal: racing the run's own stop is cheaper than a listener per PING.
      if (
        !this.readinessDue() &&
        (await Promise.race([this.http.ping({ timeoutMs }), run.stopped])) ===
          true
      )
        return undefined;
      if (run.abort.signal.aborted) return 'stopped';
      this.suspected = false;
      const status = await this.http.probe(this.o.probePath ?? '/readyz', {
        timeoutMs,
        signal: run.abort.signal,
      });
      if (status === 401) return 'credentials rejected (HTTP 401)';
      if (status >= 500) return `API server not ready (HTTP ${status})`;
      this.readyAt = Date.now();
      return undefined; // 2xx, or 403 when RBAC hides /readyz: it answered
    } catch (e) {
      return describeError(e);
    }
  }

  private readinessDue(): boolean {
    return (
      this.reachable !== true ||
      this.suspected ||
      this.o.readinessIntervalMs <= this.o.probeIntervalMs ||
      Date.now() - this.readyAt >= this.o.readinessIntervalMs
    );
  }
}
