// The worker process that hosts one adapter, so that a SUT's segfault, abort, hang or memory
// blow-up takes down only this process. It answers the parent's requests one at a time.
import type { BackendAdapter } from '../adapter.js';
import { loadAdapterModule } from '../external.js';
import { describeValue } from '../../oracles/adapter-outputs.js';
import { createBuiltinAdapter } from './builtin.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

let adapter: BackendAdapter | undefined;
const prepared = new Map<number, unknown>();
let nextHandle = 1;

function reply(message: WorkerReply): void {
  process.send?.(message);
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.kind) {
    case 'init': {
      const source = request.source;
      // Only the adapter's own module is loaded (see createBuiltinAdapter): an external adapter's
      // worker needs no built-in's package, a built-in's worker none of the others'.
      if ('builtin' in source) adapter = await createBuiltinAdapter(source.builtin);
      else {
        adapter = (await loadAdapterModule(source.module)).find((a) => a.name === source.name);
        if (!adapter) throw new Error(`module ${source.module} has no adapter named '${source.name}'`);
      }
      return { id: request.id, ok: true };
    }
    case 'prepare': {
      const handleId = nextHandle++;
      const p = await adapter!.prepare({ model: request.model, onnx: request.onnx });
      prepared.set(handleId, p);
      const rewrites = adapter!.rewritesOf?.(p);
      return { id: request.id, ok: true, handle: handleId, ...(rewrites ? { rewrites: [...rewrites] } : {}) };
    }
    case 'run': {
      const outputs: unknown = await adapter!.run(prepared.get(request.handle), new Map(request.inputs));
      // Checked in full in the campaign's process (malformedOutputs); here only what the reply needs.
      if (!(outputs instanceof Map)) throw new Error(`the adapter '${adapter!.name}' returned ${describeValue(outputs)} from run(), not a Map of output name to tensor`);
      return { id: request.id, ok: true, outputs: [...outputs] };
    }
    case 'release': {
      const p = prepared.get(request.handle);
      prepared.delete(request.handle);
      await adapter!.release?.(p);
      return { id: request.id, ok: true };
    }
  }
}

// The parent is gone (it ended or was killed): nothing is left to answer.
process.on('disconnect', () => process.exit(0));

process.on('message', (request: WorkerRequest) => {
  handle(request).then(reply, (e: unknown) =>
    reply({ id: request.id, ok: false, error: e instanceof Error ? e.message : String(e), ...(e instanceof Error ? { errorName: e.name } : {}) }),
  );
});
