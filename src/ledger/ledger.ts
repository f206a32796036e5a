import type { Federation } from '../federation/service.ts';
import type { Database } from '../platform/db/database.ts';
import { integrate } from './sequencer.ts';
import { type SignedTreeHead, latestHead, publishHead } from './tree-head.ts';
import { type WatchOutcome, watchPeers } from './watch.ts';

/** The node's tamper-evident log: what its timers run and what its routes answer from. */
export class Ledger {
  constructor(
    readonly db: Database,
    private readonly federation: Federation,
  ) {}

  /** Adds the records not yet in the log, then signs a tree head if the log (or the signing key) changed. */
  async publish(): Promise<SignedTreeHead> {
    await integrate(this.db);
    return publishHead(this.db, this.federation.keys, this.federation.config.nodeId);
  }

  /** The head published last; the first one is signed on demand. */
  async head(): Promise<SignedTreeHead> {
    return (await latestHead(this.db)) ?? this.publish();
  }

  /** Checks every active peer's log against the heads kept from it. */
  watch(): Promise<WatchOutcome[]> {
    return watchPeers(this.db, this.federation);
  }
}
