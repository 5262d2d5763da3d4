import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatShape } from '../../src/tensor/shape.js';
import { parseMxnetParams } from '../../src/weights/mxnet-params.js';
import { expectTensorClose, readGoldenF32 } from '../helpers/golden.js';
import { errorOf } from './expect-error.js';
import { paramsFile, symbolFile } from './model-files.js';
import { f32, ndarrayList, V1, V2, V3 } from './ndarray-list.js';

const realBytes = readFileSync(paramsFile);
const real = parseMxnetParams(realBytes, paramsFile);
const symbol = JSON.parse(readFileSync(symbolFile, 'utf8')) as {
  nodes: Array<{ op: string; name: string; attrs?: Record<string, string> }>;
};


/** The one-line WEIGHTS error parsing `bytes` gives, which must start with the file name. */
function weightsError(bytes: Uint8Array): string {
  const message = errorOf(() => parseMxnetParams(bytes, 'bad.params'));
  expect(message.startsWith('bad.params: ')).toBe(true);
  return message;
}

describe('the real mnet.25 params', () => {
  const variables = symbol.nodes.filter((n) => n.op === 'null' && n.name !== 'data');

  it('hold one tensor per variable of the symbol except data', () => {
    expect(real.params.size).toBe(variables.length);
    expect([...real.params.keys()].sort()).toEqual(variables.map((n) => n.name).sort());
  });

  it('match every __shape__ the symbol records', () => {
    const declared = variables.filter((n) => n.attrs?.__shape__ !== undefined);
    expect(declared.length).toBeGreaterThan(100);
    for (const n of declared) {
      const want = `(${n.attrs!.__shape__.replace(/[()L\s]/g, '').replace(/,$/, '')})`;
      expect(`${n.name} ${formatShape(real.params.get(n.name)!.shape)}`).toBe(`${n.name} ${want}`);
    }
  });

  it('keep BatchNorm moving statistics as aux and everything else as arg', () => {
    for (const name of real.aux.keys()) expect(name).toMatch(/_(running|moving)_(mean|var)$/);
    for (const name of real.arg.keys()) expect(name).not.toMatch(/_(running|moving)_(mean|var)$/);
    expect(real.arg.size + real.aux.size).toBe(real.params.size);
  });

  // The values, checked against golden activations that depend on nothing but the input and them.
  it('reproduce mobilenet0_conv0_fwd from data (3x3, stride 2, pad 1, OIHW weight layout)', () => {
    const x = readGoldenF32('layers-t4-328x168', 'data.npy');
    const want = readGoldenF32('layers-t4-328x168', 'mobilenet0_conv0_fwd.npy');
    const w = real.params.get('mobilenet0_conv0_weight')!; // (OC=8, IC=3, KH=3, KW=3)
    const [, IC, H, W] = x.shape;
    const OC = w.shape[0];
    const [OH, OW] = [Math.floor((H - 1) / 2) + 1, Math.floor((W - 1) / 2) + 1]; // (H + 2·1 − 3) / 2 + 1
    const out = new Float32Array(OC * OH * OW);
    for (let oc = 0; oc < OC; oc++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let acc = 0;
          for (let ic = 0; ic < IC; ic++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const iy = oy * 2 - 1 + ky;
                const ix = ox * 2 - 1 + kx;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                acc += x.data[(ic * H + iy) * W + ix] * w.data[((oc * IC + ic) * 3 + ky) * 3 + kx];
              }
          out[(oc * OH + oy) * OW + ox] = acc;
        }
    expectTensorClose('mobilenet0_conv0_fwd', { shape: [1, OC, OH, OW], data: out }, want);
  });

  it('reproduce mobilenet0_batchnorm0_fwd from the conv output (gamma, beta, running stats, eps 1e-5)', () => {
    const x = readGoldenF32('layers-t4-328x168', 'mobilenet0_conv0_fwd.npy');
    const want = readGoldenF32('layers-t4-328x168', 'mobilenet0_batchnorm0_fwd.npy');
    const p = (s: string) => real.params.get(`mobilenet0_batchnorm0_${s}`)!.data;
    const [gamma, beta, mean, variance] = [p('gamma'), p('beta'), p('running_mean'), p('running_var')];
    const [, C, H, W] = x.shape;
    const out = new Float32Array(x.data.length);
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H * W; i++) {
        const at = c * H * W + i;
        out[at] = ((x.data[at] - mean[c]) / Math.sqrt(variance[c] + 1e-5)) * gamma[c] + beta[c];
      }
    expectTensorClose('mobilenet0_batchnorm0_fwd', { shape: x.shape, data: out }, want);
  });

  it('reproduce face_rpn_bbox_pred_stride32 from rf_c3_det_concat_relu (1x1 conv with bias)', () => {
    const x = readGoldenF32('layers-t4-328x168', 'rf_c3_det_concat_relu.npy');
    const want = readGoldenF32('layers-t4-328x168', 'face_rpn_bbox_pred_stride32.npy');
    const w = real.params.get('face_rpn_bbox_pred_stride32_weight')!; // (OC, IC, 1, 1)
    const b = real.params.get('face_rpn_bbox_pred_stride32_bias')!; // (OC)
    const [, IC, H, W] = x.shape;
    const OC = w.shape[0];
    const out = new Float32Array(OC * H * W);
    for (let oc = 0; oc < OC; oc++)
      for (let i = 0; i < H * W; i++) {
        let acc = b.data[oc];
        for (let ic = 0; ic < IC; ic++) acc += x.data[ic * H * W + i] * w.data[oc * IC + ic];
        out[oc * H * W + i] = acc;
      }
    expectTensorClose('face_rpn_bbox_pred_stride32', { shape: [1, OC, H, W], data: out }, want);
  });
});

describe('small NDArray lists in every version and dtype', () => {
  it('reads V1, V2, V3 and pre-V1 arrays', () => {
    const data = f32([1.5, -2, 3.25, 4, 5, 6]);
    const bytes = ndarrayList(
      [
        { version: V1, shape: [2, 3], typeFlag: 0, data },
        { version: V2, shape: [6], typeFlag: 0, data },
        { version: V3, shape: [3, 2], typeFlag: 0, data },
        { version: 'legacy', shape: [1, 6], typeFlag: 0, data },
      ],
      ['arg:a', 'arg:b', 'aux:c', 'aux:d'],
    );
    const p = parseMxnetParams(bytes, 'small.params');
    expect([...p.arg.keys()]).toEqual(['a', 'b']);
    expect([...p.aux.keys()]).toEqual(['c', 'd']);
    expect(p.params.get('a')!.shape).toEqual([2, 3]);
    expect(p.params.get('c')!.shape).toEqual([3, 2]);
    expect(p.params.get('d')!.shape).toEqual([1, 6]);
    for (const t of p.params.values()) expect([...t.data]).toEqual([1.5, -2, 3.25, 4, 5, 6]);
  });

  it('reads a V3 scalar (ndim 0 is one element in NumPy semantics)', () => {
    const p = parseMxnetParams(ndarrayList([{ version: V3, shape: [], typeFlag: 0, data: f32([7]) }], ['arg:s']), 's.params');
    expect(p.params.get('s')!.shape).toEqual([]);
    expect([...p.params.get('s')!.data]).toEqual([7]);
  });

  const cases: Array<[string, number, Uint8Array, number[]]> = [
    ['float64', 1, new Uint8Array(new Float64Array([0.1, -1e10]).buffer), [Math.fround(0.1), Math.fround(-1e10)]],
    // binary16: 1.0, -2.0, 0.5, 65504 (largest), 2^-24 (smallest subnormal), -0
    ['float16', 2, new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000]).buffer), [1, -2, 0.5, 65504, 2 ** -24, -0]],
    ['uint8', 3, new Uint8Array([0, 255, 7]), [0, 255, 7]],
    ['int32', 4, new Uint8Array(new Int32Array([-5, 2 ** 30]).buffer), [-5, 2 ** 30]],
    ['int8', 5, new Uint8Array(new Int8Array([-128, 127]).buffer), [-128, 127]],
    ['int64', 6, new Uint8Array(new BigInt64Array([-3n, 1n << 40n]).buffer), [-3, 2 ** 40]],
  ];
  for (const [name, typeFlag, data, want] of cases) {
    it(`converts ${name} (type flag ${typeFlag}) to float32`, () => {
      const p = parseMxnetParams(ndarrayList([{ version: V2, shape: [want.length], typeFlag, data }], ['arg:x']), 'x.params');
      expect([...p.params.get('x')!.data]).toEqual(want);
    });
  }
});

describe('corrupt .params files are refused with one line', () => {
  it('truncated anywhere', () => {
    for (const cut of [4, 20, 40, 1000, realBytes.length - 100, realBytes.length - 1]) {
      expect(weightsError(realBytes.subarray(0, cut))).toMatch(/truncated/);
    }
    expect(weightsError(realBytes.subarray(0, 1000))).toMatch(/array #\d+ of 273/);
  });

  it('bad list magic', () => {
    const bytes = Uint8Array.from(realBytes);
    bytes[0] = 0x13;
    expect(weightsError(bytes)).toMatch(/magic 0x113, expected 0x112/);
  });

  it('bad array magic', () => {
    const bytes = Uint8Array.from(realBytes);
    new DataView(bytes.buffer).setUint32(24, 0xdeadbeef, true);
    expect(weightsError(bytes)).toMatch(/bad magic 0xdeadbeef of array #0 of 273/);
  });

  it('unknown type flag', () => {
    const bytes = Uint8Array.from(realBytes);
    // first array: magic(4) stype(4) ndim(4) dim(8) dev_type(4) dev_id(4), then the type flag
    new DataView(bytes.buffer).setInt32(24 + 28, 12, true);
    expect(weightsError(bytes)).toMatch(/array #0 of 273 has type flag 12/);
  });

  it('sparse storage', () => {
    const bytes = Uint8Array.from(realBytes);
    new DataView(bytes.buffer).setInt32(24 + 4, 1, true);
    expect(weightsError(bytes)).toMatch(/array #0 of 273 has row_sparse storage \(type 1\)/);
    const csr = ndarrayList([{ version: V2, storageType: 2, shape: [1], typeFlag: 0, data: f32([1]) }], ['arg:x']);
    expect(weightsError(csr)).toMatch(/csr storage/);
  });

  it('NaN or Inf in a weight, naming the tensor', () => {
    const bytes = Uint8Array.from(realBytes);
    const view = new DataView(bytes.buffer);
    // the first array's data starts after its 32-byte header: (ndim 1, 8-byte dim)
    view.setFloat32(24 + 32 + 4 * 5, NaN, true);
    const first = [...real.params.keys()][0];
    expect(weightsError(bytes)).toBe(`bad.params: tensor ${first} holds NaN at flat index 5 (weights must be finite)`);
    const inf = ndarrayList([{ version: V2, shape: [2], typeFlag: 1, data: new Uint8Array(new Float64Array([1, 1e300]).buffer) }], ['aux:big']);
    expect(weightsError(inf)).toMatch(/tensor big holds Infinity at flat index 1/);
  });

  it('names and arrays that do not pair up', () => {
    const one = { version: V2, shape: [1], typeFlag: 0, data: f32([1]) };
    expect(weightsError(ndarrayList([one, one], ['arg:a']))).toMatch(/2 arrays but 1 names/);
    expect(weightsError(ndarrayList([one], ['a']))).toMatch(/name 'a' of array #0 has neither the arg: nor the aux: prefix/);
    expect(weightsError(ndarrayList([one, one], ['arg:a', 'aux:a']))).toMatch(/tensor a is stored twice/);
  });

  it('an empty array and trailing bytes', () => {
    expect(weightsError(ndarrayList([{ version: V2, shape: [], typeFlag: 0, data: new Uint8Array(0) }], ['arg:e']))).toBe(
      'bad.params: tensor e is an empty NDArray (saved without a shape)',
    );
    const one = ndarrayList([{ version: V2, shape: [1], typeFlag: 0, data: f32([1]) }], ['arg:x']);
    const longer = new Uint8Array(one.length + 3);
    longer.set(one);
    expect(weightsError(longer)).toMatch(/3 unexpected bytes after the last name/);
  });
});
