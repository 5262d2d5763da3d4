/**
 * The precision-recall curves of the three WIDER FACE settings as one self-contained SVG, in the
 * manner of the plots the WIDER FACE site publishes (recall on x, precision on y, AP in the legend).
 * A point is one of the script's 1000 thresholds; thresholds where no prediction counts yet
 * (precision 0/0) are left out.
 */
import { SETTINGS, type Setting } from './wider-ground-truth.js';
import type { WiderResult } from './wider.js';

const COLOURS: Record<Setting, string> = { easy: '#1b9e77', medium: '#d95f02', hard: '#7570b3' };
const W = 640, H = 480, LEFT = 60, RIGHT = 20, TOP = 40, BOTTOM = 50;

export function prCurvesSvg(result: WiderResult, title: string): string {
  const x = (recall: number) => LEFT + recall * (W - LEFT - RIGHT);
  const y = (precision: number) => H - BOTTOM - precision * (H - TOP - BOTTOM);
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">WIDER FACE val: ${escape(title)}${result.subset ? ' (SUBSET: not comparable with published AP)' : ''}</text>`,
  ];
  // grid and ticks every 0.1
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    out.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#ddd"/>`, `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(v)}" y="${y(0) + 16}" text-anchor="middle">${v.toFixed(1)}</text>`, `<text x="${x(0) - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  out.push(`<rect x="${x(0)}" y="${y(1)}" width="${x(1) - x(0)}" height="${y(0) - y(1)}" fill="none" stroke="black"/>`);
  out.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">recall</text>`, `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">precision</text>`);
  SETTINGS.forEach((s, i) => {
    const { recall, precision } = result.curves[s];
    const points: string[] = [];
    for (let k = 0; k < recall.length; k++) {
      if (Number.isFinite(precision[k]) && Number.isFinite(recall[k])) points.push(`${x(recall[k]).toFixed(1)},${y(precision[k]).toFixed(1)}`);
    }
    out.push(`<polyline fill="none" stroke="${COLOURS[s]}" stroke-width="2" points="${points.join(' ')}"/>`);
    const ly = y(0) - 70 + i * 18;
    out.push(`<line x1="${x(0) + 12}" y1="${ly}" x2="${x(0) + 36}" y2="${ly}" stroke="${COLOURS[s]}" stroke-width="2"/>`);
    out.push(`<text x="${x(0) + 42}" y="${ly + 4}">${s} AP ${result.ap[s].toFixed(4)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
