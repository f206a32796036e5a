import { migrationsIn } from '../platform/db/migrate.ts';

/** Every capability's migrations, in the order their tables depend on each other. */
export const MIGRATIONS = [
  ...migrationsIn('audit', new URL('../audit/migrations/', import.meta.url)),
  ...migrationsIn('identity', new URL('../identity/migrations/', import.meta.url)),
  ...migrationsIn('federation', new URL('../federation/migrations/', import.meta.url)),
  ...migrationsIn('ledger', new URL('../ledger/migrations/', import.meta.url)),
  ...migrationsIn('prevention', new URL('../prevention/migrations/', import.meta.url)),
  ...migrationsIn('requests', new URL('../requests/migrations/', import.meta.url)),
  ...migrationsIn('evidence', new URL('../evidence/migrations/', import.meta.url)),
  ...migrationsIn('statistics', new URL('../statistics/migrations/', import.meta.url)),
  ...migrationsIn('intelligence', new URL('../intelligence/migrations/', import.meta.url)),
  ...migrationsIn('observatory', new URL('../observatory/migrations/', import.meta.url)),
];
