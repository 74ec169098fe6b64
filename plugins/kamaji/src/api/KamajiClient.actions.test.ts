import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { refusalMessage } from './KamajiClient';
import {
  backstageError,
  BASE,
  setupKamajiServer,
  testClient,
} from '../__testUtils__/http';

const server = setupKamajiServer();

const CLUSTER = `${BASE}/v1/clusters/cloud/tenants/line-1`;

describe('KamajiClient day-2 actions', () => {
  it('posts an upgrade as JSON to the cluster path', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${CLUSTER}/upgrade`, async ({ request }) => {
        contentType = request.headers.get('content-type');
        body = await request.json();
        return HttpResponse.json({
          cluster: 'cloud/tenants/line-1',
          version: 'v1.35.0',
          changed: true,
          controlPlane: { name: 'line-1', from: 'v1.34.2', to: 'v1.35.0' },
          workerPools: [],
        });
      }),
    );
    const res = await testClient().upgradeCluster('cloud/tenants/line-1', {
      version: 'v1.35.0',
      workers: true,
    });
    expect(body).toEqual({ version: 'v1.35.0', workers: true });
    expect(contentType).toBe('application/json');
    expect(res.controlPlane?.to).toBe('v1.35.0');
  });

  it('posts a scale with the pool and the replicas', async () => {
    let body: unknown;
    server.use(
      http.post(`${CLUSTER}/scale`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          cluster: 'cloud/tenants/line-1',
          pool: 'line-1-md-0',
          from: 2,
          to: 5,
          changed: true,
        });
      }),
    );
    const res = await testClient().scaleCluster('cloud/tenants/line-1', {
      pool: 'line-1-md-0',
      replicas: 5,
    });
    expect(body).toEqual({ pool: 'line-1-md-0', replicas: 5 });
    expect(res.to).toBe(5);
  });

  it('deletes with the confirmation in the query, encoded', async () => {
    let confirm: string | null = null;
    let method = '';
    server.use(
      http.delete(CLUSTER, ({ request }) => {
        method = request.method;
        confirm = new URL(request.url).searchParams.get('confirm');
        return HttpResponse.json(
          { cluster: 'cloud/tenants/line-1', deleting: true },
          { status: 202 },
        );
      }),
    );
    const res = await testClient().deleteCluster(
      'cloud/tenants/line-1',
      'line-1',
    );
    expect(method).toBe('DELETE');
    expect(confirm).toBe('line-1');
    expect(res.deleting).toBe(true);
  });

  it('throws the refusal with the backend message word for word', async () => {
    const message =
      'version v1.37.0 skips a minor release (current v1.35.2): upgrade one minor release at a time, to a v1.36.x release first';
    server.use(
      http.post(`${CLUSTER}/upgrade`, () =>
        backstageError(400, 'InputError', message),
      ),
    );
    const err = await testClient()
      .upgradeCluster('cloud/tenants/line-1', { version: 'v1.37.0' })
      .catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.statusCode).toBe(400);
    expect(refusalMessage(err)).toBe(message);
    expect(refusalMessage(new Error('offline'))).toBe('offline');
  });

  it('refuses ids that are not declared clusters before sending anything', async () => {
    await expect(
      testClient().scaleCluster('cloud', { pool: 'p', replicas: 1 }),
    ).rejects.toThrow(/Not a declared cluster id: cloud/);
  });
});
