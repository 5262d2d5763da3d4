/** The golden landmarks (heads-<case>/landmarks.npy, float32 (N, 5, 2)) as five [x, y] points per face. */
import { readGoldenF32 } from '../helpers/golden.js';

export function goldenLandmarks(caseName: string): [number, number][][] {
  const { shape, data } = readGoldenF32(`heads-${caseName}`, 'landmarks.npy');
  return Array.from({ length: shape[0] }, (_, i) => Array.from({ length: 5 }, (_, k) => [data[i * 10 + k * 2], data[i * 10 + k * 2 + 1]] as [number, number]));
}
