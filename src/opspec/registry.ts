import type { OpSpec } from './spec.js';

/** An explicit registry of operator specs. Registering a name twice is a programming error and throws. */
export class OpRegistry {
  private readonly specs = new Map<string, OpSpec>();

  constructor(specs: readonly OpSpec[] = []) {
    for (const s of specs) this.register(s);
  }

  register(spec: OpSpec): void {
    if (this.specs.has(spec.name)) throw new Error(`operator '${spec.name}' is registered twice`);
    this.specs.set(spec.name, spec);
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  get(name: string): OpSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`no operator spec named '${name}'`);
    return s;
  }

  find(name: string): OpSpec | undefined {
    return this.specs.get(name);
  }

  names(): string[] {
    return [...this.specs.keys()].sort();
  }

  all(): OpSpec[] {
    return this.names().map((n) => this.get(n));
  }
}
