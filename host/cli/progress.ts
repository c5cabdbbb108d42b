import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

/** A progress bar on a TTY's stderr; silent when stderr is not a terminal or output is JSON. */
export function createProgress(label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% {detail}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, detail = '') {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { detail });
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { detail });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
