/**
 * Where sharing hooks into the stores: an add calls the hook of the node that adds, in its own
 * transaction, so that what is queued to subscribers commits or rolls back with the add. Hooks are
 * kept per node id because one process may run several nodes (tests, demo federations).
 */
import type { Queryable } from '../../platform/db/database.ts';
import type { StixObject } from '../stix/validate.ts';
import type { SharedWallet } from './messages.ts';

export interface ProducedObject {
  /** The node that created the object, kept when it is shared again. */
  producer: string;
  object: StixObject;
}

export interface SharingHooks {
  objectsAdded(tx: Queryable, collectionId: string, objects: readonly ProducedObject[]): Promise<void>;
  walletAdded(tx: Queryable, wallet: SharedWallet): Promise<void>;
}

const hooks = new Map<string, SharingHooks>();

export function installSharingHooks(nodeId: string, sharing: SharingHooks): () => void {
  hooks.set(nodeId, sharing);
  return () => {
    if (hooks.get(nodeId) === sharing) hooks.delete(nodeId);
  };
}

export const sharingHooksOf = (nodeId: string): SharingHooks | undefined => hooks.get(nodeId);
