import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { UserError } from '../ir/errors.js';
import { stableStringify } from '../ir/json.js';
import type { BugSignature } from '../oracles/signature.js';

/** What a campaign says of a bug it found, against the signature database. */
export type BugStatus = 'new' | 'known' | 'regression';

export interface KnownBug {
  /** The bug class and SUT family of its signature (see BugSignature). */
  readonly class: string;
  readonly family: string;
  readonly ops: readonly string[];
  readonly pattern: string;
  /** open: still seen or not yet fixed; fixed: marked fixed by a person (`tensorsmith known --fixed`). */
  status: 'open' | 'fixed';
  readonly firstSeen: string;
  lastSeen: string;
  fixedAt?: string;
  /** The case folder where it was last seen, for people. */
  lastCase?: string;
  /** Signatures of other reduced tests found to be this bug (the same error, reduced around another op). */
  aliases?: string[];
}

/**
 * The signatures of every bug seen so far, across campaigns: a nightly run reports only bugs not in
 * it, and a bug marked fixed that shows again as a regression. Kept as one JSON file (the campaign
 * folder's signatures.json, or the file --known names) written atomically.
 */
export class SignatureDb {
  private constructor(
    readonly path: string,
    private readonly bugs: Map<string, KnownBug>,
  ) {}

  /** Reads the database at `path`; a missing file is an empty database. */
  static open(path: string): SignatureDb {
    if (!existsSync(path)) return new SignatureDb(path, new Map());
    let raw: { format?: unknown; signatures?: unknown };
    try {
      raw = JSON.parse(readFileSync(path, 'utf8')) as typeof raw;
    } catch (e) {
      throw new UserError(`the signature database ${path} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
    if (raw.format !== 'tensorsmith.signatures/1' || typeof raw.signatures !== 'object' || raw.signatures === null) {
      throw new UserError(`${path} is not a tensorsmith signature database (format tensorsmith.signatures/1)`);
    }
    return new SignatureDb(path, new Map(Object.entries(raw.signatures as Record<string, KnownBug>)));
  }

  /** The bug a signature names, directly or as an alias. */
  private find(hash: string): KnownBug | undefined {
    const direct = this.bugs.get(hash);
    if (direct) return direct;
    for (const bug of this.bugs.values()) if (bug.aliases?.includes(hash)) return bug;
    return undefined;
  }

  /** What a sighting of this signature is: new, a known open bug, or a regression of a fixed one. */
  statusOf(hash: string): BugStatus {
    const known = this.find(hash);
    if (!known) return 'new';
    return known.status === 'fixed' ? 'regression' : 'known';
  }

  /** Records a sighting: a new bug is added, a fixed one reopened. */
  record(signature: Pick<BugSignature, 'class' | 'family' | 'ops' | 'pattern' | 'hash'>, when: string, caseDir?: string): void {
    const known = this.find(signature.hash);
    if (known) {
      known.lastSeen = when;
      if (known.status === 'fixed') known.status = 'open';
      if (caseDir) known.lastCase = caseDir;
      return;
    }
    const { family, ops, pattern } = signature;
    this.bugs.set(signature.hash, { class: signature.class, family, ops, pattern, status: 'open', firstSeen: when, lastSeen: when, ...(caseDir ? { lastCase: caseDir } : {}) });
  }

  /** Records that signature `alias` names the bug recorded as `of` (a no-op when `of` is unknown). */
  alias(of: string, alias: string): void {
    const bug = this.bugs.get(of);
    if (!bug || of === alias || bug.aliases?.includes(alias)) return;
    (bug.aliases ??= []).push(alias);
  }

  /** Marks bugs fixed; an unknown hash is a usage error. */
  markFixed(hashes: readonly string[], when: string): void {
    for (const hash of hashes) {
      const known = this.bugs.get(hash);
      if (!known) throw new UserError(`no bug with signature '${hash}' in ${this.path} (see 'tensorsmith known ${this.path}')`);
      known.status = 'fixed';
      known.fixedAt = when;
    }
  }

  /** Adds every entry of another database (merging shards): a bug open in either stays open. */
  absorb(other: SignatureDb): void {
    for (const [hash, bug] of other.bugs) {
      const mine = this.bugs.get(hash);
      if (!mine) this.bugs.set(hash, { ...bug, ...(bug.aliases ? { aliases: [...bug.aliases] } : {}) });
      else {
        if (bug.lastSeen > mine.lastSeen) mine.lastSeen = bug.lastSeen;
        if (bug.status === 'open') mine.status = 'open';
        for (const a of bug.aliases ?? []) this.alias(hash, a);
      }
    }
  }

  entries(): [string, KnownBug][] {
    return [...this.bugs].sort((a, b) => a[0].localeCompare(b[0]));
  }

  save(path = this.path): void {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, stableStringify({ format: 'tensorsmith.signatures/1', signatures: Object.fromEntries(this.entries()) }));
    renameSync(tmp, path);
  }
}
