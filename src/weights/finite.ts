/**
 * A weight that is NaN or ±Inf poisons every activation downstream and shows up, much later, as
 * "no faces". Every reader refuses such a tensor on load, naming it and the first bad element.
 */
import { RetinaFaceError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

export function expectFinite(file: string, name: string, t: Tensor): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw new RetinaFaceError('WEIGHTS', `${file}: tensor ${name} holds ${t.data[i]} at flat index ${i} (weights must be finite)`);
    }
  }
}
