/**
 * The explain report as one self-contained HTML page (inline CSS, no script, no network) with its
 * PNG figures beside it. Sections follow the seed: input → backbone → FPN → SSH and heads → each
 * stride's anchors and proposals → NMS → time. Each names the original's function and our file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { encodePng } from '../image/encode.js';
import { STAGES } from '../net/stages.js';
import { formatShape } from '../tensor/shape.js';
import type { Figure, Story } from './explain.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const code = (s: string) => `<code>${esc(s)}</code>`;
const fmt = (v: number, d = 1) => v.toFixed(d);

function figure(f: Figure): string {
  return `<figure><img src="${esc(f.file)}" alt="${esc(f.caption)}" width="${f.png.width}" height="${f.png.height}"><figcaption>${esc(f.caption)}</figcaption></figure>`;
}

function table(head: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}

function section(id: string, title: string, sources: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2><p class="src">${sources}</p>${body}</section>`;
}

const about = (name: string) => esc(STAGES.find((s) => s.name === name)!.about);

function alignmentBody(s: Story): string {
  const a = s.alignment;
  const pt = ([x, y]: readonly number[]) => `${fmt(x)}, ${fmt(y)}`;
  const rows = a.faces.map((f, i) => [
    String(i),
    f.landmarks.map(pt).join('; '),
    f.aligned ? f.aligned.matrix.map((v) => fmt(v, 4)).join(', ') : esc(f.alignError ?? ''),
    f.mapped ? f.mapped.map(pt).join('; ') : '',
    f.residual === undefined ? '' : fmt(f.residual, 2),
  ]);
  return `<p>A recognition model (ArcFace and its kin) wants each face in one pose: ${code('estimate_norm')} finds the similarity transform M (rotation, uniform scale, shift) that moves the five landmarks closest, in least squares, onto ArcFace's reference points for a ${a.size}×${a.size} crop, and ${code('cv2.warpAffine')} samples the photo through the inverse of M, bilinear in 1/32 pixel, 0 outside the photo.</p>` +
    `<p>Reference points (left eye, right eye, nose, left and right mouth corner): ${a.reference.map(pt).join('; ')}.</p>` +
    a.figures.map(figure).join('') +
    table(['face', 'landmarks in the photo (x, y)', 'M (row-major 2×3)', 'landmarks in the crop', 'mean distance to the reference (px)'], rows);
}

function html(s: Story): string {
  const steps = new Map(s.plan.steps.map((st) => [st.name, st]));
  const shapeOf = (name: string) => code(formatShape(name === s.plan.input.name ? s.plan.input.shape : steps.get(name)!.shape));
  const convRows = s.plan.steps.flatMap((st) =>
    st.op === 'Convolution' && st.stage === 'backbone'
      ? [[code(st.name), `${st.attrs.kernel.join('×')}${st.attrs.num_group > 1 ? ' depthwise' : ''}`, String(st.attrs.stride[0]), shapeOf(st.name)]]
      : []);
  const merges = [['rf_c3_upsampling', 'crop0', 'rf_c2_lateral_relu', '_plus0'], ['rf_c2_upsampling', 'crop1', 'rf_c1_red_conv_relu', '_plus1']];
  // each SSH module: its three branches, then their concatenation
  const sshRows = s.plan.steps.flatMap((st) => (st.op === 'Concat' && st.stage === 'ssh' ? [...st.inputs, st.name] : []).map((n) => [code(n), shapeOf(n)]));
  const headRows = s.strides.flatMap(({ stride }) =>
    s.descriptor.heads.map((k) => [String(stride), code(`face_rpn_${k}_stride${stride}`), shapeOf(`face_rpn_${k}_stride${stride}`)]));
  // ops that scale the input inside the graph (mnet_cov2's _minus_scalar, _mul_scalar)
  const scaling = s.plan.steps.filter((st) => st.op === '_minus_scalar' || st.op === '_mul_scalar');
  const inputScaling = scaling.length === 0 ? '(no mean, no std)'
    : `; the graph scales it itself: ${scaling.map((st) => `${code(st.name)} (${st.op === '_minus_scalar' ? '−' : '×'} ${st.attrs.scalar})`).join(', then ')}`;
  const hasMask = s.descriptor.heads.includes('type_prob_reshape');
  const o = s.options;
  const sections = [
    section('input', '1. Input', `InsightFace ${code('test.py')} scale rule → ${code('src/detect/scales.ts')} (${code('targetScale')}); ${code('cv2.resize')} INTER_LINEAR → ${code('src/image/resize.ts')}; the tensor → ${code('src/net/input.ts')}`,
      `<p>The photo is ${s.original.width}×${s.original.height}. ${code('im_scale = target_size / min(h, w)')} = ${o.targetSize} / ${Math.min(s.original.width, s.original.height)}, unless ${code('round(im_scale · max(h, w)) > max_size')} (${o.maxSize}), then ${code('max_size / max(h, w)')}: here <b>${fmt(s.scale, 6)}</b>, so the network sees ${s.resized.width}×${s.resized.height}, as ${shapeOf(s.plan.input.name)} float32 RGB 0..255 ${inputScaling}.</p>${figure(s.figures.input)}`),
    section('backbone', '2. Backbone: MobileNet-0.25', `the backbone nodes of ${code(`${s.descriptor.name}-symbol.json`)} (${code('src/net/stages.ts')}) → ${code('src/net/graph.ts')} (plan), ${code('src/ops/convolution.ts')}, ${code('src/ops/batch-norm.ts')}, ${code('src/ops/activation.ts')}`,
      `<p>${about('backbone')}</p>${table(['convolution', 'kernel', 'stride', 'output'], convRows)}${[...s.pyramid].reverse().map((l) => figure(s.features.get(l.backbone)!)).join('')}`),
    section('fpn', '3. Feature pyramid: upsample → Crop → add', `MXNet ${code('UpSampling')}, ${code('Crop')}, ${code('elemwise_add')} → ${code('src/ops/up-sampling.ts')}, ${code('src/ops/crop.ts')}, ${code('src/ops/elemwise-add.ts')}`,
      `<p>${about('fpn')}</p>${table(['upsampled', 'cropped to the lateral', 'lateral', 'sum'], merges.map((m) => m.map((n) => `${code(n)} ${shapeOf(n)}`)))}${['_plus0', '_plus1'].map((n) => figure(s.features.get(n)!)).join('')}`),
    section('ssh', `4. SSH context module and the ${s.descriptor.heads.length} heads`, `the SSH nodes (${code('src/net/stages.ts')}), ${code('face_rpn_*')} → ${code('src/ops/concat.ts')}, ${code('src/ops/reshape.ts')}, ${code('src/ops/softmax.ts')}; the map of stages: ${code('src/net/stages.ts')}`,
      `<p>${about('ssh')}</p>${table(['branch', 'output'], sshRows)}<p>${about('heads')}</p>${table(['stride', 'head', 'shape'], headRows)}${hasMask ? `<p>${esc(s.descriptor.name)} adds a fourth head per stride, ${code('face_rpn_type_prob_reshape_strideS')}, from a second SSH module: three classes per anchor, softmax over the three via the (1, 3, A·H, W) reshape (${code('SoftmaxActivation')} → ${code('src/ops/softmax-activation.ts')}); class 2 is "wears a mask".</p>` : ''}${[...s.pyramid].reverse().map((l) => figure(s.features.get(l.ssh)!)).join('')}`),
    ...s.strides.map((st) => section(`stride${st.stride}`, `5. Stride ${st.stride}: anchors and proposals`,
      `${code('generate_anchors_fpn')} → ${code('src/anchors/generate-anchors.ts')}; ${code('anchors_plane')} → ${code('src/anchors/plane.ts')}; ${code('bbox_pred')}, ${code('clip_boxes')} → ${code('src/anchors/bbox-pred.ts')}; ${code('landmark_pred')} → ${code('src/anchors/landmark-pred.ts')}; the stride loop of ${code('RetinaFace.detect')} → ${code('src/detect/proposals.ts')}`,
      `<p>The score map is ${code(formatShape(st.mapShape))}: channels 0..1 background, 2..3 face, for the anchors of side ${st.anchors.map((a) => `${a.side} px`).join(' and ')} (in network-input pixels) at every cell${hasMask ? `; in the type map, channels 4..5 are the same anchors' mask probabilities` : ''}. Its best cell is (y ${st.best.y}, x ${st.best.x}) with p = ${fmt(st.best.score, 4)}. ${st.proposals} proposals pass ${code(`score >= ${o.threshold}`)} (float32).</p>${st.figures.map(figure).join('')}`)),
    section('nms', '6. NMS and landmarks', `${code('cpu_nms')} (rcnn/cython/cpu_nms.pyx) → ${code('src/anchors/nms.ts')}; the merge in ${code('RetinaFace.detect')} → ${code('src/detect/detect.ts')}`,
      `<p>All strides together give ${s.preNms} proposals, sorted by score; ${code('cpu_nms')} keeps a box unless a kept one overlaps it at IoU ≥ ${o.nmsThreshold} (+1 areas, float32), leaving <b>${s.faces.length}</b> faces; the landmarks${hasMask ? ' and mask probabilities' : ''} follow their boxes.</p>${figure(s.figures.faces)}${hasMask
        ? table(['score', 'box x1, y1, x2, y2', 'mask'], s.faces.map((f) => [fmt(f.score, 4), f.box.map((v) => fmt(v)).join(', '), fmt(f.mask!, 4)]))
        : table(['score', 'box x1, y1, x2, y2'], s.faces.map((f) => [fmt(f.score, 4), f.box.map((v) => fmt(v)).join(', ')]))}`),
    section('align', '7. Aligned faces for recognition', `${code('estimate_norm')}, ${code('norm_crop')} (insightface/utils/face_align.py) → ${code('src/align/face-align.ts')}; skimage ${code('SimilarityTransform.estimate')} (${code('_umeyama')}) → ${code('src/align/umeyama.ts')}; ${code('cv2.warpAffine')} → ${code('src/align/warp-affine.ts')}`,
      alignmentBody(s)),
    section('timing', '8. Time per stage', `backend ${code(s.backend)}, kernel ${code(s.kernel)}; the unfused plan (every BatchNorm its own node) run by ${code('src/net/forward.ts')}, each step timed by its stage (${code('src/net/stages.ts')})`,
      table(['stage', 'ms'], s.timing.map(([what, ms]) => [esc(what), fmt(ms, 1)]))),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RetinaFace explained: ${esc(s.file)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.src{color:#555;font-size:.9em}code{background:#f3f3f3;padding:0 .25em;border-radius:3px;font-size:.9em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #ccc}figcaption{color:#555;font-size:.9em}
</style></head><body>
<h1>RetinaFace ${esc(s.descriptor.name)}, one detection explained</h1>
<p>${esc(s.file)}: ${s.faces.length} faces. Every section names the InsightFace function it follows and the file of retinaface-ts that implements it (paths relative to the repository).</p>
${sections.join('\n')}
</body></html>
`;
}

/** Writes index.html and every figure into `dir`; returns the report's path. */
export function writeReport(s: Story, dir: string): string {
  const figures = [s.figures.input, s.figures.faces, ...s.features.values(), ...s.strides.flatMap((st) => st.figures), ...s.alignment.figures];
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of figures) writeFileSync(join(dir, f.file), encodePng(f.png));
    writeFileSync(join(dir, 'index.html'), html(s));
  } catch (err) {
    throw new RetinaFaceError('IO', `${dir}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return join(dir, 'index.html');
}
