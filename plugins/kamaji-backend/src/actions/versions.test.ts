import { parseCeiling } from './versions';

describe('parseCeiling', () => {
  it('reads the ceiling from config text', () => {
    expect(parseCeiling('1.36')).toEqual({
      major: 1,
      minor: 36,
      text: 'v1.36',
    });
    expect(parseCeiling(' v1.36 ').text).toBe('v1.36');
    expect(() => parseCeiling('v1.36.0')).toThrow(/maxKubernetesVersion/);
  });
});
