// gpu.js 2.24.1 declares `input` only as a type alias (TS2693 when called) and types the Input
// constructor as taking number[]; the function exists and accepts a Float32Array (GPUJS.md §4).
import { Input, OutputDimensions } from 'gpu.js';

declare module 'gpu.js' {
  export function input(value: Float32Array | number[], size: OutputDimensions): Input;
}
