/**
 * The public API: load a detector once, detect faces in images.
 *
 *   const detector = await RetinaFace.load();  // the bundled mnet.25 on the wasm backend
 *   const { faces } = await detector.detect('group.jpg', { threshold: 0.5 });
 *   const { image } = await detector.anonymize('group.jpg', { mode: 'blur' });  // RGB pixels, faces blurred
 *
 * In a browser (web/main.ts): `RetinaFace.fromFiles({ symbol, params }, { backend: 'webgl2' })`
 * with the model files' bytes, then detect on JPEG bytes or ImageData.
 */
export { RetinaFace, BACKEND_NAMES } from './detect/retinaface.js';
export type { AlignOption, Anonymized, BackendName, DetectObserver, Detection, FromFilesOptions, ImageInput, ImageOptions, LoadOptions, ModelBytes, RawPixels } from './detect/retinaface.js';
export type { Face, Point } from './detect/detect.js';
export { alignFace } from './detect/align-face.js';
export type { AlignedFace, AlignOptions } from './detect/align-face.js';
export { ARCFACE_DST, referencePoints } from './align/face-align.js';
export { anonymize, ANONYMIZE_MODES, ANONYMIZE_SHAPES } from './anonymize/anonymize.js';
export type { AnonymizeMode, AnonymizeOptions, AnonymizeShape, FaceBox } from './anonymize/anonymize.js';
export type { RgbImage } from './image/rgb-image.js';
export { encodeJpeg, encodePng } from './image/encode.js';
export type { DetectOptions } from './detect/options.js';
export { BUILTIN_DESCRIPTORS } from './detect/descriptor.js';
export type { ModelDescriptor, ScriptDefaults } from './detect/descriptor.js';
export type { Tensor } from './tensor/tensor.js';
export { RetinaFaceError } from './errors.js';
export type { ErrorCode } from './errors.js';
