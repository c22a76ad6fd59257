import { describe, expect, it } from 'vitest';
import { float16Bits, float16FromBits, roundToFloat16 } from '../../src/ir/float16.js';
import { fromRawBytes, makeTensor, toNativeArray, toRawBytes } from '../../src/ir/tensor.js';

describe('float16', () => {
  it('rounds to the nearest half, ties to even', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1);
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10);
    expect(roundToFloat16(-0.1)).toBe(-0.0999755859375);
    expect(roundToFloat16(1024.5)).toBe(1024);
    expect(roundToFloat16(2049)).toBe(2048);
    expect(roundToFloat16(2051)).toBe(2052);
  });

  it('overflows to infinity from 65520 and keeps subnormals', () => {
    expect(roundToFloat16(65519)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(-1e6)).toBe(-Infinity);
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24);
    expect(roundToFloat16(2 ** -25)).toBe(0);
    expect(roundToFloat16(3 * 2 ** -25)).toBe(2 ** -23);
    expect(roundToFloat16(5 * 2 ** -24)).toBe(5 * 2 ** -24);
    expect(Number.isNaN(roundToFloat16(NaN))).toBe(true);
  });

  it('encodes and decodes the bits of every half', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(2 ** -14)).toBe(0x0400);
    expect(float16Bits(Infinity)).toBe(0x7c00);
    expect(float16Bits(-0)).toBe(0x8000);
    for (let bits = 0; bits < 0x10000; bits++) {
      const x = float16FromBits(bits);
      if (Number.isNaN(x)) continue;
      expect(roundToFloat16(x)).toBe(x);
      expect(float16Bits(x)).toBe(bits);
    }
  });

  it('float16 tensors round on creation and travel as their bits', () => {
    const t = makeTensor('float16', [3], [0.1, 70000, -3.5]);
    expect([...t.data]).toEqual([0.0999755859375, Infinity, -3.5]);
    expect([...toNativeArray(t)]).toEqual([0x2e66, 0x7c00, 0xc300]);
    expect([...fromRawBytes('float16', [3], toRawBytes(t)).data]).toEqual([...t.data]);
  });
});

describe('8- to 64-bit integer tensors', () => {
  it('wrap modulo their width as a C++ conversion does', () => {
    expect([...makeTensor('int8', [4], [127, 128, -129, 300]).data]).toEqual([127, -128, 127, 44]);
    expect([...makeTensor('uint8', [3], [255, 256, -1]).data]).toEqual([255, 0, 255]);
    expect([...makeTensor('int16', [2], [32768, -32769]).data]).toEqual([-32768, 32767]);
    expect([...makeTensor('uint16', [2], [65536, -2]).data]).toEqual([0, 65534]);
    expect([...makeTensor('uint32', [2], [2 ** 32, -1]).data]).toEqual([0, 2 ** 32 - 1]);
  });

  it('round-trip through raw bytes', () => {
    for (const [dtype, values] of [
      ['int8', [-128, 0, 127]],
      ['uint8', [0, 200, 255]],
      ['int16', [-32768, 5, 32767]],
      ['uint16', [0, 40000, 65535]],
      ['uint32', [0, 3e9, 2 ** 32 - 1]],
      ['uint64', [0, 2 ** 40, 2 ** 53]],
    ] as const) {
      const t = makeTensor(dtype, [3], values);
      expect([...fromRawBytes(dtype, [3], toRawBytes(t)).data], dtype).toEqual([...values]);
    }
  });
});
