/**
 * What a loaded model is, whichever file it came from (MXNet `-symbol.json` + `.params`, or one
 * `.safetensors`): the symbol graph and the parameter tensors by name.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { MxnetParams } from './mxnet-params.js';

/** One node of an MXNet symbol JSON: `op` is 'null' for inputs and parameters. */
export interface SymbolNode {
  readonly op: string;
  readonly name: string;
  /** MXNet attribute strings as written in the JSON (`kernel: "(3, 3)"`, `no_bias: "True"`). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Inputs as [node index, output index, version], MXNet's own triple. */
  readonly inputs: ReadonlyArray<readonly [number, number, number]>;
}

export interface MxSymbol {
  readonly nodes: readonly SymbolNode[];
  /** Output entries of the graph, [node index, output index, version]. */
  readonly heads: ReadonlyArray<readonly [number, number, number]>;
}

export interface Model {
  readonly symbol: MxSymbol;
  /**
   * Parameters by node name, without MXNet's `arg:` / `aux:` prefixes
   * (`mobilenet0_conv0_weight`, `mobilenet0_batchnorm0_running_mean`).
   */
  readonly params: ReadonlyMap<string, Tensor>;
  /** Where it was loaded from, for messages and reports. */
  readonly source: string;
  /** SHA-256 of the `-symbol.json` text (hex): which released model this is (detect/descriptor.ts). */
  readonly symbolSha256: string;
}

/**
 * A model as read from disk, before it is parsed and checked: the `-symbol.json` text as written
 * and the parameters with MXNet's arg / aux split kept, which a safetensors conversion must carry.
 */
export interface StoredModel {
  readonly symbolText: string;
  readonly params: MxnetParams;
}
