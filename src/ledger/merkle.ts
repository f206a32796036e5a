/**
 * The Merkle tree of RFC 9162 §2.1, as pure functions over hashes in memory: leaf and node hashing,
 * the ranges that inclusion and consistency proofs are made of (§2.1.3.1, §2.1.4.1), their
 * verification (§2.1.3.2, §2.1.4.2), and appending to the right edge of a tree. Sizes and indexes
 * are plain numbers, handled with arithmetic rather than bitwise operators, which stop at 2^31.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export const leafHash = (data: Uint8Array): Hash => createHash('sha256').update(LEAF_PREFIX).update(data).digest();
export const nodeHash = (left: Hash, right: Hash): Hash => createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export const toHex = (hash: Hash) => Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
export const fromHex = (hex: string): Hash => new Uint8Array(Buffer.from(hex, 'hex'));

export function sameHash(a: Hash, b: Hash): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A complete subtree: the 2^level leaves from index × 2^level. Every hash the log stores is one,
 * and every range of the RFC's recursion splits into a few of them.
 */
export interface Subtree {
  level: number;
  index: number;
}

/** Leaves [start, end): a range the RFC's recursion reaches, whose hash a proof carries. */
export interface Range {
  start: number;
  end: number;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees a range splits into, left to right, largest first. Ranges of the RFC's
 * recursion start at a multiple of the power of two at or above their size, so each piece is aligned.
 */
export function subtreesOf(range: Range): Subtree[] {
  const pieces: Subtree[] = [];
  let start = range.start;
  let remaining = range.end - range.start;
  let size = 1;
  let level = 0;
  while (size * 2 <= remaining) {
    size *= 2;
    level += 1;
  }
  for (; remaining > 0; size /= 2, level -= 1) {
    if (size > remaining) continue;
    pieces.push({ level, index: start / size });
    start += size;
    remaining -= size;
  }
  return pieces;
}

/** The hash of a range from those of its complete subtrees (largest first): each splits off the largest power of two. */
export function foldSubtrees(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/** PATH(m, D[0:n]) of §2.1.3.1 as ranges, nearest the leaf first. */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Range[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index - start < k) {
      path.push({ start: start + k, end });
      end = start + k;
    } else {
      path.push({ start, end: start + k });
      start += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[0:n]) of §2.1.4.1 (SUBPROOF with b = true) as ranges, in the order the verifier reads them. */
export function consistencyRanges(from: number, to: number): Range[] {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  const proof: Range[] = [];
  let start = 0;
  let end = to;
  let m = from;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push({ start: start + k, end });
      end = start + k;
    } else {
      proof.push({ start, end: start + k });
      start += k;
      m -= k;
      whole = false;
    }
  }
  // The old tree is a complete subtree of the new one: its hash is the first_hash the verifier holds already.
  if (!whole) proof.push({ start, end });
  return proof.reverse();
}

/**
 * The walk both verifications share (§2.1.3.2 step 4, §2.1.4.2 step 6): `fn` and `sn` climb from
 * the node the path starts at and from the last leaf; each hash of the path is combined on the left
 * or on the right of the running hash. Returns the final `sn` (0 when the path fits the tree), or
 * undefined when the path is longer than the tree is high.
 */
function walk(fn: number, sn: number, path: readonly Hash[], combine: (hash: Hash, onTheLeft: boolean) => void): number | undefined {
  for (const hash of path) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      combine(hash, true);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      combine(hash, false);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn;
}

/** §2.1.3.2: whether `proof` shows the leaf with this hash at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let r = leaf;
  const sn = walk(index, size - 1, proof, (p, onTheLeft) => {
    r = onTheLeft ? nodeHash(p, r) : nodeHash(r, p);
  });
  return sn === 0 && sameHash(r, root);
}

/** §2.1.4.2: whether `proof` shows the tree of `to` leaves with `toRoot` extends the tree of `from` leaves with `fromRoot`. */
export function verifyConsistency(from: number, to: number, fromRoot: Hash, toRoot: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to)) return false;
  // The two cases the RFC's algorithm leaves out: any tree extends the empty one, and a tree only itself.
  if (from === 0) return proof.length === 0;
  if (from === to) return proof.length === 0 && sameHash(fromRoot, toRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Both roots are rebuilt at once: the old one from the hashes on its left only, the new one from all.
  let fr = path[0]!;
  let sr = path[0]!;
  const last = walk(fn, sn, path.slice(1), (c, onTheLeft) => {
    if (onTheLeft) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
  });
  return last === 0 && sameHash(fr, fromRoot) && sameHash(sr, toRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** A subtree hash made by an append, to be stored. */
export interface StoredNode extends Subtree {
  hash: Hash;
}

/**
 * Appends one leaf to a tree of `size` leaves whose right edge is `edge` (the hashes of
 * `subtreesOf({ start: 0, end: size })`, largest first), in place; returns the complete subtrees it
 * completes, the leaf first. Leaf n completes one subtree per trailing one bit of n.
 */
export function append(edge: Hash[], size: number, leaf: Hash): StoredNode[] {
  const made: StoredNode[] = [{ level: 0, index: size, hash: leaf }];
  let hash = leaf;
  let index = size;
  let level = 0;
  while (isOdd(index)) {
    hash = nodeHash(edge.pop()!, hash);
    index = half(index);
    level += 1;
    made.push({ level, index, hash });
  }
  edge.push(hash);
  return made;
}
