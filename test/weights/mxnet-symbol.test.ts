import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMxnetSymbol } from '../../src/weights/mxnet-symbol.js';
import { errorOf } from './expect-error.js';
import { symbolFile } from './model-files.js';

const text = readFileSync(symbolFile, 'utf8');
const raw = JSON.parse(text) as { nodes: unknown[]; heads: unknown[] };

describe('parseMxnetSymbol', () => {
  it('reads the real mnet.25 symbol: nodes, attrs, inputs and the nine heads', () => {
    const s = parseMxnetSymbol(text, symbolFile);
    expect(s.nodes.length).toBe(raw.nodes.length);
    expect(s.nodes[0]).toEqual({ op: 'null', name: 'data', attrs: {}, inputs: [] });
    const conv0 = s.nodes.find((n) => n.name === 'mobilenet0_conv0_fwd')!;
    expect(conv0.op).toBe('Convolution');
    expect(conv0.attrs.kernel).toBe('(3, 3)');
    expect(conv0.attrs.no_bias).toBe('True');
    expect(conv0.inputs.map(([i]) => s.nodes[i].name)).toEqual(['data', 'mobilenet0_conv0_weight']);
    expect(s.heads.map(([i]) => s.nodes[i].name)).toEqual([
      'face_rpn_cls_prob_reshape_stride32', 'face_rpn_bbox_pred_stride32', 'face_rpn_landmark_pred_stride32',
      'face_rpn_cls_prob_reshape_stride16', 'face_rpn_bbox_pred_stride16', 'face_rpn_landmark_pred_stride16',
      'face_rpn_cls_prob_reshape_stride8', 'face_rpn_bbox_pred_stride8', 'face_rpn_landmark_pred_stride8',
    ]);
  });

  it('reads the pre-0.9 form: "param" and "attr" become attrs, input pairs get version 0', () => {
    const old = JSON.stringify({
      nodes: [
        { op: 'null', name: 'data', param: {}, inputs: [] },
        { op: 'null', name: 'w', param: {}, attr: { __shape__: '(4, 3, 1, 1)' }, inputs: [] },
        { op: 'Convolution', name: 'conv', param: { kernel: '(1, 1)', num_filter: '4', no_bias: 'True' }, inputs: [[0, 0], [1, 0]] },
      ],
      arg_nodes: [0, 1],
      heads: [[2, 0]],
    });
    const s = parseMxnetSymbol(old, 'old.json');
    expect(s.nodes[1].attrs).toEqual({ __shape__: '(4, 3, 1, 1)' });
    expect(s.nodes[2].attrs).toEqual({ kernel: '(1, 1)', num_filter: '4', no_bias: 'True' });
    expect(s.nodes[2].inputs).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(s.heads).toEqual([[2, 0, 0]]);
  });

  const data = { op: 'null', name: 'data', inputs: [] };
  const relu = (inputs: unknown) => ({ op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs });
  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{"nodes": [', /^s\.json: not valid JSON \(/],
    ['no heads', JSON.stringify({ nodes: [data] }), /needs a "nodes" and a "heads" array/],
    ['a nameless node', JSON.stringify({ nodes: [{ op: 'null', inputs: [] }], heads: [[0, 0, 0]] }), /node #0 needs a string "op" and a non-empty string "name"/],
    ['an input from a later node', JSON.stringify({ nodes: [data, relu([[5, 0, 0]])], heads: [[1, 0, 0]] }), /node #1 'relu': inputs\[0\] refers to node #5, but only nodes #0..#0 come before it/],
    ['a malformed input', JSON.stringify({ nodes: [data, relu([[0, -1, 0]])], heads: [[1, 0, 0]] }), /node #1 'relu': inputs\[0\] is \[0,-1,0\]/],
    ['a head out of range', JSON.stringify({ nodes: [data], heads: [[3, 0, 0]] }), /heads\[0\] refers to node #3, but only nodes #0..#0 come before it/],
    ['no heads at all', JSON.stringify({ nodes: [data], heads: [] }), /has no heads/],
    ['a non-string attribute', JSON.stringify({ nodes: [data, { ...relu([[0, 0, 0]]), attrs: { num: 3 } }], heads: [[1, 0, 0]] }), /node #1 'relu': attribute num is not a string/],
    ['a variable with inputs', JSON.stringify({ nodes: [data, { op: 'null', name: 'w', inputs: [[0, 0, 0]] }], heads: [[1, 0, 0]] }), /node #1 'w': a variable \(op "null"\) cannot have inputs/],
    ['a repeated name', JSON.stringify({ nodes: [data, { ...relu([[0, 0, 0]]), name: 'data' }], heads: [[1, 0, 0]] }), /node #1 'data': the name is used by an earlier node too/],
  ];
  for (const [what, json, pattern] of bad) {
    it(`refuses ${what} with one line`, () => {
      expect(errorOf(() => parseMxnetSymbol(json, 's.json'))).toMatch(pattern);
    });
  }
});
