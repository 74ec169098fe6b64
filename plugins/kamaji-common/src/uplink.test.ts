import { formatSeconds } from './uplink';

describe('formatSeconds', () => {
  it.each([
    [0.4, '0 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [3 * 60 + 50, '3 min'],
    [65 * 60, '1 h 5 min'],
    [2 * 3600 + 59, '2 h'],
    [47 * 3600 + 59 * 60, '47 h 59 min'],
    [3 * 86400 + 23 * 3600, '3 days'],
  ])('%p s is %p', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
