import { ConfigReader } from '@backstage/config';
import { readApiConfig } from './plugin';

const api = (values: { readPermissionCacheSeconds: number }) =>
  readApiConfig(new ConfigReader({ kamaji: { api: values } }));

describe('readApiConfig', () => {
  it("reuses a caller's read decision for 10 s unless configured", () => {
    expect(readApiConfig(new ConfigReader({})).readPermissionCacheMs).toBe(
      10_000,
    );
    expect(api({ readPermissionCacheSeconds: 0 }).readPermissionCacheMs).toBe(
      0,
    );
    expect(api({ readPermissionCacheSeconds: 2.5 }).readPermissionCacheMs).toBe(
      2_500,
    );
  });

  it('names the setting and its range when the read decision time is out of range', () => {
    for (const value of [-1, 301]) {
      expect(() => api({ readPermissionCacheSeconds: value })).toThrow(
        'kamaji.api.readPermissionCacheSeconds must be a number of seconds from 0 (ask on every read) to 300',
      );
    }
  });
});
