import { coversWindow, formatSeconds, recordedShare } from './uplink';

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

describe('recordedShare and coversWindow', () => {
  it('measure figures against the length of their window', () => {
    const day = { window: '24h' as const, observedSeconds: 86_400 };
    expect(recordedShare(day)).toBe(1);
    expect(coversWindow(day)).toBe(true);
    const halfWeek = { window: '7d' as const, observedSeconds: 3.5 * 86_400 };
    expect(recordedShare(halfWeek)).toBe(0.5);
    expect(coversWindow(halfWeek)).toBe(false);
    const almostMonth = {
      window: '30d' as const,
      observedSeconds: 29.8 * 86_400,
    };
    expect(coversWindow(almostMonth)).toBe(true);
    // Rounding up to a few seconds more than the window is still the whole of it.
    expect(recordedShare({ window: '24h', observedSeconds: 86_402 })).toBe(1);
  });
});
