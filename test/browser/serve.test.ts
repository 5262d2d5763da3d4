/**
 * The demo's file server (web/serve.ts) without a browser: the sample list starts with the
 * repository's own photo, so the page has one on a fresh clone, and the bundled model is served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { demoFiles } from '../../web/serve.js';

function get(url: string): { status: number; body: Buffer } {
  let status = 0;
  let body = Buffer.alloc(0);
  const res = { writeHead: (s: number) => { status = s; }, end: (b?: Buffer | string) => { body = Buffer.from(b ?? ''); } } as unknown as ServerResponse;
  demoFiles({ url } as IncomingMessage, res, () => { status = -1; });
  return { status, body };
}

describe('web/serve.ts demoFiles', () => {
  it('lists samples/astronaut.png first and serves it; ../shared/images after it', () => {
    const index = JSON.parse(get('/samples/index.json').body.toString()) as string[];
    expect(index[0]).toBe('astronaut.png');
    expect(index).toContain('t1.jpg');
    const png = get('/samples/astronaut.png');
    expect(png.status).toBe(200);
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
    expect(get('/samples/t1.jpg').status).toBe(200);
    expect(get('/samples/nope.jpg').status).toBe(404);
    expect(get('/samples/..%2Fpackage.json').status).toBe(404);
  });

  it('serves the bundled model when $RETINAFACE_MODEL is unset', () => {
    const saved = process.env.RETINAFACE_MODEL;
    delete process.env.RETINAFACE_MODEL;
    try {
      expect(JSON.parse(get('/model/index.json').body.toString())).toEqual({ symbol: 'mnet.25-symbol.json', params: 'mnet.25-0000.params' });
      expect(get('/model/mnet.25-0000.params').body.length).toBe(1757080);
    } finally {
      if (saved !== undefined) process.env.RETINAFACE_MODEL = saved;
    }
  });

  it('lists the bundled models for the chooser and serves each by name', () => {
    expect(JSON.parse(get('/models/index.json').body.toString())).toEqual(['mnet.25', 'mnet_cov2']);
    expect(JSON.parse(get('/models/mnet_cov2/index.json').body.toString())).toEqual({ symbol: 'mnet_cov2-symbol.json', params: 'mnet_cov2-0000.params' });
    expect(get('/models/mnet_cov2/mnet_cov2-symbol.json').status).toBe(200);
    expect(get('/models/mnet.50/index.json').status).toBe(404);
    expect(get('/models/..%2Fsrc/index.json').status).toBe(404);
    expect(get('/models/mnet_cov2/..%2F..%2Fpackage.json').status).toBe(404);
  });

  it('anything else goes on to the next handler', () => {
    expect(get('/index.html').status).toBe(-1);
  });
});
