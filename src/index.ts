/**
 * The public API: load a detector once, detect faces in images.
 *
 *   const detector = await RetinaFace.load({ model: 'models/mnet.25', backend: 'gpu' });
 *   const { faces } = await detector.detect('group.jpg', { threshold: 0.5 });
 */
export { RetinaFace, BACKEND_NAMES } from './detect/retinaface.js';
export type { BackendName, Detection, ImageInput, ImageOptions, LoadOptions, RawPixels } from './detect/retinaface.js';
export type { Face, Point } from './detect/detect.js';
export type { DetectOptions } from './detect/options.js';
export { RetinaFaceError } from './errors.js';
export type { ErrorCode } from './errors.js';
