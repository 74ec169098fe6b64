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
  nextRetryAt?: Date;

  private running = false;
  /** The next probe's timer, reused while its delay stays the same (see schedule). */
  private timer?: { timeout: NodeJS.Timeout; delay: number };
  private waiting = false;
  /** The probe in flight, if any. */
  private round?: Promise<void>;
  private readonly backoff: Backoff;
  /** Aborted by stop(): ends the request probe in flight; a PING's answer after it is ignored. */
  private run?: AbortController;
  /** When `/readyz` last answered ready. */
  private readyAt = 0;
  /** When the server last answered, in ms (0: never). A number: a Date per PING would be kept. */
  private lastContactMs = 0;
  private suspected = false;

  constructor(
    private readonly http: KubeClient,
    private readonly o: ReachabilityOptions,
    private readonly listener: ReachabilityListener,
  ) {
    this.backoff = new Backoff(250, o.maxRetryDelayMs);
  }

  /** When the server last answered a probe, a list or a watch. */
  get lastContactAt(): Date | undefined {
    return this.lastContactMs ? new Date(this.lastContactMs) : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // One per run, not per probe: hundreds of islands are probed every few seconds.
    this.run = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer?.timeout);
    this.timer = undefined;
    this.waiting = false;
    this.run?.abort();
    await this.round;
  }

  /** Probe now (a watcher saw a broken connection). */
  suspect(): void {
    this.suspected = true;
    if (this.reachable !== false && this.waiting) this.schedule(0);
  }

  /** Something succeeded against the server (list, watch event). */
  contact(): void {
    this.lastContactMs = Date.now();
  }

  /**
   * The next probe in `delay` ms. Between probes only this timer is held, and while the delay
   * stays the same (a reachable server's probes) the same timer is rearmed: with hundreds of
   * islands, a timer, promise and closure per wait lived long enough to keep V8's young
   * generation grown while the fleet was idle.
   */
  private schedule(delay: number): void {
    this.waiting = true;
    if (this.timer?.delay === delay) {
      this.timer.timeout.refresh();
      return;
    }
    clearTimeout(this.timer?.timeout);
    this.timer = { timeout: setTimeout(this.probeRound, delay), delay };
  }

  private readonly probeRound = () => {
    this.waiting = false;
    // An answer counts only for the run that asked: not after stop(), nor after a restart.
    const run = this.run;
    const answered = (error: string | undefined) => {
      if (this.running && this.run === run) this.afterProbe(error);
    };
    if (!this.readinessDue()) {
      // The PING between readiness checks, most probes: a callback, no promise per PING.
      const sent = this.http.pingThen(this.o.probeTimeoutMs, error =>
        answered(error && describeError(error)),
      );
      if (sent) return;
    }
    const round = this.requestProbe().then(answered);
    // stop() awaits it; a listener's error ends the probing and surfaces there.
    round.catch(() => {});
    this.round = round;
  };

  private afterProbe(error: string | undefined): void {
    this.schedule(error ? this.noteFailure(error) : this.noteAnswer());
  }

  /** Records an answer; returns the delay to the next probe. */
  private noteAnswer(): number {
    this.lastContactMs = Date.now();
    this.backoff.reset();
    const wasReachable = this.reachable === true;
    const changed = !wasReachable || this.nextRetryAt !== undefined;
    this.nextRetryAt = undefined;
    if (!wasReachable) {
      this.reachable = true;
      this.since = new Date();
      this.lastError = undefined;
      this.listener.onUp();
    }
    if (changed) this.listener.onChange();
    // Only the first wait is jittered, by half the period either way, so that islands connected
    // together are probed at phases spread over the whole period; after it, every wait is the
    // period itself: Node keeps one timer list per duration, and a jittered wait each time made
    // a list per probe and island.
    return wasReachable
      ? this.o.probeIntervalMs
      : jittered(this.o.probeIntervalMs, 0.5);
  }

  /** Records a failed probe; returns the delay to the next one. */
  private noteFailure(error: string): number {
    const delay = this.backoff.next();
    this.nextRetryAt = new Date(Date.now() + delay);
    this.lastError = error;
    if (this.reachable !== false) {
      this.reachable = false;
      this.since = new Date();
      this.listener.onDown(error);
    }
    this.listener.onChange();
    return delay;
  }

  /**
   * `GET /readyz` (or `probePath`): undefined when the server answered, else a short
   * credential-free reason. Ended by stop().
   */
  private async requestProbe(): Promise<string | undefined> {
    this.suspected = false;
    try {
      const status = await this.http.probe(this.o.probePath ?? '/readyz', {
        timeoutMs: this.o.probeTimeoutMs,
        signal: this.run!.signal,
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
