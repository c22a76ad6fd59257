import type { Model } from '../ir/model.js';
import { hashText } from '../ir/hash.js';
import type { Verdict } from './verdict.js';

/**
 * Strips what varies between two sightings of one bug from an error message: numbers, quoted
 * names, value and node names, paths.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/\/[\w./-]+/g, '<path>')
    .replace(/'[^']*'|"[^"]*"/g, '<name>')
    .replace(/\b(?:in|w|v|p|const|n)\d+(?:_\w+)?\b/g, '<value>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<addr>')
    .replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface BugSignature {
  readonly verdict: string;
  readonly backend: string;
  readonly ops: readonly string[];
  readonly pattern: string;
  /** A short stable hash of the fields above: the case folder's name. */
  readonly hash: string;
}

/**
 * A bug's identity: verdict, SUT, the model's op set and the normalized message. For wrong results
 * the message is not part of it (values differ between sightings); the output's op is.
 */
export function bugSignature(verdict: Verdict, model: Model): BugSignature {
  const ops = [...new Set(model.nodes.map((n) => n.op))].sort();
  const pattern =
    verdict.kind === 'wrong-result' || verdict.kind === 'nan-mismatch' ? verdict.kind : normalizeMessage(verdict.message ?? '');
  const hash = hashText(JSON.stringify([verdict.kind, verdict.backend, ops, pattern])).slice(0, 16);
  return { verdict: verdict.kind, backend: verdict.backend, ops, pattern, hash };
}
