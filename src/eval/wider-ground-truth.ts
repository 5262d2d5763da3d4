/**
 * The WIDER FACE validation ground truth as the evaluation code distributes it (evaluation.py
 * `get_gt_boxes`): `wider_face_val.mat` holds `event_list` (61 event names), `file_list` (per event,
 * its image names without `.jpg`) and `face_bbx_list` (per image, one x, y, w, h row per face);
 * `wider_{easy,medium,hard}_val.mat` each hold `gt_list`: per image, the 1-based indices of the faces
 * that count at that difficulty. The other faces of the image are "ignore" faces there: a detection
 * of one is neither a hit nor a false positive.
 */
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { readMat, type MatValue } from './mat-file.js';

export const SETTINGS = ['easy', 'medium', 'hard'] as const;
export type Setting = (typeof SETTINGS)[number];

export interface WiderImage {
  /** The image name without `.jpg`, as `file_list` has it. */
  readonly name: string;
  /** (F, 4) x, y, w, h per face, row-major. */
  readonly boxes: Float64Array;
  /** Per setting, the 1-based indices of the faces that count (`gt_list`). */
  readonly keep: Readonly<Record<Setting, Float64Array>>;
}

export interface WiderEvent {
  readonly name: string;
  readonly images: readonly WiderImage[];
}

/** Reads the four MAT-files of `dir` (the official `ground_truth/` folder). */
export function readWiderGroundTruth(dir: string): WiderEvent[] {
  const open = (file: string) => {
    const path = join(dir, file);
    return { path, variables: readMat(readFileChecked(path), path) };
  };
  const val = open('wider_face_val.mat');
  const keepLists = Object.fromEntries(SETTINGS.map((s) => {
    const { path, variables } = open(`wider_${s}_val.mat`);
    return [s, { path, list: variable(variables, 'gt_list', path) }];
  })) as Record<Setting, { path: string; list: MatValue }>;

  const eventList = cells(variable(val.variables, 'event_list', val.path), val.path, 'event_list');
  const fileList = cells(variable(val.variables, 'file_list', val.path), val.path, 'file_list');
  const boxList = cells(variable(val.variables, 'face_bbx_list', val.path), val.path, 'face_bbx_list');
  const keepCells = Object.fromEntries(SETTINGS.map((s) => [s, cells(keepLists[s].list, keepLists[s].path, 'gt_list')])) as Record<Setting, MatValue[]>;
  for (const [what, list, path] of [['file_list', fileList, val.path], ['face_bbx_list', boxList, val.path], ...SETTINGS.map((s) => ['gt_list', keepCells[s], keepLists[s].path] as const)] as const) {
    if (list.length !== eventList.length) throw wider(`${path}: ${what} has ${list.length} events, event_list ${eventList.length}`);
  }

  return eventList.map((eventValue, e) => {
    const event = text(eventValue, val.path, `event_list{${e + 1}}`);
    const files = cells(fileList[e], val.path, `file_list{${e + 1}}`);
    const boxes = cells(boxList[e], val.path, `face_bbx_list{${e + 1}}`);
    const keeps = Object.fromEntries(SETTINGS.map((s) => [s, cells(keepCells[s][e], keepLists[s].path, `gt_list{${e + 1}}`)])) as Record<Setting, MatValue[]>;
    for (const [what, list, path] of [['face_bbx_list', boxes, val.path], ...SETTINGS.map((s) => ['gt_list', keeps[s], keepLists[s].path] as const)] as const) {
      if (list.length !== files.length) throw wider(`${path}: ${what}{${e + 1}} (${event}) has ${list.length} images, file_list ${files.length}`);
    }
    const images = files.map((fileValue, i): WiderImage => {
      const name = text(fileValue, val.path, `file_list{${e + 1}}{${i + 1}}`);
      const faces = boxMatrix(boxes[i], val.path, `face_bbx_list{${e + 1}}{${i + 1}} (${name})`);
      const keep = Object.fromEntries(SETTINGS.map((s) => {
        const where = `gt_list{${e + 1}}{${i + 1}} (${name})`;
        const list = numeric(keeps[s][i], keepLists[s].path, where).data;
        for (const k of list) {
          if (!(Number.isInteger(k) && k >= 1 && k <= faces.length / 4)) throw wider(`${keepLists[s].path}: ${where}: face index ${k} outside 1..${faces.length / 4}`);
        }
        return [s, list];
      })) as Record<Setting, Float64Array>;
      return { name, boxes: faces, keep };
    });
    return { name: event, images };
  });
}

function wider(message: string): RetinaFaceError {
  return new RetinaFaceError('WIDER', message);
}

function variable(variables: Map<string, MatValue>, name: string, path: string): MatValue {
  const value = variables.get(name);
  if (value === undefined) throw wider(`${path}: no variable '${name}' (has ${[...variables.keys()].join(', ') || 'none'})`);
  return value;
}

function cells(value: MatValue, path: string, where: string): MatValue[] {
  if (value.kind !== 'cell') throw wider(`${path}: ${where} is a ${value.kind} array, expected a cell array`);
  return [...value.cells];
}

/** A char array's text; event and file names are wrapped in a 1×1 cell in some of the lists. */
function text(value: MatValue, path: string, where: string): string {
  if (value.kind === 'cell' && value.cells.length === 1) return text(value.cells[0], path, where);
  if (value.kind !== 'char') throw wider(`${path}: ${where} is a ${value.kind} array, expected a name (char)`);
  return value.text;
}

function numeric(value: MatValue, path: string, where: string): { dims: readonly number[]; data: Float64Array } {
  if (value.kind !== 'numeric') throw wider(`${path}: ${where} is a ${value.kind} array, expected numbers`);
  return value;
}

/** The (F, 4) face boxes, row-major, from MATLAB's column-major F×4 matrix. */
function boxMatrix(value: MatValue, path: string, where: string): Float64Array {
  const { dims, data } = numeric(value, path, where);
  const faces = data.length / 4;
  if (data.length === 0) return new Float64Array(0);
  if (dims.length !== 2 || dims[1] !== 4) throw wider(`${path}: ${where} is ${dims.join('x')}, expected F x 4 (x, y, w, h)`);
  const rows = new Float64Array(data.length);
  for (let f = 0; f < faces; f++) for (let c = 0; c < 4; c++) rows[f * 4 + c] = data[c * faces + f];
  return rows;
}
