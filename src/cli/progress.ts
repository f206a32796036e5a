import { stat } from 'node:fs/promises';

/** From this size on, a long command says how far it has got. */
const LARGE_BYTES = 64 * 1024 * 1024;
const STEP_PERCENT = 5;

const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * A progress callback that prints one line on standard error every 5 % of each step, for a file of
 * 64 MiB or more (or always, when asked); none otherwise, so that small runs stay quiet.
 */
export async function progressPrinter(path: string, always: boolean): Promise<((step: string, done: number, total: number) => void) | undefined> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (!always && size < LARGE_BYTES) return undefined;
  const shown = new Map<string, number>();
  return (step, done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100 / STEP_PERCENT) * STEP_PERCENT;
    if ((shown.get(step) ?? -1) >= percent) return;
    shown.set(step, percent);
    process.stderr.write(`${step}: ${percent}% (${mebibytes(done)} of ${mebibytes(total)})\n`);
  };
}
