/**
 * `retinaface train-targets --image FILE --gt GT.json|label.txt [--pre-scale S --up U --left L |
 * --seed N] [--flip] [--out DIR] [--loss] [--model DIR]`: one training sample as the original's data
 * loader makes it — the 640×640 crop (`get_crop_image1`), its kept faces, and the anchor labels and
 * regression targets (`assign_anchor_fpn`) — with the crop's draws given or drawn from a seed.
 *
 * Prints the draws, the faces kept and the label counts per stride; `--loss` runs the network on the
 * crop and prints OHEM counts and the three losses per stride. `--out DIR` writes `crop.npy` (the
 * network input), `boxes.npy`, `landmarks.npy`, `im_scale.npy`, every `face_*` target under the
 * original's name, and `crop.png`: kept boxes (white where the landmarks are missing), landmarks, and
 * the positive anchors in one colour per stride with a legend (draw-crop.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ANCHOR_CONFIG } from '../anchors/config.js';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { decodeImage } from '../image/decode.js';
import type { RgbImage } from '../image/rgb-image.js';
import { writeNpyFloat32 } from '../tensor/npy.js';
import { assignAnchorFpn, positiveAnchors } from '../train/assign-anchor-fpn.js';
import { TRAIN_CONFIG } from '../train/config.js';
import { drawTrainingCrop } from '../train/draw-crop.js';
import { cropGtLabel, cropInput, cropSample, randomCropSample, type CropParams, type CropSample } from '../train/crop.js';
import { groundTruthFromLabelLines, parseGtJson, parseLabelTxt, type GroundTruth } from '../train/ground-truth.js';
import { cropLosses } from '../train/crop-losses.js';
import { loadModel } from '../weights/load.js';
import { numberValue, parseArgs, type ParsedArgs } from './args.js';

const COMMAND = 'train-targets';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(COMMAND, argv, {
    values: ['image', 'gt', 'pre-scale', 'up', 'left', 'seed', 'out', 'model'],
    switches: ['flip', 'loss'],
  });
  if (args.positionals.length > 0) throw new RetinaFaceError('USAGE', `${COMMAND}: unexpected argument '${args.positionals[0]}'`);
  const imagePath = required(args, 'image');
  const gtPath = required(args, 'gt');
  if (args.values.has('model') && !args.switches.has('loss')) {
    throw new RetinaFaceError('USAGE', `${COMMAND}: --model is only used with --loss`);
  }

  const image = decodeImage(readFileChecked(imagePath), { where: imagePath });
  const gt = readGroundTruth(gtPath, imagePath, image);
  const flip = args.switches.has('flip');
  const draws = cropDraws(args);
  const crop: CropSample & CropParams =
    'seed' in draws ? randomCropSample(image, gt, draws.seed, { flip }) : { ...cropSample(image, gt, { ...draws, flip }), ...draws, flip };
  const targets = assignAnchorFpn(cropGtLabel(crop), { height: TRAIN_CONFIG.SIZE, width: TRAIN_CONFIG.SIZE });

  const seedText = 'seed' in draws ? `seed ${draws.seed}: ` : '';
  const kept = crop.boxes.length / 4;
  process.stdout.write(
    `${imagePath}: ${seedText}pre-scale ${crop.preScale}, up ${crop.up}, left ${crop.left}${flip ? ', flipped' : ''}; ` +
      `im_scale ${crop.imScale.toPrecision(7)}; ${kept} of ${gt.boxes.length / 4} faces kept in the ${TRAIN_CONFIG.SIZE}x${TRAIN_CONFIG.SIZE} crop\n`,
  );
  for (const { stride } of ANCHOR_CONFIG) {
    const labels = targets.get(`face_label_stride${stride}`)!.data;
    const count = (v: number) => labels.filter((l) => l === v).length;
    process.stdout.write(`  stride ${String(stride).padStart(2)}: ${count(1)} positive, ${count(0)} negative, ${count(-1)} ignored anchors\n`);
  }

  const input = cropInput(crop);
  const outDir = args.values.get('out');
  if (outDir !== undefined) {
    const files: [string, Uint8Array][] = [
      ['crop.npy', writeNpyFloat32(input.shape, input.data)],
      ['boxes.npy', writeNpyFloat32([kept, 4], crop.boxes)],
      ['landmarks.npy', writeNpyFloat32([kept, 5, 3], crop.landmarks)],
      ['im_scale.npy', writeNpyFloat32([1], Float32Array.of(crop.imScale))],
      ...[...targets].map(([name, t]): [string, Uint8Array] => [`${name}.npy`, writeNpyFloat32(t.shape, t.data)]),
      ['crop.png', drawTrainingCrop(crop, positiveAnchors(targets, { height: TRAIN_CONFIG.SIZE, width: TRAIN_CONFIG.SIZE }))],
    ];
    try {
      mkdirSync(outDir, { recursive: true });
      for (const [name, bytes] of files) writeFileSync(join(outDir, name), bytes);
    } catch (err) {
      throw new RetinaFaceError('IO', `${outDir}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    process.stdout.write(`wrote ${files.length} files to ${outDir}\n`);
  }
  if (args.switches.has('loss')) {
    for (const l of await cropLosses(await loadModel(args.values.get('model')), input, targets)) {
      process.stdout.write(
        `  loss stride ${String(l.stride).padStart(2)}: OHEM ${l.nFg} faces of ${l.nValid} anchors; ` +
          `cls ${l.clsLoss.toPrecision(6)}, bbox ${l.bboxLoss.toPrecision(6)}, landmark ${l.landmarkLoss.toPrecision(6)}\n`,
      );
    }
  }
  return 0;
}

function required(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined) throw new RetinaFaceError('USAGE', `${COMMAND}: --${name} is required`);
  return value;
}

/** Either all of --pre-scale, --up, --left, or --seed (default 0). */
function cropDraws(args: ParsedArgs): { preScale: number; up: number; left: number } | { seed: number } {
  const given = ['pre-scale', 'up', 'left'].filter((name) => args.values.has(name));
  const seed = numberValue(COMMAND, args, 'seed');
  if (given.length === 0) {
    if (seed !== undefined && !Number.isInteger(seed)) throw new RetinaFaceError('USAGE', `${COMMAND}: --seed must be an integer, got ${seed}`);
    return { seed: seed ?? 0 };
  }
  if (seed !== undefined) throw new RetinaFaceError('USAGE', `${COMMAND}: give either --seed or --pre-scale/--up/--left, not both`);
  if (given.length < 3) throw new RetinaFaceError('USAGE', `${COMMAND}: --pre-scale, --up and --left go together (got only ${given.map((g) => `--${g}`).join(', ')})`);
  return { preScale: numberValue(COMMAND, args, 'pre-scale')!, up: numberValue(COMMAND, args, 'up')!, left: numberValue(COMMAND, args, 'left')! };
}

/**
 * GT.json (starts with '[') or a RetinaFace label.txt (starts with '#'); from a label.txt, the entry
 * whose name the image path ends with, or has the image's file name, or the only entry.
 */
function readGroundTruth(gtPath: string, imagePath: string, image: RgbImage): GroundTruth {
  const text = new TextDecoder().decode(readFileChecked(gtPath));
  const start = text.trimStart()[0];
  if (start === '[') return parseGtJson(text, gtPath);
  if (start !== '#') throw new RetinaFaceError('IO', `${gtPath}: neither GT.json (a JSON array) nor a label.txt ('# name' lines)`);
  const images = parseLabelTxt(text, gtPath);
  const path = imagePath.replace(/\\/g, '/');
  const name =
    [...images.keys()].find((n) => path === n || path.endsWith(`/${n}`)) ??
    [...images.keys()].find((n) => basename(n) === basename(path)) ??
    (images.size === 1 ? [...images.keys()][0] : undefined);
  if (name === undefined) throw new RetinaFaceError('IO', `${gtPath}: none of its ${images.size} images is ${basename(path)}`);
  return groundTruthFromLabelLines(images.get(name)!, image.width, image.height, gtPath);
}
