import { UserError } from '../ir/errors.js';
import { tensorElementsProblem } from '../ir/limits.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import { UnsupportedModelError } from './errors.js';
import { toNumber, type OnnxTypes } from './proto.js';
import { tensorFromProto } from './tensor-proto.js';

/**
 * The value of an ONNX Constant node, from whichever one of its value attributes it has: `value` (a
 * tensor), `value_float(s)` (float32 scalar / 1-D), `value_int(s)` (int64 scalar / 1-D) or
 * `sparse_value` (a sparse tensor, made dense). String constants are not supported.
 */
export function constantNodeValue(np: OnnxTypes.INodeProto, nodeName: string): Tensor {
  const attrs = np.attribute ?? [];
  const where = `node '${nodeName}' (Constant)`;
  if (attrs.length !== 1) {
    throw new UserError(`${where} has ${attrs.length} attributes; a Constant has exactly one value attribute (value, value_float(s), value_int(s), sparse_value)`);
  }
  const a = attrs[0]!;
  switch (a.name) {
    case 'value':
      if (!a.t) throw new UserError(`${where}: attribute 'value' holds no tensor`);
      return tensorFromProto(a.t, `Constant '${np.output?.[0]}'`);
    case 'value_float':
      return makeTensor('float32', [], [a.f ?? 0]);
    case 'value_floats':
      return makeTensor('float32', [(a.floats ?? []).length], a.floats ?? []);
    case 'value_int':
      return makeTensor('int64', [], [toNumber(a.i)]);
    case 'value_ints': {
      const ints = (a.ints ?? []).map((x) => toNumber(x));
      return makeTensor('int64', [ints.length], ints);
    }
    case 'sparse_value':
      if (!a.sparseTensor) throw new UserError(`${where}: attribute 'sparse_value' holds no sparse tensor`);
      return denseFromSparse(a.sparseTensor, where);
    case 'value_string':
    case 'value_strings':
      throw new UnsupportedModelError(`${where} holds strings (${a.name}); tensorsmith supports numeric and bool tensors only`);
    default:
      throw new UnsupportedModelError(`${where} has attribute '${a.name}', which is not a Constant value attribute tensorsmith knows`);
  }
}

/**
 * A SparseTensorProto made dense: `values` holds the NNZ non-zero values, `indices` either their
 * [NNZ, rank] coordinates or their [NNZ] flat indices into `dims` (row-major).
 */
function denseFromSparse(sp: OnnxTypes.ISparseTensorProto, where: string): Tensor {
  const dims = (sp.dims ?? []).map((d) => toNumber(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new UserError(`${where}: sparse_value dims [${dims.join(', ')}] must be non-negative integers`);
  const tooBig = tensorElementsProblem(dims);
  if (tooBig) throw new UserError(`${where}: sparse_value ${tooBig}`);
  if (!sp.values) throw new UserError(`${where}: sparse_value has no values`);
  const values = tensorFromProto(sp.values, `${where} sparse values`);
  const nnz = values.data.length;
  const indices = sp.indices ? tensorFromProto(sp.indices, `${where} sparse indices`) : makeTensor('int64', [0]);
  const dense = makeTensor(values.dtype, dims);
  const size = sizeOf(dims);
  const coordinates = indices.shape.length === 2;
  if (indices.data.length !== (coordinates ? nnz * dims.length : nnz)) {
    throw new UserError(`${where}: sparse_value has ${nnz} values but indices of shape [${indices.shape.join(', ')}]`);
  }
  for (let k = 0; k < nnz; k++) {
    let flat = 0;
    if (coordinates) {
      for (let d = 0; d < dims.length; d++) {
        const i = indices.data[k * dims.length + d]!;
        if (i < 0 || i >= dims[d]!) throw new UserError(`${where}: sparse_value index ${i} is outside dim ${d} of size ${dims[d]}`);
        flat = flat * dims[d]! + i;
      }
    } else {
      flat = indices.data[k]!;
    }
    if (flat < 0 || flat >= size) throw new UserError(`${where}: sparse_value flat index ${flat} is outside [0, ${size})`);
    dense.data[flat] = values.data[k]!;
  }
  return dense;
}
