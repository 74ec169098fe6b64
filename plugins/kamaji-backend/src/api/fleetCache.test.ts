import { gunzipSync } from 'node:zlib';
import { text } from 'node:stream/consumers';
import type { FleetSnapshot } from '@kamaji-backstage/plugin-kamaji-common';
import { CachedPage, FleetVersions, PageBody } from './fleetCache';

const snapshot = (version: number): FleetSnapshot => ({
  version,
  generatedAt: new Date(0).toISOString(),
  managementClusters: [],
  islands: [],
  tenants: [],
  addonSets: [],
});

/** A render that counts its calls and produces the version's body in pieces. */
function renderer() {
  const calls: number[] = [];
  const render = (version: number) => (): PageBody => {
    calls.push(version);
    return ['{"version":', String(version), '}'];
  };
  return { calls, render };
}

const bodyOf = async (page: CachedPage) =>
  JSON.parse(gunzipSync(await page.gzipped).toString());

describe('CachedPage', () => {
  it('compresses a body given in pieces, larger than one batch, to the joined JSON', async () => {
    const pieces = Array.from({ length: 5000 }, (_, i) =>
      i ? `,{"n":${i},"pad":"${'x'.repeat(30)}"}` : '{"n":0}',
    );
    const page = new CachedPage('"e"', ['[', ...pieces, ']']);
    expect(await text(await page.uncompressed())).toBe(`[${pieces.join('')}]`);
  });
});

describe('FleetVersions.page', () => {
  it('renders one version of a key at a time: a reader of the current version is served the page being rendered, with its version', async () => {
    const versions = new FleetVersions('ep');
    const { calls, render } = renderer();
    const v1 = versions.current(snapshot(1));
    const first = versions.page(v1, 'k', render(1), true);
    const v2 = versions.current(snapshot(2));
    const second = versions.page(v2, 'k', render(2), true);
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toEqual([1]);
    expect(b).toBe(a);
    expect(b.etag).toBe(v1.etagFor('k'));
    expect((await bodyOf(b)).version).toBe(1);
    // Once no render is in flight, the current version is rendered.
    const third = await versions.page(v2, 'k', render(2), true);
    expect(calls).toEqual([1, 2]);
    expect(third.etag).toBe(v2.etagFor('k'));
    expect((await bodyOf(third)).version).toBe(2);
  });

  it('makes a reader of a fixed version wait for the other version being rendered, then renders its own', async () => {
    const versions = new FleetVersions('ep');
    const { calls, render } = renderer();
    const v1 = versions.current(snapshot(1));
    const v2 = versions.current(snapshot(2));
    const current = versions.page(v2, 'k', render(2), true);
    const pinned = versions.page(v1, 'k', render(1), false);
    expect(calls).toEqual([2]);
    const page = await pinned;
    expect(calls).toEqual([2, 1]);
    expect(page.etag).toBe(v1.etagFor('k'));
    expect((await bodyOf(page)).version).toBe(1);
    expect((await bodyOf(await current)).version).toBe(2);
  });

  it('renders different keys of different versions side by side', async () => {
    const versions = new FleetVersions('ep');
    const { calls, render } = renderer();
    const v1 = versions.current(snapshot(1));
    const a = versions.page(v1, 'a', render(1), true);
    const v2 = versions.current(snapshot(2));
    const b = versions.page(v2, 'b', render(2), true);
    expect(calls).toEqual([1, 2]);
    expect((await bodyOf(await a)).version).toBe(1);
    expect((await bodyOf(await b)).version).toBe(2);
  });
});
