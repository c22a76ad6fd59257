import { existsSync } from 'node:fs';
import { UserError } from '../ir/errors.js';
import type { BugSignature } from '../oracles/signature.js';
import { writeJsonAtomic } from './atomic.js';
import { FieldReader, isRecord, present } from './fields.js';
import { readJsonFile } from './json-file.js';

export const SIGNATURES_FORMAT = 'tensorsmith.signatures/1';

/** What a campaign says of a bug it found, against the signature database. */
export type BugStatus = 'new' | 'known' | 'regression';
export const BUG_STATUSES: readonly BugStatus[] = ['new', 'known', 'regression'];

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

/** One entry of signatures.json, every field checked: known, merge and fuzz --known copy entries forward. */
function readKnownBug(r: FieldReader, x: unknown, where: string): KnownBug {
  const o = r.object(x, where);
  const str = (key: string) => r.string(o[key], `${where}.${key}`);
  const opt = (key: string) => r.optional(o[key], `${where}.${key}`, (v, w) => r.string(v, w));
  const aliases = r.optional(o.aliases, `${where}.aliases`, (v, w) => r.strings(v, w));
  return {
    class: str('class'),
    family: str('family'),
    ops: r.strings(o.ops, `${where}.ops`),
    pattern: str('pattern'),
    status: r.oneOf(o.status, ['open', 'fixed'] as const, `${where}.status`),
    firstSeen: str('firstSeen'),
    lastSeen: str('lastSeen'),
    ...present('fixedAt', opt('fixedAt')),
    ...present('lastCase', opt('lastCase')),
    ...present('aliases', aliases),
  };
}

/** Reads and checks a signatures.json file: signature hash -> known bug. */
export function readSignaturesFile(path: string): Map<string, KnownBug> {
  const raw = readJsonFile(path);
  const r = new FieldReader(path, 'fix or delete that entry, or the file');
  const o = isRecord(raw) ? raw : r.fail('the file', 'a JSON object (a tensorsmith signature database)', raw);
  r.format(o, SIGNATURES_FORMAT, 'a tensorsmith signature database');
  const entries = Object.entries(r.object(o.signatures, 'signatures'));
  return new Map(entries.map(([hash, bug]) => [hash, readKnownBug(r, bug, `signatures.${JSON.stringify(hash)}`)]));
}

/**
 * The signatures of every bug seen so far, across campaigns: a nightly run reports only bugs not in
 * it, and a bug marked fixed that shows again as a regression. Kept as one JSON file (the campaign
 * folder's signatures.json, or the file --known names) written atomically.
 */
export class SignatureDb {
  /** What is in memory differs from the file at `path` (or there is no file yet). */
  private unsaved: boolean;

  private constructor(
    readonly path: string,
    private readonly bugs: Map<string, KnownBug>,
    onDisk: boolean,
  ) {
    this.unsaved = !onDisk;
  }

  /** Reads the database at `path`; a missing file is an empty database. */
  static open(path: string): SignatureDb {
    const onDisk = existsSync(path);
    return new SignatureDb(path, onDisk ? readSignaturesFile(path) : new Map(), onDisk);
  }

  /** The bug a signature names, directly or as an alias. */
  private find(hash: string): KnownBug | undefined {
    const direct = this.bugs.get(hash);
    if (direct) return direct;
    for (const bug of this.bugs.values()) if (bug.aliases?.includes(hash)) return bug;
    return undefined;
  }

  /** The bugs of tensorsmith's corpus, by signature: a sighting of one is known, by its corpus name. */
  private corpus: ReadonlyMap<string, string> = new Map();

  /** Takes the corpus's signatures (see corpusSignatures) as known bugs. */
  withCorpus(names: ReadonlyMap<string, string>): this {
    this.corpus = names;
    return this;
  }

  /** The corpus entry a signature is, if any. */
  corpusName(hash: string): string | undefined {
    return this.corpus.get(hash);
  }

  /** What a sighting of this signature is: new, a known open bug (in the database or the corpus), or a regression of a fixed one. */
  statusOf(hash: string): BugStatus {
    const known = this.find(hash);
    if (!known) return this.corpus.has(hash) ? 'known' : 'new';
    return known.status === 'fixed' ? 'regression' : 'known';
  }

  /** Records a sighting: a new bug is added, a fixed one reopened. */
  record(signature: Pick<BugSignature, 'class' | 'family' | 'ops' | 'pattern' | 'hash'>, when: string, caseDir?: string): void {
    const known = this.find(signature.hash);
    this.unsaved = true;
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
    this.unsaved = true;
  }

  /** Marks bugs fixed; an unknown hash is a usage error. */
  markFixed(hashes: readonly string[], when: string): void {
    for (const hash of hashes) {
      const known = this.bugs.get(hash);
      if (!known) throw new UserError(`no bug with signature '${hash}' in ${this.path} (see 'tensorsmith known ${this.path}')`);
      known.status = 'fixed';
      known.fixedAt = when;
      this.unsaved = true;
    }
  }

  /** Adds every entry of another database (merging shards): a bug open in either stays open. */
  absorb(other: SignatureDb): void {
    if (other.bugs.size > 0) this.unsaved = true;
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
    writeJsonAtomic(path, { format: SIGNATURES_FORMAT, signatures: Object.fromEntries(this.entries()) });
    if (path === this.path) this.unsaved = false;
  }

  /** Saves to its own file when something changed since it was read or saved (a campaign commits every test). */
  saveChanges(): void {
    if (this.unsaved) this.save();
  }
}
