import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Hash, type Range, EMPTY_ROOT, append, consistencyRanges, foldSubtrees, fromHex, inclusionRanges, leafHash,
  subtreesOf, toHex, verifyConsistency, verifyInclusion,
} from '../../src/ledger/merkle.ts';
import { referenceRoot } from './support.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/*
 * The public test vectors of transparency-dev/merkle (testonly/constants.go, proof/verify_test.go):
 * the tree over eight leaves, its root at every size, and proofs whose sizes count from one.
 */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const INCLUSION = [
  { leaf: 1, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { leaf: 6, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { leaf: 2, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CONSISTENCY = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];
const SOME_HASH = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');

/** A log in memory kept as the database keeps it: every complete subtree, made by appends. */
class MemoryLog {
  readonly nodes = new Map<string, Hash>();
  private readonly edge: Hash[] = [];
  size = 0;

  add(leaf: Hash) {
    for (const node of append(this.edge, this.size, leaf)) this.nodes.set(`${node.level}:${node.index}`, node.hash);
    this.size += 1;
  }

  hashOf(range: Range): Hash {
    return foldSubtrees(subtreesOf(range).map((s) => this.nodes.get(`${s.level}:${s.index}`)!));
  }

  root(size: number): Hash {
    return this.hashOf({ start: 0, end: size });
  }

  inclusion(index: number, size: number): Hash[] {
    return inclusionRanges(index, size).map((r) => this.hashOf(r));
  }

  consistency(from: number, to: number): Hash[] {
    return consistencyRanges(from, to).map((r) => this.hashOf(r));
  }
}

function vectorLog(): MemoryLog {
  const log = new MemoryLog();
  for (const leaf of LEAVES) log.add(leafHash(leaf));
  return log;
}

/** One proof with one bit flipped in element i. */
const flipped = (proof: readonly Hash[], i: number): Hash[] => proof.map((h, j) => (j === i ? Uint8Array.from(h, (b, k) => (k === 0 ? b ^ 8 : b)) : h));

describe('RFC 9162 tree against the transparency-dev/merkle test vectors', () => {
  test('leaf hashes and the root at every size, from the empty tree to eight leaves', () => {
    assert.deepEqual(LEAVES.map((leaf) => toHex(leafHash(leaf))), LEAF_HASHES);
    const log = new MemoryLog();
    assert.equal(toHex(log.root(0)), ROOTS[0]);
    for (const [i, leaf] of LEAVES.entries()) {
      log.add(leafHash(leaf));
      assert.equal(toHex(log.root(i + 1)), ROOTS[i + 1], `root of size ${i + 1}`);
    }
    for (let size = 0; size <= 8; size++) assert.equal(toHex(log.root(size)), ROOTS[size], `root of size ${size} read back`);
  });

  test('inclusion proofs are generated as published and verify; every corruption of them fails', () => {
    const log = vectorLog();
    for (const vector of INCLUSION) {
      const index = vector.leaf - 1;
      const root = fromHex(ROOTS[vector.size]!);
      const leaf = leafHash(LEAVES[index]!);
      const proof = vector.proof.map(fromHex);
      assert.deepEqual(log.inclusion(index, vector.size).map(toHex), vector.proof, `proof of ${index} in ${vector.size}`);
      assert.ok(verifyInclusion(index, vector.size, leaf, proof, root));
      const probes: [string, boolean][] = [
        ['index - 1', verifyInclusion(index - 1, vector.size, leaf, proof, root)],
        ['index + 1', verifyInclusion(index + 1, vector.size, leaf, proof, root)],
        ['index ^ 2', verifyInclusion(index ^ 2, vector.size, leaf, proof, root)],
        ['size × 2', verifyInclusion(index, vector.size * 2, leaf, proof, root)],
        ['size / 2', verifyInclusion(index, Math.floor(vector.size / 2), leaf, proof, root)],
        ['wrong leaf', verifyInclusion(index, vector.size, leafHash(new TextEncoder().encode('WrongLeaf')), proof, root)],
        ['empty root', verifyInclusion(index, vector.size, leaf, proof, EMPTY_ROOT)],
        ['random root', verifyInclusion(index, vector.size, leaf, proof, SOME_HASH)],
        ['trailing root', verifyInclusion(index, vector.size, leaf, [...proof, root], root)],
        ['preceding root', verifyInclusion(index, vector.size, leaf, [root, ...proof], root)],
        ['removed component', verifyInclusion(index, vector.size, leaf, proof.slice(0, -1), root)],
        ...proof.map((_, i): [string, boolean] => [`flipped bit in proof[${i}]`, verifyInclusion(index, vector.size, leaf, flipped(proof, i), root)]),
      ];
      if (proof.length > 1) probes.push(['inserted component', verifyInclusion(index, vector.size, leaf, [proof[0]!, SOME_HASH, ...proof.slice(1)], root)]);
      assert.deepEqual(probes.filter(([, passed]) => passed).map(([what]) => what), [], `corrupted proofs of ${index} in ${vector.size} that verified`);
    }
  });

  test('a one-leaf tree has an empty inclusion proof; nothing is included in the empty tree', () => {
    const hash = leafHash(new TextEncoder().encode('data'));
    assert.ok(verifyInclusion(0, 1, hash, [], hash));
    assert.equal(verifyInclusion(0, 1, hash, [], EMPTY_ROOT), false);
    for (const [index, size] of [[0, 0], [1, 0], [2, 1]] as const) assert.equal(verifyInclusion(index, size, SOME_HASH, [], EMPTY_ROOT), false);
  });

  test('consistency proofs are generated as published and verify; every corruption of them fails', () => {
    const log = vectorLog();
    for (const { size1, size2, proof: hex } of CONSISTENCY) {
      const root1 = fromHex(ROOTS[size1]!);
      const root2 = fromHex(ROOTS[size2]!);
      const proof = hex.map(fromHex);
      assert.deepEqual(log.consistency(size1, size2).map(toHex), hex, `proof from ${size1} to ${size2}`);
      assert.ok(verifyConsistency(size1, size2, root1, root2, proof), `from ${size1} to ${size2}`);
      if (proof.length === 0) continue;
      const wrong = fromHex(toHex(SOME_HASH));
      const probes: [string, boolean][] = [
        ['size1 - 1', verifyConsistency(size1 - 1, size2, root1, root2, proof)],
        ['size1 + 1', verifyConsistency(size1 + 1, size2, root1, root2, proof)],
        ['size1 ^ 2', verifyConsistency(size1 ^ 2, size2, root1, root2, proof)],
        ['size2 × 2', verifyConsistency(size1, size2 * 2, root1, root2, proof)],
        ['size2 / 2', verifyConsistency(size1, Math.floor(size2 / 2), root1, root2, proof)],
        ['wrong root1', verifyConsistency(size1, size2, wrong, root2, proof)],
        ['wrong root2', verifyConsistency(size1, size2, root1, wrong, proof)],
        ['swapped roots', verifyConsistency(size1, size2, root2, root1, proof)],
        ['empty proof', verifyConsistency(size1, size2, root1, root2, [])],
        ['trailing root1', verifyConsistency(size1, size2, root1, root2, [...proof, root1])],
        ['trailing root2', verifyConsistency(size1, size2, root1, root2, [...proof, root2])],
        ['preceding root1', verifyConsistency(size1, size2, root1, root2, [root1, ...proof])],
        ['preceding root2', verifyConsistency(size1, size2, root1, root2, [root2, ...proof])],
        ['preceding proof[0]', verifyConsistency(size1, size2, root1, root2, [proof[0]!, ...proof])],
        ['truncated proof', verifyConsistency(size1, size2, root1, root2, proof.slice(0, -1))],
        ...proof.map((_, i): [string, boolean] => [`flipped bit in proof[${i}]`, verifyConsistency(size1, size2, root1, root2, flipped(proof, i))]),
      ];
      assert.deepEqual(probes.filter(([, passed]) => passed).map(([what]) => what), [], `corrupted proofs from ${size1} to ${size2} that verified`);
    }
  });

  test('the edge cases of consistency: the empty tree, equal sizes, time travel, a needless proof', () => {
    const r1 = fromHex(ROOTS[1]!);
    const r2 = fromHex(ROOTS[2]!);
    assert.ok(verifyConsistency(0, 0, r1, r1, []));
    assert.ok(verifyConsistency(0, 1, r1, r2, []));
    assert.ok(verifyConsistency(1, 1, r2, r2, []));
    assert.equal(verifyConsistency(1, 1, r1, r2, []), false);
    assert.equal(verifyConsistency(1, 0, r1, r2, []), false);
    assert.equal(verifyConsistency(2, 1, r1, r2, []), false);
    assert.equal(verifyConsistency(1, 2, r1, r2, []), false);
    assert.equal(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false);
    assert.equal(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false);
    assert.equal(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false);
  });
});

/** Distinct leaves (an index inside each), so that no altered case can pass by an honest coincidence. */
const leavesArbitrary = (max: number) =>
  fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: 1, maxLength: max })
    .map((datas) => datas.map((data, i) => leafHash(Uint8Array.from([...new TextEncoder().encode(`${i}:`), ...data]))));

function logOf(leaves: readonly Hash[]): MemoryLog {
  const log = new MemoryLog();
  for (const leaf of leaves) log.add(leaf);
  return log;
}

describe('properties of the tree, over any sequence of appends', () => {
  test('the root kept by appends is the RFC root at every size', () => {
    fc.assert(
      fc.property(leavesArbitrary(70), (leaves) => {
        const log = logOf(leaves);
        for (let size = 0; size <= leaves.length; size++) assert.equal(toHex(log.root(size)), toHex(referenceRoot(leaves.slice(0, size))));
      }),
      { numRuns: RUNS },
    );
  });

  test('any two sizes m ≤ n: the consistency proof verifies; altered, it fails', () => {
    fc.assert(
      fc.property(
        leavesArbitrary(300).chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat(leaves.length), fc.nat(leaves.length), fc.nat(), fc.nat(leaves.length))),
        ([leaves, a, b, pick, other]) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          const log = logOf(leaves);
          const rootM = referenceRoot(leaves.slice(0, m));
          const rootN = referenceRoot(leaves.slice(0, n));
          const proof = log.consistency(m, n);
          assert.ok(verifyConsistency(m, n, rootM, rootN, proof), `from ${m} to ${n}`);
          if (proof.length > 0) {
            assert.equal(verifyConsistency(m, n, rootM, rootN, flipped(proof, pick % proof.length)), false, 'altered proof element');
            assert.equal(verifyConsistency(m, n, rootM, rootN, proof.slice(1)), false, 'proof element left out');
          }
          if (m > 0 && m < n) {
            // A log that rewrote a leaf before m cannot prove it extends what it published at m.
            const rewritten = [...leaves];
            rewritten[pick % m] = leafHash(new TextEncoder().encode('rewritten'));
            const forged = logOf(rewritten.slice(0, n));
            assert.equal(verifyConsistency(m, n, rootM, forged.root(n), forged.consistency(m, n)), false, 'rewritten history');
          }
          // Any other pair of sizes, each with its own root, refuses a proof that is not empty.
          if (proof.length > 0 && other !== n && other >= m) assert.equal(verifyConsistency(m, other, rootM, referenceRoot(leaves.slice(0, other)), proof), false, `wrong size ${other}`);
          if (proof.length > 0 && other !== m && other <= n) assert.equal(verifyConsistency(other, n, referenceRoot(leaves.slice(0, other)), rootN, proof), false, `wrong size ${other}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('any leaf: its inclusion proof verifies; an altered leaf, proof element, size or index fails', () => {
    fc.assert(
      fc.property(
        leavesArbitrary(300).chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat(leaves.length - 1), fc.integer({ min: 1, max: leaves.length }), fc.nat(), fc.nat(leaves.length - 1))),
        ([leaves, i, sizeSeed, pick, otherIndex]) => {
          const n = Math.max(sizeSeed, i + 1);
          const log = logOf(leaves);
          const root = referenceRoot(leaves.slice(0, n));
          const proof = log.inclusion(i, n);
          assert.ok(verifyInclusion(i, n, leaves[i]!, proof, root), `leaf ${i} in ${n}`);
          assert.equal(verifyInclusion(i, n, leafHash(new TextEncoder().encode('altered')), proof, root), false, 'altered leaf');
          if (proof.length > 0) assert.equal(verifyInclusion(i, n, leaves[i]!, flipped(proof, pick % proof.length), root), false, 'altered proof element');
          const j = otherIndex % n;
          if (j !== i) assert.equal(verifyInclusion(j, n, leaves[i]!, proof, root), false, `wrong index ${j}`);
          const wrongSize = 1 + (pick % leaves.length);
          if (wrongSize !== n && wrongSize > i) assert.equal(verifyInclusion(i, wrongSize, leaves[i]!, proof, referenceRoot(leaves.slice(0, wrongSize))), false, `wrong size ${wrongSize}`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
