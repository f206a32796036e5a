import type { Federation } from '../federation/service.ts';
import { ADMIN } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Ledger } from './ledger.ts';
import { ledgerRoutes } from './routes.ts';

/**
 * Runs `task` every `seconds`, never two at once (a large backlog may outlast the interval), and
 * waits for the one in flight when the node closes, so that it does not outlive the database.
 */
function every(app: HttpServer, seconds: number, what: string, task: () => Promise<unknown>): void {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .then(() => undefined, (error: unknown) => app.log.error({ err: error }, `cannot ${what}`))
      .finally(() => { running = undefined; });
  }, seconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}

/** The tamper-evident log: its routes, a first tree head at start, and the timers that sign heads and watch peers. */
export async function installLedger(app: HttpServer, db: Database, federation: Federation): Promise<Ledger> {
  const ledger = new Ledger(db, federation);
  ledgerRoutes(app, ledger, ADMIN);
  await ledger.publish();
  const { treeHeadSeconds, watchSeconds } = federation.config.ledger;
  every(app, treeHeadSeconds, 'add records to the log and sign its head', () => ledger.publish());
  every(app, watchSeconds, 'check the logs of peers', () => ledger.watch());
  return ledger;
}
