import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotAllowedError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { parseAllDocuments } from 'yaml';
import {
  FakeObjectClient,
  actionFailure,
  makeDeps,
  runAction,
} from '../__testUtils__/fakes';
import { renderTenantCluster } from '../render/tenant';
import { createManifestsRenderAction } from './manifestsRender';

const values = {
  name: 'shop-42',
  island: 'island-a',
  kubernetesVersion: 'v1.34.2',
  workerPools: [{ name: 'edge', replicas: 2 }],
  owner: 'team-retail',
};

describe('kamaji:manifests:render', () => {
  const dir = createMockDirectory();
  beforeEach(() => dir.clear());

  it('writes what kamaji:tenant:create would apply, and applies nothing', async () => {
    const deps = makeDeps();
    const { ctx } = await runAction(
      createManifestsRenderAction(deps),
      { kind: 'tenant', values, path: 'clusters/central/shop-42.yaml' },
      { workspacePath: dir.path },
    );
    const text = readFileSync(
      join(dir.path, 'clusters/central/shop-42.yaml'),
      'utf8',
    );
    const objects = parseAllDocuments(text).map(d => d.toJS());
    expect(objects).toEqual(
      renderTenantCluster(
        {
          ...values,
          islandNamespace: 'fleet-islands',
          site: 'factory-lyon',
          managementCluster: 'central',
        },
        {
          provenance: {
            requestedBy: 'user:default/alice',
            taskId: 'mock-task-id',
          },
        },
      ),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'path',
      'clusters/central/shop-42.yaml',
    );
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
    expect(
      (deps.client as FakeObjectClient).calls.some(c => c.op === 'apply'),
    ).toBe(false);
  });

  it('defaults the path to manifests/<kind>/<name>.yaml and can dry-run on the cluster', async () => {
    const deps = makeDeps();
    const { ctx } = await runAction(
      createManifestsRenderAction(deps),
      { kind: 'tenant', values, serverDryRun: true },
      { workspacePath: dir.path },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'path',
      'manifests/tenant/shop-42.yaml',
    );
    const client = deps.client as FakeObjectClient;
    expect(
      client.calls.filter(c => c.op === 'apply').every(c => c.dryRun),
    ).toBe(true);
    expect(client.writes).toEqual([]);
  });

  it.each([
    ['../outside.yaml', "path: must stay inside the workspace (no '..')"],
    ['/etc/passwd.yaml', 'path: must be a relative file path ending in .yaml'],
    ['notes.txt', 'path: must be a relative file path ending in .yaml'],
  ])('refuses the path %s', async (path, message) => {
    const e = await actionFailure(
      createManifestsRenderAction(makeDeps()),
      { kind: 'tenant', values, path },
      { workspacePath: dir.path },
    );
    expect(e.message).toContain(message);
  });

  it('names invalid values as values.<field>', async () => {
    const e = await actionFailure(
      createManifestsRenderAction(makeDeps()),
      { kind: 'tenant', values: { ...values, name: 'Shop 42' } },
      { workspacePath: dir.path },
    );
    expect(e.message).toContain('- values.name: must be a DNS-1123 label');
  });

  it('checks the permission', async () => {
    const e = await actionFailure(
      createManifestsRenderAction(makeDeps({ allow: false })),
      { kind: 'island', values: {} },
      { workspacePath: dir.path },
    );
    expect(e).toBeInstanceOf(NotAllowedError);
  });

  it('rejects an unknown kind', async () => {
    const e = await actionFailure(
      createManifestsRenderAction(makeDeps()),
      { kind: 'cluster', values },
      { workspacePath: dir.path },
    );
    expect(e.message).toContain(
      'kind: must be one of tenant, island, addonset',
    );
  });
});
