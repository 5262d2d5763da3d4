/**
 * The knobs of RetinaFace.detect, their defaults and their validation: every bad value is one
 * OPTION error naming the option and the value. The defaults are those of the model's own test
 * script, from its descriptor (descriptor.ts); DEFAULTS are mnet.25's (InsightFace test.py:
 * threshold 0.5, NMS 0.4, short side to 1024, long side at most 1980).
 */
import { RetinaFaceError } from '../errors.js';

export interface DetectOptions {
  /** Keep proposals with face probability >= threshold (compared in float32, as numpy does). Default: the model's (mnet.25 0.5, mnet_cov2 0.8). */
  threshold?: number;
  /** Greedy NMS suppresses a box whose IoU with a kept one is >= this. Default 0.4. */
  nmsThreshold?: number;
  /** Short side of the network input (test.py's rule). Default: the model's (mnet.25 1024, mnet_cov2 640). */
  targetSize?: number;
  /** Cap for the long side of the network input. Default: the model's (mnet.25 1980, mnet_cov2 1080). */
  maxSize?: number;
  /** Explicit scale factors (the original detect()'s `scales`); overrides targetSize/maxSize. */
  scales?: readonly number[];
  /**
   * Multi-scale pyramid as input sizes relative to targetSize, test_widerface.py style:
   * with targetSize 800 / maxSize 1200, [500, 800, 1100, 1400, 1700].
   */
  pyramid?: readonly number[];
  /** Also run the horizontally flipped image and merge (do_flip). Default false. */
  flip?: boolean;
  /** bbox_vote instead of NMS (no landmarks then, as in the original). Default false. */
  vote?: boolean;
}

export interface ResolvedOptions {
  readonly threshold: number;
  readonly nmsThreshold: number;
  readonly targetSize: number;
  readonly maxSize: number;
  readonly scales?: readonly number[];
  readonly pyramid?: readonly number[];
  readonly flip: boolean;
  readonly vote: boolean;
}

export const DEFAULTS = { threshold: 0.5, nmsThreshold: 0.4, targetSize: 1024, maxSize: 1980 } as const;

/** The defaults an option falls back to. */
export type OptionDefaults = { readonly [K in keyof typeof DEFAULTS]: number };

function bad(option: string, value: unknown, rule: string): never {
  throw new RetinaFaceError('OPTION', `option ${option}: ${JSON.stringify(value)} ${rule}`);
}

function positiveList(option: string, list: readonly number[] | undefined): readonly number[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) bad(option, list, 'must be a non-empty list of numbers');
  for (const s of list) if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) bad(option, list, 'must hold only positive finite numbers');
  return [...list];
}

export function resolveOptions(options: DetectOptions = {}, defaults: OptionDefaults = DEFAULTS): ResolvedOptions {
  const { threshold, nmsThreshold, targetSize, maxSize } = defaults;
  const o = { threshold, nmsThreshold, targetSize, maxSize, flip: false, vote: false, ...stripUndefined(options) };
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0 && o.threshold <= 1)) bad('threshold', o.threshold, 'must be in [0, 1]');
  if (typeof o.nmsThreshold !== 'number' || !(o.nmsThreshold > 0 && o.nmsThreshold <= 1)) bad('nmsThreshold', o.nmsThreshold, 'must be in (0, 1]');
  for (const k of ['targetSize', 'maxSize'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || o[k] <= 0) bad(k, o[k], 'must be a positive number of pixels');
  }
  if (typeof o.flip !== 'boolean') bad('flip', o.flip, 'must be true or false');
  if (typeof o.vote !== 'boolean') bad('vote', o.vote, 'must be true or false');
  if (options.scales !== undefined && options.pyramid !== undefined) bad('scales', options.scales, 'cannot be combined with pyramid');
  return {
    threshold: o.threshold,
    nmsThreshold: o.nmsThreshold,
    targetSize: o.targetSize,
    maxSize: o.maxSize,
    scales: positiveList('scales', options.scales),
    pyramid: positiveList('pyramid', options.pyramid),
    flip: o.flip,
    vote: o.vote,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
