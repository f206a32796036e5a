/**
 * One small interface over the two PostgreSQL engines a node can run on:
 * PGlite embedded in the process (the default) or a PostgreSQL server.
 * Capabilities only ever see `Database` and `Queryable`.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  /** One statement, with positional parameters ($1, $2, …). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** A script of several statements, without parameters (migrations, schema resets). */
  exec(sql: string): Promise<void>;
}

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: { isolation?: Isolation }): Promise<T>;
  close(): Promise<void>;
}

export function isolationStatement(isolation: Isolation | undefined): string | undefined {
  return isolation ? `SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}` : undefined;
}
