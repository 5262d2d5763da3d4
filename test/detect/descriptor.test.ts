/**
 * Model descriptors (src/detect/descriptor.ts): each released model is recognised by the SHA-256
 * of its symbol (checked here against node:crypto on the shared files), whatever its path; an
 * edited symbol is one WEIGHTS error naming the checksum and the known models, unless a descriptor
 * is given; a descriptor must match the symbol's outputs; an unknown op is still reported first;
 * the test script's defaults apply unless options override them; faces carry `mask` only from a
 * mask model.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DESCRIPTORS, DEFAULT_DESCRIPTOR, describeModel } from '../../src/detect/descriptor.js';
import { detectFaces } from '../../src/detect/detect.js';
import { resolveOptions } from '../../src/detect/options.js';
import { RetinaFace } from '../../src/detect/retinaface.js';
import { RetinaFaceError } from '../../src/errors.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { modelFromBytes } from '../../src/weights/from-bytes.js';
import { loadModel } from '../../src/weights/load.js';
import { readGolden, readGoldenF32, sharedDir } from '../helpers/golden.js';

const files = (name: string) => ({
  symbol: readFileSync(join(sharedDir, 'models', name, `${name}-symbol.json`), 'utf8'),
  params: new Uint8Array(readFileSync(join(sharedDir, 'models', name, `${name}-0000.params`))),
  name,
});

function errorOf(f: () => unknown): RetinaFaceError {
  try {
    f();
  } catch (err) {
    if (err instanceof RetinaFaceError) return err;
    throw err;
  }
  throw new Error('expected a RetinaFaceError');
}

describe('built-in descriptors', () => {
  for (const name of ['mnet.25', 'mnet_cov2']) {
    it(`${name}: its checksum is the symbol file's sha256, and the model loads as itself`, async () => {
      const d = BUILTIN_DESCRIPTORS.find((x) => x.name === name)!;
      const bytes = readFileSync(join(sharedDir, 'models', name, `${name}-symbol.json`));
      expect(d.symbolSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const model = await loadModel(join(sharedDir, 'models', name));
      expect(model.symbolSha256).toBe(d.symbolSha256);
      expect(describeModel(model)).toBe(d);
    });
  }

  it('mnet.25 is the default; net3 and net3l share the anchor table, differ in landmark_std and the type head', () => {
    const [net3, net3l] = BUILTIN_DESCRIPTORS;
    expect(DEFAULT_DESCRIPTOR).toBe(net3);
    expect([net3.network, net3l.network]).toEqual(['net3', 'net3l']);
    expect(net3l.anchors).toEqual(net3.anchors);
    expect([net3.landmarkStd, net3l.landmarkStd]).toEqual([1, 0.2]);
    expect(net3.heads).not.toContain('type_prob_reshape');
    expect(net3l.heads).toContain('type_prob_reshape');
    expect(net3.defaults).toEqual({ threshold: 0.5, nmsThreshold: 0.4, targetSize: 1024, maxSize: 1980 });
  });
});

describe('models the built-ins do not know', () => {
  // one space more in the JSON: the same network, another checksum
  const edited = { ...files('mnet_cov2'), symbol: files('mnet_cov2').symbol + ' ' };

  it('an edited symbol is one WEIGHTS error naming the checksum and the known models', () => {
    const model = modelFromBytes(edited);
    const err = errorOf(() => describeModel(model));
    expect(err.code).toBe('WEIGHTS');
    expect(err.message).toBe(`mnet_cov2: unknown model (symbol sha256 ${model.symbolSha256.slice(0, 16)}…); known: mnet.25 (net3), mnet_cov2 (net3l); give a descriptor (option descriptor, --descriptor NAME) to say how to decode it`);
  });

  it('a built-in named by the caller decodes it; a name that is not one is an OPTION error', () => {
    const model = modelFromBytes(edited);
    expect(describeModel(model, 'mnet_cov2').name).toBe('mnet_cov2');
    expect(errorOf(() => describeModel(model, 'mnet.50'))).toMatchObject({ code: 'OPTION', message: "option descriptor: 'mnet.50' is not a built-in model (known: mnet.25 (net3), mnet_cov2 (net3l))" });
  });

  it("a descriptor whose heads are not the symbol's outputs is refused, both lists named", async () => {
    const model = await loadModel(join(sharedDir, 'models/mnet.25'));
    const err = errorOf(() => describeModel(model, 'mnet_cov2'));
    expect(err.code).toBe('WEIGHTS');
    expect(err.message).toMatch(/: the symbol's outputs \(face_rpn_cls_prob_reshape_stride32, .*\) are not the heads of mnet_cov2 \(face_rpn_cls_prob_reshape_stride32, face_rpn_bbox_pred_stride32, face_rpn_landmark_pred_stride32, face_rpn_type_prob_reshape_stride32, /);
  });

  it('a descriptor of its own decodes an edited symbol; one without the landmark heads is refused', () => {
    const model = modelFromBytes(edited);
    const own = { ...BUILTIN_DESCRIPTORS[1], name: 'my_cov2', symbolSha256: undefined };
    expect(describeModel(model, own)).toBe(own);
    expect(errorOf(() => describeModel(model, { ...own, heads: ['cls_prob_reshape', 'bbox_pred', 'type_prob_reshape'] }))).toMatchObject({
      code: 'OPTION',
      message: "option descriptor: my_cov2's heads lack landmark_pred: detect needs the face scores, boxes and landmarks of every stride",
    });
  });

  it('an op the engine does not know is reported before the unknown checksum, naming op and node', () => {
    const symbol = JSON.parse(files('mnet.25').symbol);
    symbol.nodes.find((n: { op: string }) => n.op === 'Activation').op = 'LeakyReLU';
    const model = modelFromBytes({ ...files('mnet.25'), symbol: JSON.stringify(symbol) });
    expect(errorOf(() => describeModel(model))).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/^\[LeakyReLU mobilenet0_relu0_fwd\] op 'LeakyReLU' is not supported/) });
  });

  it('RetinaFace.fromFiles takes the descriptor option', async () => {
    await expect(RetinaFace.fromFiles(edited, { backend: 'cpu' })).rejects.toThrow(/unknown model/);
    const detector = await RetinaFace.fromFiles(edited, { backend: 'cpu', descriptor: 'mnet_cov2' });
    expect(detector.descriptor.name).toBe('mnet_cov2');
    detector.dispose();
  });
});

describe("the test script's defaults, and the mask score", () => {
  it("options override the model's defaults", () => {
    const cov2 = BUILTIN_DESCRIPTORS[1].defaults;
    expect(resolveOptions({}, cov2)).toMatchObject({ threshold: 0.8, targetSize: 640, maxSize: 1080 });
    expect(resolveOptions({ threshold: 0.3, maxSize: 2000 }, cov2)).toMatchObject({ threshold: 0.3, targetSize: 640, maxSize: 2000 });
  });

  it('mnet.25 faces have no mask field (heads-t1, golden heads)', async () => {
    const heads = new Map<string, Tensor>(HEAD_NAMES.map((n) => {
      const a = readGoldenF32('heads-t1', `${n}.npy`);
      return [n, tensor(a.shape, a.data)];
    }));
    const p = readGolden('heads-t1', 'pixels.npy');
    const faces = await detectFaces(async () => heads, { data: p.data as Uint8Array, width: p.shape[1], height: p.shape[0] }, resolveOptions());
    expect(faces).toHaveLength(6);
    for (const face of faces) expect('mask' in face).toBe(false);
  });
});
