import { KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';
import { mapKubeError, scrub } from './kubeErrors';

const status = (code: number, message: string) =>
  KubeApiError.fromStatus('PATCH /apis/x', code, {
    kind: 'Status',
    code,
    message,
  });

describe('mapKubeError', () => {
  it.each([
    [404, 'not found', 'NotFoundError', 404],
    [409, 'conflict', 'ConflictError', 409],
    [
      422,
      'the server rejected our request: testing value /spec/version failed',
      'ConflictError',
      409,
    ],
    [422, 'spec.replicas: Invalid value: -1', 'InputError', 400],
    [400, 'bad', 'InputError', 400],
    [401, 'Unauthorized', 'BadGatewayError', 502],
    [403, 'forbidden: User "x" cannot patch', 'BadGatewayError', 502],
    [429, 'slow down', 'ServiceUnavailableError', 503],
    [500, 'etcd exploded', 'BadGatewayError', 502],
  ])('maps HTTP %s (%s) to %s', (code, message, name, httpStatus) => {
    const e = mapKubeError(status(code, message), 'patch X', 'central');
    expect(e.name).toBe(name);
    const statusCode =
      (e as any).statusCode ??
      {
        NotFoundError: 404,
        ConflictError: 409,
        InputError: 400,
        ServiceUnavailableError: 503,
      }[e.name];
    expect(statusCode).toBe(httpStatus);
    expect(e.message).toMatch(/^patch X: /);
    expect(e.message).not.toMatch(/Bearer|eyJ|Headers|HTTP-Code/);
    expect((e as any).cause).toBeUndefined();
  });

  it('takes a bare 422 after a test operation for a lost race, and names the fields otherwise', () => {
    const bare = status(
      422,
      'the server rejected our request due to an error in our request',
    );
    expect(
      mapKubeError(bare, 'patch', 'central', { precondition: true }).name,
    ).toBe('ConflictError');
    expect(mapKubeError(bare, 'patch', 'central').name).toBe('InputError');
    const withCauses = KubeApiError.fromStatus('PATCH /apis/x', 422, {
      kind: 'Status',
      message: 'MachineDeployment is invalid',
      details: {
        causes: [{ field: 'spec.replicas', message: 'must be >= 0' }],
      },
    });
    const e = mapKubeError(withCauses, 'patch', 'central', {
      precondition: true,
    });
    expect(e.name).toBe('InputError');
    expect(e.message).toContain('spec.replicas: must be >= 0');
  });

  it('maps network failures and timeouts to 503 and anything else to 502', () => {
    const refused = new KubeApiError('network', 'GET /apis/x: ECONNREFUSED');
    expect(mapKubeError(refused, 'read Cluster a/b', 'central').name).toBe(
      'ServiceUnavailableError',
    );
    const hung = new KubeApiError('timeout', 'GET /apis/x: no answer');
    expect(mapKubeError(hung, 'read', 'central').name).toBe(
      'ServiceUnavailableError',
    );
    const notJson = new KubeApiError('decode', 'GET /apis/x: not JSON');
    expect(mapKubeError(notJson, 'read', 'central').name).toBe(
      'BadGatewayError',
    );
    const odd = mapKubeError(
      new Error('client-key-data: abc'),
      'read',
      'central',
    );
    expect(odd.name).toBe('BadGatewayError');
    expect(odd.message).not.toContain('client-key-data');
  });
});

describe('scrub', () => {
  it('removes credential material and bounds the length', () => {
    const text = [
      'token: abcdef',
      'client-key-data: LS0tLS1CRUdJTi',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
      'Authorization: Bearer abc.def',
      'jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    ].join('\n');
    const out = scrub(text, 1000);
    expect(out).not.toMatch(/abcdef|LS0tLS1|MIIE|PRIVATE KEY|abc\.def|eyJ/);
    expect(scrub('x'.repeat(500)).length).toBe(301);
  });
});
