import { ensureFirstAdmin } from '../identity/bootstrap.ts';
import type { NodeConfig } from '../platform/config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openDatabase } from '../platform/db/open.ts';
import { createLogger } from '../platform/log.ts';
import { resolveKeySecret } from '../federation/secret.ts';
import { buildApp } from './app.ts';
import { MIGRATIONS } from './migrations.ts';

export interface RunningNode {
  url: string;
  firstAdmin: { username: string; password: string } | undefined;
  close(): Promise<void>;
}

/** Opens the database, migrates it, makes sure someone can sign in, and serves the node. */
export async function startNode(config: NodeConfig, options: { adminPassword?: string } = {}): Promise<RunningNode> {
  const logger = createLogger(config.logLevel, config.nodeId);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db, MIGRATIONS);
    if (applied.length) logger.info({ applied }, 'database migrated');
    const firstAdmin = await ensureFirstAdmin(db, config.passwordCost, options.adminPassword);
    const { app, federation } = await buildApp(config, db, logger, resolveKeySecret(config.keySecret, config.dataDir));
    await app.listen({ host: config.host, port: config.port });
    federation.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      url: `http://${config.host}:${port}`,
      firstAdmin,
      async close() {
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
