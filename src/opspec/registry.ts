import { numericFactsProblem } from './numeric.js';
import type { OpSpec } from './spec.js';

/**
 * An explicit registry of operator specs, versioned like ONNX: an op may have several specs, each
 * valid from its `sinceVersion` up to (not including) its `supersededAt`. Registering two specs of
 * one op whose version ranges overlap, or a spec without numeric facts, is a programming error and
 * throws.
 */
export class OpRegistry {
  private readonly specs = new Map<string, OpSpec[]>();

  constructor(specs: readonly OpSpec[] = []) {
    for (const s of specs) this.register(s);
  }

  register(spec: OpSpec): void {
    const problem = numericFactsProblem(spec);
    if (problem) throw new Error(problem);
    const versions = this.specs.get(spec.name) ?? [];
    const end = (s: OpSpec) => s.supersededAt ?? Infinity;
    for (const other of versions) {
      if (spec.sinceVersion < end(other) && other.sinceVersion < end(spec)) {
        throw new Error(`operator '${spec.name}' is registered twice for overlapping opsets (${other.sinceVersion} and ${spec.sinceVersion})`);
      }
    }
    versions.push(spec);
    versions.sort((a, b) => a.sinceVersion - b.sinceVersion);
    this.specs.set(spec.name, versions);
  }

  /** Whether some version of the op is known. */
  has(name: string): boolean {
    return this.specs.has(name);
  }

  /** The spec of the op in force at the opset, if tensorsmith has one. */
  find(name: string, opset: number): OpSpec | undefined {
    return this.specs.get(name)?.find((s) => s.sinceVersion <= opset && opset < (s.supersededAt ?? Infinity));
  }

  get(name: string, opset: number): OpSpec {
    const s = this.find(name, opset);
    if (!s) {
      const known = this.versions(name);
      throw new Error(
        known.length === 0
          ? `no operator spec named '${name}'`
          : `no spec of '${name}' for opset ${opset} (tensorsmith has ${known.map((v) => `${name}-${v.sinceVersion}`).join(', ')})`,
      );
    }
    return s;
  }

  versions(name: string): readonly OpSpec[] {
    return this.specs.get(name) ?? [];
  }

  names(): string[] {
    return [...this.specs.keys()].sort();
  }

  /** Every spec in force at the opset, by op name; or every version of every op without one. */
  all(opset?: number): OpSpec[] {
    return this.names().flatMap((n) => (opset === undefined ? this.versions(n) : (this.find(n, opset) ?? [])));
  }
}
