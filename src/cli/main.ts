import { Command, Option } from 'commander';
import { Accounts } from '../identity/accounts.ts';
import { ROLES, type Role, isRole } from '../identity/roles.ts';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { ConfigError, type NodeConfig, loadConfig } from '../platform/config.ts';
import { backup, restore } from '../platform/db/backup.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openDatabase } from '../platform/db/open.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { MIGRATIONS } from '../node/migrations.ts';
import { VERSION } from '../node/app.ts';
import { startNode } from '../node/start.ts';
import { demoTable, startDemo } from '../node/demo.ts';
import { progressPrinter } from './progress.ts';
import { verifyBundle } from '../evidence/verify-bundle.ts';
import { exportBundle } from './export.ts';

const program = new Command('entraide')
  .description('Entraide: a node of the federation for cross-border cooperation against cybercrime')
  .version(VERSION);

const configOption = () => new Option('-c, --config <file>', 'JSON configuration file (see README)');

function configFrom(options: { config?: string; port?: string }): NodeConfig {
  return loadConfig({ file: options.config, overrides: options.port ? { port: Number(options.port) } : {} });
}

/** Opens and migrates the configured node's database for a command run beside the node. */
async function withDatabase<T>(options: { config?: string }, work: (db: Database, config: NodeConfig) => Promise<T>): Promise<T> {
  const config = configFrom(options);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db, MIGRATIONS);
    return await work(db, config);
  } finally {
    await db.close();
  }
}

/** Ctrl-C or a service manager's SIGTERM: close cleanly, then exit. */
function stopOnSignal(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const node = program.command('node').description('run a node');
node
  .command('start')
  .description('start one node: embedded database under ./data/<node-id>/ unless DATABASE_URL is set')
  .addOption(configOption())
  .option('-p, --port <port>', 'port to listen on (default 4100, or PORT)')
  .action(async (options: { config?: string; port?: string }) => {
    const config = configFrom(options);
    const running = await startNode(config, { adminPassword: process.env.ENTRAIDE_ADMIN_PASSWORD });
    const lines = [`Entraide node ${config.nodeId} (${config.state}) is up at ${running.url}`, `Sign in at ${running.url}/login`];
    if (running.firstAdmin) {
      lines.push(
        'First start: an administrator account was created.',
        `  username: ${running.firstAdmin.username}`,
        `  password: ${running.firstAdmin.password}`,
        'This password is shown once and stored only as a hash: keep it somewhere safe.',
      );
    }
    process.stderr.write(`\n${lines.join('\n')}\n\n`);
    stopOnSignal(() => running.close());
  });

program
  .command('demo')
  .description('start the demo federation on loopback: States A and B (police, 24/7 point, central authority) and a provider, from port 4100')
  .option('-d, --data <dir>', 'where the demo nodes keep their data', 'data')
  .action(async (options: { data: string }) => {
    process.stderr.write('Starting the demo federation (seven nodes; the first start takes a little longer)…\n');
    const demo = await startDemo(options.data);
    process.stdout.write(`\n${demoTable(demo.nodes)}\n\n`);
    stopOnSignal(() => demo.stop());
  });

program
  .command('migrate')
  .description('apply the database migrations not yet applied (running it twice changes nothing)')
  .addOption(configOption())
  .action(async (options: { config?: string }) => {
    const config = configFrom(options);
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const applied = await migrate(db, MIGRATIONS);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
    } finally {
      await db.close();
    }
  });

const user = program.command('user').description('manage accounts from the node host');
user
  .command('add')
  .description('create an account; the password is read from standard input with --password-stdin, otherwise generated and shown once')
  .addOption(configOption())
  .requiredOption('-u, --username <name>', 'username')
  .option('-n, --display-name <name>', 'name shown to others (default: the username)')
  .option('-e, --email <address>', 'e-mail address')
  .addOption(new Option('-r, --role <role...>', 'one or more roles').choices(ROLES).makeOptionMandatory())
  .option('--password-stdin', 'read the password from standard input')
  .action(async (options: { config?: string; username: string; displayName?: string; email?: string; role: string[]; passwordStdin?: boolean }) => {
    const roles = options.role.filter(isRole) as Role[];
    const password = options.passwordStdin ? await readStdin() : undefined;
    await withDatabase(options, async (db, config) => {
      const accounts = new Accounts(db, config.passwordCost);
      const { user: created, generatedPassword } = await accounts.create(
        { username: options.username, displayName: options.displayName ?? options.username, email: options.email ?? null, password, roles },
        { ...SYSTEM_ACTOR, name: 'command line' },
      );
      console.log(`created ${created.username} (${created.roles.join(', ')}) with id ${created.id}`);
      if (generatedPassword) console.log(`password (shown once): ${generatedPassword}`);
    });
  });

program
  .command('backup')
  .description('write a consistent backup of the node database to FILE (gzip-compressed JSON lines)')
  .argument('<file>', 'where to write the backup')
  .addOption(configOption())
  .action(async (file: string, options: { config?: string }) => {
    await withDatabase(options, async (db) => {
      const { rows } = await backup(db, file);
      console.log(`backed up ${rows} rows to ${file}`);
    });
  });

program
  .command('restore')
  .description('restore a backup into an empty node database (wipe the data directory or database first)')
  .argument('<file>', 'a file written by entraide backup')
  .addOption(configOption())
  .action(async (file: string, options: { config?: string }) => {
    await withDatabase(options, async (db) => {
      const { rows } = await restore(db, file);
      console.log(`restored ${rows} rows from ${file}`);
    });
  });

program
  .command('export')
  .description("fetch a request's or a case's evidence bundle from a running node, signed in as a user whose password is read from standard input")
  .requiredOption('--node <url>', "the node's URL, e.g. http://127.0.0.1:4100")
  .requiredOption('-u, --username <name>', 'an account allowed to export evidence (an investigator, a central authority officer…)')
  .option('--otp <code>', 'the one-time code, for an account with a second factor')
  .addOption(new Option('--request <id>', 'the request whose files to export').conflicts('case'))
  .addOption(new Option('--case <id>', 'the case whose requests\' files to export'))
  .requiredOption('-o, --out <file>', 'where to write the bundle (check it with entraide verify)')
  .action(async (options: { node: string; username: string; otp?: string; request?: string; case?: string; out: string }) => {
    const id = options.request ?? options.case;
    if (!id) throw new Error('say what to export: --request ID or --case ID');
    const subject = { type: options.request ? 'request' as const : 'case' as const, id };
    const size = await exportBundle({ ...options, password: await readStdin(), subject });
    console.log(`exported ${subject.type} ${id} to ${options.out} (${size} bytes)`);
  });

program
  .command('verify')
  .description('check an evidence bundle offline: every file, custody and audit record, proof and signature; exits non-zero on any failure')
  .argument('<bundle>', 'a ZIP exported by a node (GET /api/v1/requests/:id/export)')
  .option('-k, --key <fingerprint>', "the node's key fingerprint, as its administrator gave it to you out of band")
  .option('--progress', 'show progress whatever the size (shown anyway from 64 MiB)')
  .action(async (bundle: string, options: { key?: string; progress?: boolean }) => {
    const outcome = await verifyBundle(bundle, { fingerprint: options.key, progress: await progressPrinter(bundle, options.progress === true) });
    for (const note of outcome.notes) console.log(`note: ${note}`);
    for (const failure of outcome.failures) console.log(`FAIL ${failure.where}: ${failure.check}: ${failure.detail}`);
    const { files, custodyRecords, auditRecords, messages } = outcome.counts;
    const checked = `${files} files, ${custodyRecords} custody records, ${auditRecords} audit records, ${messages} messages`;
    if (outcome.failures.length > 0) {
      console.log(`${bundle} does NOT verify: ${outcome.failures.length} failed checks (${checked})`);
      process.exitCode = 1;
    } else {
      console.log(`${bundle} verifies: ${checked}`);
    }
  });

try {
  await program.parseAsync();
} catch (error) {
  const message = error instanceof ConfigError || error instanceof HttpProblem ? error.message : (error as Error).message;
  console.error(`entraide: ${message}`);
  process.exit(1);
}
