import { http, HttpResponse } from 'msw';
import { BASE, setupKamajiServer, testClient } from '../__testUtils__/http';

const server = setupKamajiServer();

/** Answers every GET under `path` with `body` and records the requested URLs. */
function recordGets(path: string, body: object) {
  const urls: URL[] = [];
  server.use(
    http.get(`${BASE}${path}`, ({ request }) => {
      urls.push(new URL(request.url));
      return HttpResponse.json(body);
    }),
  );
  return urls;
}

describe('KamajiClient queries (generated client)', () => {
  it('sends a period as from/to ISO strings, not the generated type’s _from', async () => {
    const audit = recordGets('/v1/audit', {
      items: [],
      page: { total: 0, offset: 0, limit: 50 },
    });
    await testClient().getAudit({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
      actor: 'user:default/ana',
      cluster: '',
    });
    expect(Object.fromEntries(audit[0].searchParams)).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
      actor: 'user:default/ana',
    });

    const uplink = recordGets('/v1/islands/cloud/islands/edge-1/uplink', {});
    await testClient().getIslandUplink('cloud/islands/edge-1', {
      from: new Date('2026-12-01T00:00:00Z'),
    });
    expect(uplink[0].search).toBe('?from=2026-12-01T00%3A00%3A00.000Z');
  });

  it('repeats array filters, drops empty ones and encodes ids', async () => {
    const fleet = recordGets('/v1/fleet', {});
    await testClient().getFleet({
      health: ['degraded', 'unhealthy'],
      role: ['tenant'],
      q: '',
      owner: 'group:default/team-edge',
      limit: 10,
    });
    const params = fleet[0].searchParams;
    expect(params.getAll('health')).toEqual(['degraded', 'unhealthy']);
    expect(params.getAll('role')).toEqual(['tenant']);
    expect(params.has('q')).toBe(false);
    expect(params.get('owner')).toBe('group:default/team-edge');
    expect(params.get('limit')).toBe('10');

    const byId = recordGets('/v1/clusters/by-id', {});
    await testClient().getClusterById('edge/islands/site-a/tcp/ns/t 1');
    expect(byId[0].searchParams.get('id')).toBe(
      'edge/islands/site-a/tcp/ns/t 1',
    );
  });
});
