import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../src/backends/adapter.js';
import { isCapabilityGap } from '../../src/backends/capability.js';
import { SutError } from '../../src/backends/isolation/isolated-adapter.js';

describe('capability gaps', () => {
  it.each([
    "[ONNXRuntimeError] : 9 : NOT_IMPLEMENTED : Could not find an implementation for Relu(14) node with name 'n3_Relu'",
    "Could not find an implementation for Where(16) node with name 'n1'",
    "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: transformer_memcpy.cc:254 !node_provider_type.empty() was false. Provider type for Abs node with name 'n0_Abs' is not set.",
    "'Erf' not yet implemented or not found in the registry. This kernel may not be supported by the tfjs backend you have chosen",
    'BatchMatMul for non non-float32 tensors not yet supported.',
    'Unsupported data type int64',
    'Neg is not implemented for int32',
    // onnxruntime-web's WebGPU provider, on a 3-D ConvTranspose and a rank-3 linear Resize
    "failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: Non-zero status code returned while running ConvTranspose node. Name:'n4' Status Message: Only Conv2d or Conv1d are supported.",
    "Non-zero status code returned while running Conv node. Name:'n5_Conv_token_1' Status Message: Conv3D does not support grouped convolution (group=4).",
    'resize_impl.cc:588 Status onnxruntime::webgpu::ResizeImpl(...) is_2D || is_3D was false. Only bilinear/trilinear and bicubic modes are supported in Resize',
  ])('are what SUTs say when they lack something: %s', (message) => {
    expect(isCapabilityGap(new Error(message))).toBe(true);
    expect(isCapabilityGap(message)).toBe(true);
  });

  it('include an adapter\'s UnsupportedError, in this process or carried back from a worker', () => {
    expect(isCapabilityGap(new UnsupportedError('no int8 kernels'))).toBe(true);
    expect(isCapabilityGap(new SutError('no int8 kernels', 'UnsupportedError'))).toBe(true);
  });

  it('are not crashes, wrong shapes or other errors', () => {
    for (const message of [
      'faulty-ops died (signal SIGABRT)',
      '[ONNXRuntimeError] : 1 : FAIL : Non-zero status code returned while running Add node',
      'Transpose kernel: no tile plan for permutation [1, 0] of shape [2, 3]',
      'WebGPU validation error: Error while parsing WGSL: type mismatch',
      'failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: Unsupported OrtValue type.',
      'Only the first output is correct',
      // An output the optimizer lost (onnxruntime's FastGelu fusion with its Pow's value a graph output).
      "Can't access output tensor data on index 0. ERROR_CODE: 9, ERROR_MESSAGE: Reading data from non-tensor typed value is not supported.",
    ]) {
      expect(isCapabilityGap(new Error(message))).toBe(false);
    }
    expect(isCapabilityGap(new SutError('boom', 'Error'))).toBe(false);
  });
});
