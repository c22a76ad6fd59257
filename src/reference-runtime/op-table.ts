/**
 * An explicit table of one implementation per op (CPU kernels, gradients, WebGPU kernels), built
 * from family groups. A second entry for an op is a programming error, so it throws.
 */
export class OpTable<T> {
  private readonly entries = new Map<string, T>();

  /** `what` names the entries in errors ("a CPU kernel"). */
  constructor(
    private readonly what: string,
    groups: readonly Readonly<Record<string, T>>[] = [],
  ) {
    for (const group of groups) for (const [op, entry] of Object.entries(group)) this.register(op, entry);
  }

  register(op: string, entry: T): void {
    if (this.entries.has(op)) throw new Error(`${this.what} for '${op}' is registered twice`);
    this.entries.set(op, entry);
  }

  find(op: string): T | undefined {
    return this.entries.get(op);
  }

  ops(): string[] {
    return [...this.entries.keys()].sort();
  }
}
