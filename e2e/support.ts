/* What the end-to-end tests share: the stack's addresses, the browser, the guest sign-in, the
 * local control plane's control API and screenshots. scripts/e2e.sh sets the environment. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  credentialPatterns,
  findCredentials,
  findCredentialsInLog,
  guestRefreshAt,
  guestSignIn,
  responseText,
  type KubeplaneState,
} from '@internal/test-kube';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';

function env(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the end-to-end tests with scripts/e2e.sh, which starts the stack and sets it`,
    );
  return value;
}

export const APP_URL = env('KB_E2E_APP_URL');
export const BACKEND_URL = env('KB_E2E_BACKEND_URL');
export const STATE_DIR = env('KB_E2E_STATE_DIR');
export const SCREENSHOT_DIR = env('KB_E2E_SCREENSHOT_DIR');
/** The config file naming the guest sign-in's user; the backend watches it. */
const SIGN_IN_CONFIG = env('KB_E2E_SIGN_IN_CONFIG');
/** Screenshots of failed tests (not for the README). */
export const FAILURE_DIR = env('KB_E2E_FAILURE_DIR');
/** The log of the whole stack: backend, app dev server, local control plane. */
const STACK_LOG = env('KB_E2E_STACK_LOG');
const CHROMIUM = process.env.KB_CHROMIUM ?? '/usr/bin/chromium';

/** Waits for page conditions: generous, since the dev server and the API servers share 2 cores. */
export const WAIT = { timeout: 60_000 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Chromium refuses its sandbox when run as root (CI containers).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/**
 * React's development-mode warnings that Backstage's own pages print too: MUI v4 under React's
 * StrictMode (findDOMNode), material-table (defaultProps), the catalog's table. They count only
 * when their component stack starts in node_modules; the same warning from this repository's
 * code is a problem.
 */
const THIRD_PARTY_REACT_WARNINGS = [
  /^Warning: findDOMNode is deprecated/,
  /^Warning: %s: Support for defaultProps will be removed/,
  /^Warning: validateDOMNesting/,
  /^Warning: Each child in a list should have a unique "key" prop/,
];

function isThirdPartyWarning(text: string): boolean {
  const firstSource = /\((webpack-internal:\/\/\/[^)]+)\)/.exec(text)?.[1];
  return (
    THIRD_PARTY_REACT_WARNINGS.some(warning => warning.test(text)) &&
    firstSource !== undefined &&
    firstSource.includes('/node_modules/')
  );
}

/**
 * What the app threw, printed as an error or was refused (an HTTP status of 400 or more), in
 * every page of the contexts it watches, but for React's warnings about third-party components.
 */
export class BrowserErrors {
  private readonly problems: string[] = [];

  watch(context: BrowserContext): void {
    context.on('weberror', e =>
      this.problems.push(`uncaught at ${e.page()?.url()}: ${e.error().stack}`),
    );
    context.on('console', m => {
      const text = m.text();
      // A refused request prints this too; its response is recorded below, with its URL.
      if (m.type() !== 'error' || text.startsWith('Failed to load resource'))
        return;
      if (!isThirdPartyWarning(text))
        this.problems.push(`console.error at ${m.page()?.url()}: ${text}`);
    });
    context.on('response', r => {
      if (r.status() >= 400)
        this.problems.push(
          `${r.status()} to ${r.request().method()} ${r.url()} (page ${r
            .frame()
            .page()
            .url()})`,
        );
    });
  }

  /** The problems seen so far. */
  seen(): string[] {
    return [...this.problems];
  }
}

/** A response of the backend as the credential scan reads it. */
async function scannedText(r: Response): Promise<string> {
  return responseText({
    status: r.status(),
    method: r.request().method(),
    url: r.url(),
    headers: await r.headersArray(),
    body: await r.text().catch(e => `(body not read: ${e.message})`),
  });
}

/**
 * Every answer of the backend to the pages of the contexts it watches (every plugin's), but the
 * auth backend's: its answers carry the Backstage session's own token, made for the browser.
 */
export class BackendResponses {
  private readonly texts: Promise<string>[] = [];

  watch(context: BrowserContext): void {
    context.on('response', r => {
      const url = r.url();
      if (
        url.startsWith(BACKEND_URL) &&
        !url.startsWith(`${BACKEND_URL}/api/auth/`)
      )
        this.texts.push(scannedText(r));
    });
  }

  async all(): Promise<string[]> {
    return Promise.all(this.texts);
  }
}

/**
 * Credential material of the local control plane's clusters (tokens, client keys, kubeconfig
 * fields) in the backend's answers and in the stack's log.
 */
export function credentialsIn(responses: string[]): string[] {
  const patterns = credentialPatterns({ state: kubeplaneState() });
  return [
    ...findCredentials(responses, patterns),
    ...findCredentialsInLog(readFileSync(STACK_LOG, 'utf8'), patterns),
  ];
}

/** The guest sign-in of the app; resolves once the app's sidebar is there. */
export async function signInAsGuest(page: Page): Promise<void> {
  // The first request may wait for the dev server's bundle.
  await page.goto(APP_URL, { timeout: 180_000 });
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 180_000 });
  await enter.click();
  await page
    .getByRole('link', { name: 'Kamaji fleet' })
    .waitFor(WAIT)
    .catch(async e => {
      const alert = await page
        .getByRole('alertdialog')
        .textContent({ timeout: 1000 })
        .catch(() => undefined);
      throw new Error(
        `the guest sign-in did not reach the app${
          alert ? ` (the app says: ${alert})` : ''
        }: ${e.message}`,
      );
    });
}

/**
 * Makes the guest sign-in sign in as another catalog user (a member of `group`) from now on, as
 * scripts/check-kubernetes-backend.ts does; resolves once the backend signs in so.
 */
export async function guestSignsInAs(
  userEntityRef: string,
  group: string,
): Promise<void> {
  await guestSignIn(
    guestRefreshAt(BACKEND_URL),
    SIGN_IN_CONFIG,
    userEntityRef,
    group,
  );
}

/**
 * Waits until the catalog has ingested what the tests need: the guest user with its group (the
 * guest token carries ownership claims only once the User entity is there; the demo's permission
 * policy gives the platform team the whole fleet) and the Edge tenant cluster template.
 */
export async function waitForCatalog(timeout: number): Promise<void> {
  await waitUntil(
    'the catalog to hold user:default/guest in group platform-team and the template kamaji-edge-tenant-cluster',
    async () => {
      const refresh = await fetch(
        `${BACKEND_URL}/api/auth/guest/refresh?env=development`,
        { headers: { 'x-requested-with': 'XMLHttpRequest' } },
      );
      if (!refresh.ok) throw new Error(`guest refresh: ${refresh.status}`);
      const { token, identity } = (await refresh.json()).backstageIdentity;
      if (!identity.ownershipEntityRefs.includes('group:default/platform-team'))
        throw new Error(
          'the guest identity is not in group:default/platform-team yet',
        );
      const res = await fetch(
        `${BACKEND_URL}/api/catalog/entities/by-name/template/default/kamaji-edge-tenant-cluster`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!res.ok) throw new Error(`template: ${res.status}`);
      return true;
    },
    timeout,
  );
}

/** Saves a screenshot of the page into docs/screenshots (what the README shows). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Runs a test body; on failure saves what the page showed into FAILURE_DIR and names the file. */
export async function withFailureShot(
  page: () => Page | undefined,
  name: string,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (e) {
    const p = page();
    if (p && !p.isClosed()) {
      mkdirSync(FAILURE_DIR, { recursive: true });
      const path = join(FAILURE_DIR, `${name}.png`);
      await p
        .screenshot({ path, fullPage: true, timeout: 10_000 })
        // eslint-disable-next-line no-console
        .then(() => console.error(`${name}: screenshot of the page in ${path}`))
        .catch(() => undefined);
    }
    throw e;
  }
}

function kubeplaneState(): KubeplaneState {
  return JSON.parse(readFileSync(join(STATE_DIR, 'state.json'), 'utf8'));
}

function controlUrl(): string {
  return kubeplaneState().controlUrl;
}

/** Stops (SIGKILL: a site losing its uplink) or restarts one API server of the local control plane. */
export async function controlCluster(
  name: string,
  action: 'stop' | 'start',
): Promise<void> {
  const res = await fetch(`${controlUrl()}/clusters/${name}/${action}`, {
    method: 'POST',
  });
  if (!res.ok)
    throw new Error(
      `kubeplane ${action} ${name}: ${res.status} ${await res.text()}`,
    );
}

/** The text of a tree row of the fleet topology, found by its accessible name. */
export function treeItem(page: Page, name: string | RegExp): Locator {
  return page
    .getByRole('tree', { name: 'Fleet topology' })
    .getByRole('treeitem', { name, exact: typeof name === 'string' });
}

/** Expands a collapsed tree row with the keyboard (WAI-ARIA tree: ArrowRight). */
export async function expand(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) === 'true') return;
  await row.focus();
  await row.press('ArrowRight');
  await waitForAttribute(row, 'aria-expanded', 'true');
}

export async function waitForAttribute(
  locator: Locator,
  name: string,
  value: string,
): Promise<void> {
  await waitUntil(
    `${name}="${value}" on ${locator}`,
    async () => (await locator.getAttribute(name, { timeout: 1000 })) === value,
  );
}

/** Thrown from a waitUntil check: stop waiting, this will not get better. */
export class GiveUp extends Error {}

/**
 * Polls a condition until it holds; the error names what was awaited and the last thing seen.
 * `check` returns a truthy value when done, or false / a string describing what it saw.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | false | undefined | null>,
  timeout = WAIT.timeout,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError = '';
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      lastError = (e as Error).message.split('\n')[0];
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeout / 1000} s waiting for ${what}${
          lastError ? ` (last error: ${lastError})` : ''
        }`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
}

/** Resolves with the locator's text once it matches. */
export async function waitForText(
  locator: Locator,
  expected: RegExp,
  what: string,
  timeout = WAIT.timeout,
): Promise<string> {
  let last = '';
  try {
    return await waitUntil(
      what,
      async () => {
        last = (await locator.textContent({ timeout: 1000 })) ?? '';
        return expected.test(last) && last;
      },
      timeout,
    );
  } catch (e) {
    throw new Error(
      `${
        (e as Error).message
      }; expected ${expected}, last text: ${JSON.stringify(
        last.slice(0, 400),
      )}`,
    );
  }
}

/** The kube API of a cluster of the local control plane, with its admin kubeconfig. */
export function kubeObjects(cluster: string): CustomObjectsApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeplaneState().clusters[cluster].adminKubeconfig);
  return kc.makeApiClient(CustomObjectsApi);
}
