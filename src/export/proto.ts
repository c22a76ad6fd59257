// The ONNX protobuf schema, as generated static protobufjs code by the `onnx-proto` package.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** protobufjs decodes int64 fields as Long objects (or numbers); this reads either. */
export function toNumber(x: number | { toNumber(): number } | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}
