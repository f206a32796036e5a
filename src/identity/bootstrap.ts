import { SYSTEM_ACTOR } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { Accounts } from './accounts.ts';
import { countUsers } from './users.ts';

/**
 * On a node's first start there is nobody to create accounts: create the first administrator.
 * The password comes from the caller or is generated; it is returned once to be shown, never logged.
 */
export async function ensureFirstAdmin(db: Database, passwordCost: number, password?: string): Promise<{ username: string; password: string } | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  const created = await new Accounts(db, passwordCost).create(
    { username: 'admin', displayName: 'Node administrator', roles: ['node_admin'], password },
    SYSTEM_ACTOR,
  );
  return { username: 'admin', password: password ?? created.generatedPassword! };
}
