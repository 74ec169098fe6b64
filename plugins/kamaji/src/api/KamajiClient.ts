import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  applyFleetDelta,
  type AuditPage,
  type AuditQuery,
  parseClusterId,
  type ClusterId,
  type CreatePreview,
  type CreatePreviewKind,
  type DeleteClusterPreview,
  type PlacementAdvice,
  type PlacementQuery,
  type DeleteClusterResult,
  expandFleetSnapshot,
  type FleetCluster,
  type FleetDelta,
  KamajiApiClient,
  type ScaleClusterRequest,
  type ScaleClusterPreview,
  type ScaleClusterResult,
  type UpgradeClusterRequest,
  type UpgradeClusterPreview,
  type UpgradeClusterResult,
  type UpgradePlan,
  type UpgradePlanRequest,
  type UplinkRanking,
  type UplinkTimeline,
  type UplinkWindow,
  type TypedResponse,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { KamajiApi } from './KamajiApi';
import { SseParser, type SseFrame } from './sse';
import type {
  FleetObserver,
  UpgradePlanObserver,
  FleetQuery,
  FleetResponse,
  FleetStreamEvent,
  IslandResponse,
} from './types';

/** Backoff of the live-update reconnects. @public */
export interface KamajiClientBackoff {
  /** First delay, doubled per failed attempt (default 1000 ms). */
  initialDelayMs: number;
  /** Upper bound (default 30000 ms). */
  maxDelayMs: number;
}

/** A query without its empty values (the URI template would send `key=`). */
function nonEmpty<Q extends object>(query: Q): Q {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== ''),
  ) as Q;
}

/**
 * A period as the backend reads it: `from` and `to` as ISO strings. The generated request types
 * call `from` `_from` (a reserved word in their generator) while the client's URI template expands
 * `from`, so the period goes in as the query object that is sent, typed as adding nothing.
 */
function periodQuery(period: {
  from?: Date | string;
  to?: Date | string;
}): Record<never, never> {
  const iso = (t?: Date | string) =>
    t instanceof Date ? t.toISOString() : t || undefined;
  return nonEmpty({ from: iso(period.from), to: iso(period.to) });
}

/** The body of a response, or a `ResponseError` with the backend's error. */
async function bodyOf<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}

/** True for errors that retrying cannot fix (not signed in, not allowed, bad request). */
export function isFatalError(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    [400, 401, 403, 404].includes(error.statusCode)
  );
}

/** The HTTP status of an error from the client, when it came from a response. @public */
export function errorStatus(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.statusCode : undefined;
}

/**
 * A short message for an error from the client: the backend's own message and the status
 * for failed responses (`kamaji.cluster.read denied (403)`), the error message otherwise.
 *
 * @public
 */
export function describeError(error: unknown): string {
  if (error instanceof ResponseError) {
    const cause = error.cause?.message;
    return cause ? `${cause} (${error.statusCode})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * What the backend said when it refused a request: the `error.message` of its Backstage error
 * body, word for word (the error's own message for anything that is not a response).
 *
 * @public
 */
export function refusalMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The path parameters of a declared cluster. */
function declaredCluster(id: ClusterId, what: string) {
  const parsed = parseClusterId(id);
  if (!parsed || parsed.kind !== 'declared') {
    throw new TypeError(`Not ${what} id: ${id}`);
  }
  const { managementCluster, namespace, name } = parsed;
  return { path: { managementCluster, namespace, name } };
}

class GapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GapError';
  }
}

/** The `onOpen` of a watch's stream: the backoff starts over and the watch is live. */
function streamOpened(
  state: { attempt: number },
  observer: { status?(status: 'live'): void },
) {
  return () => {
    state.attempt = 0;
    observer.status?.('live');
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * The {@link KamajiApi} over the backend's REST API. Every request, the event stream included,
 * goes through the Backstage `fetchApi`, so the user's token is sent (a browser `EventSource`
 * cannot set headers); the event stream is read from the response body and parsed here.
 *
 * @public
 */
export class KamajiClient implements KamajiApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly backoff: KamajiClientBackoff;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    backoff?: Partial<KamajiClientBackoff>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.backoff = {
      initialDelayMs: options.backoff?.initialDelayMs ?? 1000,
      maxDelayMs: options.backoff?.maxDelayMs ?? 30000,
    };
  }

  async getFleet(
    query: FleetQuery = {},
    options?: { signal?: AbortSignal },
  ): Promise<FleetResponse> {
    return bodyOf(
      await this.api(options?.signal).getFleet({
        query: nonEmpty(query),
        header: {},
      }),
    );
  }

  /** The whole fleet (filtered by `query`) at one model version, in one request. */
  async getFullFleet(options?: {
    signal?: AbortSignal;
    query?: Omit<FleetQuery, 'limit' | 'offset'>;
  }): Promise<FleetResponse> {
    return expandFleetSnapshot(
      await bodyOf(
        await this.api(options?.signal).getFleetSnapshot({
          query: nonEmpty(options?.query ?? {}),
          header: {},
        }),
      ),
    );
  }

  async getClusterById(
    id: ClusterId,
    options?: { signal?: AbortSignal },
  ): Promise<FleetCluster> {
    return bodyOf(
      await this.api(options?.signal).getClusterById({ query: { id } }),
    );
  }

  async getIsland(
    islandId: ClusterId,
    options?: { signal?: AbortSignal },
  ): Promise<IslandResponse> {
    const request = declaredCluster(islandId, 'an island');
    return bodyOf(await this.api(options?.signal).getIsland(request));
  }

  async getIslandUplink(
    islandId: ClusterId,
    options?: { from?: Date; to?: Date; signal?: AbortSignal },
  ): Promise<UplinkTimeline> {
    const request = declaredCluster(islandId, 'an island');
    return bodyOf(
      await this.api(options?.signal).getIslandUplink({
        ...request,
        query: periodQuery(options ?? {}),
      }),
    );
  }

  async getUplinkRanking(
    window: UplinkWindow = '7d',
    options?: { signal?: AbortSignal },
  ): Promise<UplinkRanking> {
    return bodyOf(
      await this.api(options?.signal).getUplinkRanking({ query: { window } }),
    );
  }

  async upgradeCluster(
    id: ClusterId,
    request: UpgradeClusterRequest,
  ): Promise<UpgradeClusterResult> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(
      await this.api().upgradeCluster({ ...cluster, body: request }),
    );
  }

  async scaleCluster(
    id: ClusterId,
    request: ScaleClusterRequest,
  ): Promise<ScaleClusterResult> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(await this.api().scaleCluster({ ...cluster, body: request }));
  }

  async deleteCluster(
    id: ClusterId,
    confirm: string,
  ): Promise<DeleteClusterResult> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(
      await this.api().deleteCluster({ ...cluster, query: { confirm } }),
    );
  }

  async previewUpgrade(
    id: ClusterId,
    request: UpgradeClusterRequest,
  ): Promise<UpgradeClusterPreview> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(
      await this.api().previewUpgradeCluster({ ...cluster, body: request }),
    );
  }

  async previewScale(
    id: ClusterId,
    request: ScaleClusterRequest,
  ): Promise<ScaleClusterPreview> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(
      await this.api().previewScaleCluster({ ...cluster, body: request }),
    );
  }

  async previewDelete(id: ClusterId): Promise<DeleteClusterPreview> {
    const cluster = declaredCluster(id, 'a declared cluster');
    return bodyOf(await this.api().previewDeleteCluster(cluster));
  }

  async getPlacement(query: PlacementQuery): Promise<PlacementAdvice> {
    return bodyOf(await this.api().getPlacement({ query: nonEmpty(query) }));
  }

  async previewCreate(
    kind: CreatePreviewKind,
    input: Record<string, unknown>,
  ): Promise<CreatePreview> {
    // The route belongs to the Kamaji scaffolder module, under the scaffolder's base URL.
    const base = await this.discoveryApi.getBaseUrl('scaffolder');
    const response = await this.fetchApi.fetch(
      `${base}/kamaji/v1/create-preview`,
      {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ kind, input }),
      },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as CreatePreview;
  }

  async listUpgradePlans(): Promise<{ items: UpgradePlan[] }> {
    return bodyOf(await this.api().listUpgradePlans({ query: {} }));
  }

  async createUpgradePlan(request: UpgradePlanRequest): Promise<UpgradePlan> {
    return bodyOf(await this.api().createUpgradePlan({ body: request }));
  }

  async getUpgradePlan(
    id: string,
    options?: { signal?: AbortSignal },
  ): Promise<UpgradePlan> {
    return bodyOf(
      await this.api(options?.signal).getUpgradePlan({
        path: { planId: id },
        header: {},
      }),
    );
  }

  async getAudit(
    query: AuditQuery = {},
    options?: { signal?: AbortSignal },
  ): Promise<AuditPage> {
    const { from, to, ...rest } = query;
    return bodyOf(
      await this.api(options?.signal).getAudit({
        query: { ...nonEmpty(rest), ...periodQuery({ from, to }) },
      }),
    );
  }

  async changeUpgradePlan(
    id: string,
    command: 'start' | 'pause' | 'resume' | 'abort',
  ): Promise<UpgradePlan> {
    const request = { path: { planId: id } };
    const api = this.api();
    switch (command) {
      case 'start':
        return bodyOf(await api.startUpgradePlan(request));
      case 'pause':
        return bodyOf(await api.pauseUpgradePlan(request));
      case 'resume':
        return bodyOf(await api.resumeUpgradePlan(request));
      default:
        return bodyOf(await api.abortUpgradePlan(request));
    }
  }

  watchFleet(observer: FleetObserver): () => void {
    const controller = new AbortController();
    this.runWatch(observer, controller.signal).catch(e => {
      if (!controller.signal.aborted) observer.error?.(e, true);
    });
    return () => controller.abort();
  }

  /**
   * Opens `GET /v1/events` once and yields its parsed events until the stream ends.
   * Exposed for tests and for callers that want the raw events.
   */
  async streamEvents(
    options: {
      since?: number;
      epoch?: string;
      lastEventId?: string;
      signal?: AbortSignal;
      /** Called once the stream is open (200). */
      onOpen?: () => void;
    },
    onEvent: (event: FleetStreamEvent) => void,
  ): Promise<void> {
    const params = new URLSearchParams();
    if (options.since !== undefined) params.set('since', String(options.since));
    if (options.epoch) params.set('epoch', options.epoch);
    const qs = params.toString();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (options.lastEventId) headers['Last-Event-ID'] = options.lastEventId;
    const response = await this.fetchApi.fetch(
      `${await this.baseUrl()}/v1/events${qs ? `?${qs}` : ''}`,
      { headers, signal: options.signal, cache: 'no-store' },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    if (!response.body) throw new Error('The event stream has no body');
    options.onOpen?.();

    let failure: Error | undefined;
    const parser = new SseParser((frame: SseFrame) => {
      if (failure) return;
      try {
        const event = toStreamEvent(frame);
        if (event) onEvent(event);
      } catch (e) {
        failure = e as Error;
      }
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(decoder.decode(value, { stream: true }));
        if (failure) break;
      }
      parser.push(decoder.decode());
    } finally {
      parser.end();
      reader.cancel().catch(() => {});
    }
    if (failure) throw failure;
  }

  watchUpgradePlans(observer: UpgradePlanObserver): () => void {
    const controller = new AbortController();
    this.runPlanWatch(observer, controller.signal);
    return () => controller.abort();
  }

  private async runPlanWatch(
    observer: UpgradePlanObserver,
    signal: AbortSignal,
  ) {
    // Mutable in one object: the stream's onOpen callback resets it.
    const state = { attempt: 0 };
    const onOpen = streamOpened(state, observer);
    observer.status?.('connecting');
    while (!signal.aborted) {
      try {
        await this.streamEvents({ signal, onOpen }, event => {
          if (event.type === 'upgrade-plan') observer.progress(event.data);
        });
      } catch (e) {
        if (signal.aborted) return;
        if (isFatalError(e)) {
          observer.status?.('reconnecting');
          return;
        }
      }
      if (signal.aborted) return;
      observer.status?.('reconnecting');
      await this.backOff(state, signal);
    }
  }

  /** Waits before the next attempt: exponential, capped, with jitter. */
  private async backOff(state: { attempt: number }, signal: AbortSignal) {
    const delay = Math.min(
      this.backoff.maxDelayMs,
      this.backoff.initialDelayMs * 2 ** state.attempt,
    );
    state.attempt++;
    await sleep(delay * (0.75 + Math.random() * 0.5), signal);
  }

  private async runWatch(observer: FleetObserver, signal: AbortSignal) {
    // Mutable watch state in one object: the stream callbacks below read and update it.
    const state: { snapshot?: FleetResponse; attempt: number } = { attempt: 0 };
    const publish = (s: FleetResponse) => {
      state.snapshot = s;
      observer.next(s);
    };
    const onEvent = (event: FleetStreamEvent) => {
      const next = followEvent(state.snapshot!, event);
      if (next) publish(next);
    };
    const onOpen = streamOpened(state, observer);
    observer.status?.('connecting');
    while (!signal.aborted) {
      try {
        if (!state.snapshot) {
          publish(await this.getFullFleet({ signal }));
        }
        await this.streamEvents(
          {
            lastEventId: String(state.snapshot!.version),
            epoch: state.snapshot!.epoch,
            signal,
            onOpen,
          },
          onEvent,
        );
        // The server ends streams after a while: reconnect at once from where we are.
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof GapError) {
          state.snapshot = undefined; // re-fetch the snapshot, then follow the stream again
          continue;
        }
        const fatal = isFatalError(e);
        observer.error?.(e as Error, fatal);
        if (fatal) return;
        observer.status?.('reconnecting');
        await this.backOff(state, signal);
      }
    }
  }

  private async baseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('kamaji');
  }

  /** The client generated from the spec, its requests sent through `fetchApi` with `signal`. */
  private api(signal?: AbortSignal): KamajiApiClient {
    const fetchApi = this.fetchApi;
    return new KamajiApiClient({
      discoveryApi: this.discoveryApi,
      fetchApi: {
        fetch: (input, init) => fetchApi.fetch(input, { ...init, signal }),
      },
    });
  }
}

/**
 * The snapshot after one event of the live stream: a new snapshot for a delta that continues
 * `current`, undefined when the event changes nothing; a GapError when `current` cannot be
 * followed any more (missed deltas, a resync, a stream that starts elsewhere).
 */
function followEvent(
  current: FleetResponse,
  event: FleetStreamEvent,
): FleetResponse | undefined {
  if (event.type === 'delta') {
    const delta = event.data;
    if (delta.version <= current.version) return undefined; // already in the snapshot
    if (delta.fromVersion !== current.version) {
      throw new GapError(
        `missed deltas ${current.version}→${delta.fromVersion}`,
      );
    }
    return withDelta(current, delta);
  }
  if (event.type === 'resync') {
    throw new GapError(
      `resync requested: ${event.data.reason ?? 'no reason given'}`,
    );
  }
  if (
    event.type === 'snapshot-version' &&
    (event.data.version !== current.version ||
      (event.data.epoch && event.data.epoch !== current.epoch))
  ) {
    throw new GapError('the stream starts at another version');
  }
  return undefined;
}

/** The fleet response with a live-update delta applied (the common package applies it). */
function withDelta(current: FleetResponse, delta: FleetDelta): FleetResponse {
  const next = applyFleetDelta(current, delta);
  return {
    ...next,
    epoch: current.epoch,
    page: { total: next.tenants.length, offset: 0, limit: next.tenants.length },
  };
}

function toStreamEvent(frame: SseFrame): FleetStreamEvent | undefined {
  if (
    frame.event !== 'delta' &&
    frame.event !== 'resync' &&
    frame.event !== 'snapshot-version' &&
    frame.event !== 'upgrade-plan'
  ) {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch {
    // A frame we cannot read means a delta may be lost: ask for a fresh snapshot.
    throw new GapError(`unreadable ${frame.event} event`);
  }
  return { type: frame.event, id: frame.id, data } as FleetStreamEvent;
}
