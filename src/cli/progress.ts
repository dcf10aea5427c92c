// A one-line progress bar redrawn in place on a terminal: `[#####-----]  50%  text`.
const WIDTH = 24;

/** The bar for `done` of `total`, then `text`; a total of 0 reads as complete. */
export function progressLine(done: number, total: number, text: string): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${text}`;
}

/** Redraws at most every `everyMs` (the last call of a run is drawn by `done`). */
export function terminalBar(write: (text: string) => void, everyMs = 100): { draw(line: string): void; done(): void } {
  let last = 0;
  let pending: string | undefined;
  const paint = (line: string) => write(`\r\x1b[2K${line}`);
  return {
    draw(line) {
      pending = line;
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      paint(line);
      pending = undefined;
    },
    done() {
      if (pending !== undefined) paint(pending);
      write('\n');
    },
  };
}
