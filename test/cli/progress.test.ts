/**
 * Progress and ETA lines: on a log (not a terminal) the first item, then at most one line per
 * interval, and always the last; on a terminal one line rewritten in place. The ETA is the
 * remaining count times the mean time per item.
 */
import { describe, expect, it, vi } from 'vitest';
import { duration, Progress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
}

describe('Progress', () => {
  it('on a log: a line for the first item, none within the interval, the last one with "done"', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const log = stream(false);
      const progress = new Progress('eval wider: detected', 4, 30_000, log.stream);
      vi.advanceTimersByTime(2000);
      progress.tick();
      vi.advanceTimersByTime(2000);
      progress.tick();
      progress.tick();
      vi.advanceTimersByTime(2000);
      progress.tick();
      expect(log.written).toEqual([
        'eval wider: detected: 1/4 (25.0%), 2.00 s each, 2s so far, ETA 6s\n',
        'eval wider: detected: 4/4 (100.0%), 1.50 s each, 6s so far, done\n',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('on a terminal: rewritten in place, a newline only at the end', () => {
    const tty = stream(true);
    const progress = new Progress('x', 2, 30_000, tty.stream);
    progress.tick();
    progress.tick();
    expect(tty.written[0]).toMatch(/^\r\x1b\[K.*ETA/);
    expect(tty.written.at(-1)).toMatch(/^\r\x1b\[Kx: 2\/2 .*done\n$/);
  });

  it('durations read as a person writes them', () => {
    expect([duration(4_400), duration(75_000), duration(4_000_000)]).toEqual(['4s', '1m15s', '1h06m']);
  });
});
