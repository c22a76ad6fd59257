import { UserError } from '../ir/errors.js';

/** An ONNX model or tensor uses something tensorsmith does not support. Conformance counts it as skipped. */
export class UnsupportedModelError extends UserError {}
