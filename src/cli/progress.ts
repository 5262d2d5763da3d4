/**
 * Progress and ETA of a long batch on stderr: rewritten in place on a terminal (several times a
 * second at most), one line every `every` ms otherwise (a log file gets a line now and then, not
 * thousands). The ETA is the remaining count times the mean time per item so far.
 */
export class Progress {
  private done = 0;
  private readonly started = performance.now();
  private lastShown = -Infinity;
  private readonly tty: boolean;

  /**
   * @param label what is counted, for the line ("eval wider: 12/3226 images")
   * @param total the items that will be worked on
   */
  constructor(private readonly label: string, private readonly total: number, private readonly every = 30_000, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  /** One more item finished. */
  tick(): void {
    this.done++;
    const now = performance.now();
    if (this.done === this.total || now - this.lastShown >= (this.tty ? 250 : this.every)) {
      this.lastShown = now;
      this.stream.write(`${this.tty ? '\r\x1b[K' : ''}${this.line(now)}${this.tty && this.done < this.total ? '' : '\n'}`);
    }
  }

  private line(now: number): string {
    const elapsed = now - this.started;
    const perItem = elapsed / Math.max(1, this.done);
    const eta = this.done === this.total ? 'done' : `ETA ${duration(perItem * (this.total - this.done))}`;
    return `${this.label}: ${this.done}/${this.total} (${((100 * this.done) / Math.max(1, this.total)).toFixed(1)}%), ${(perItem / 1000).toFixed(2)} s each, ${duration(elapsed)} so far, ${eta}`;
  }
}

/** 75 s → "1m15s", 4000 s → "1h06m". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
