import { RetinaFaceError } from '../errors.js';

/** The one error every image failure becomes: `IMAGE`, "<where>: <what>" on one line. */
export function imageError(where: string, what: string): RetinaFaceError {
  return new RetinaFaceError('IMAGE', `${where}: ${what.replace(/\s+/g, ' ').trim()}`);
}

/** "5334x2767 (14.8 MP)": how sizes appear in messages. */
export function formatPixels(width: number, height: number): string {
  return `${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP)`;
}
