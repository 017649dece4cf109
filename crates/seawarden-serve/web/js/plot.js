// Speed-over-time plot drawn as SVG from a vessel track.
import { fmtClock } from './format.js';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceStep(range, target) {
  const raw = range / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

const TIME_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/**
 * Plots speed over ground against time.
 * points: [{t (ms), sog (kn)}]; opts: {from, to} (alert window, shaded),
 * refs: [{value, label}] (dashed reference lines), width, height.
 * Returns {svg, setCursor(t)}; the SVG carries data-points with the number of samples drawn.
 */
export function speedPlot(points, opts = {}) {
  const W = opts.width ?? 380;
  const H = opts.height ?? 150;
  const m = { l: 34, r: 10, t: 10, b: 22 };
  const pts = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.sog) && p.sog < 102.2);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img', 'aria-label': 'Speed over ground against time' });
  svg.dataset.points = String(pts.length);
  if (pts.length < 2) {
    svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'plot-empty' },
      pts.length ? 'One position only: no speed history' : 'No speed history for this vessel'));
    return { svg, setCursor() {} };
  }
  let t0 = pts[0].t;
  let t1 = pts[pts.length - 1].t;
  if (Number.isFinite(opts.from)) t0 = Math.min(t0, opts.from);
  if (Number.isFinite(opts.to)) t1 = Math.max(t1, opts.to);
  if (t1 <= t0) t1 = t0 + 60000;
  const refs = (opts.refs ?? []).filter((r) => Number.isFinite(r.value));
  let vmax = Math.max(1, ...pts.map((p) => p.sog), ...refs.map((r) => r.value));
  const ystep = niceStep(vmax, 4);
  vmax = Math.ceil((vmax * 1.05) / ystep) * ystep;
  const x = (t) => m.l + ((t - t0) / (t1 - t0)) * (W - m.l - m.r);
  const y = (v) => H - m.b - (v / vmax) * (H - m.t - m.b);

  // Alert window.
  if (Number.isFinite(opts.from) && Number.isFinite(opts.to)) {
    const xa = x(opts.from);
    const xb = Math.max(x(opts.to), xa + 2);
    svg.append(svgEl('rect', { x: xa, y: m.t, width: xb - xa, height: H - m.t - m.b, class: 'plot-window' }));
  }
  // Grid and axes.
  for (let v = 0; v <= vmax + 1e-9; v += ystep) {
    svg.append(svgEl('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), class: 'plot-grid' }));
    svg.append(svgEl('text', { x: m.l - 5, y: y(v) + 3.5, 'text-anchor': 'end', class: 'plot-label' }, String(+v.toFixed(1))));
  }
  const DAY = 86400000;
  const tstep = TIME_STEPS.find((s) => (t1 - t0) / s <= 5) ?? niceStep((t1 - t0) / DAY, 4) * DAY;
  for (let t = Math.ceil(t0 / tstep) * tstep; t <= t1; t += tstep) {
    svg.append(svgEl('line', { x1: x(t), x2: x(t), y1: m.t, y2: H - m.b, class: 'plot-grid' }));
    const label = tstep >= DAY ? new Date(t).toISOString().slice(tstep >= 365 * DAY ? 0 : 5, tstep >= 365 * DAY ? 7 : 10) : fmtClock(t).slice(0, 5);
    svg.append(svgEl('text', { x: x(t), y: H - 7, 'text-anchor': 'middle', class: 'plot-label' }, label));
  }
  svg.append(svgEl('text', { x: 4, y: m.t + 2, class: 'plot-label', transform: `rotate(-90 ${4} ${m.t + 2})`, 'text-anchor': 'end' }, 'kn'));
  for (const r of refs) {
    svg.append(svgEl('line', { x1: m.l, x2: W - m.r, y1: y(r.value), y2: y(r.value), class: 'plot-ref' }));
    svg.append(svgEl('text', { x: W - m.r - 2, y: y(r.value) - 3, 'text-anchor': 'end', class: 'plot-ref-label' }, r.label));
  }
  // The series: a line, broken where reports are more than 15 minutes apart.
  let d = '';
  let prev = null;
  for (const p of pts) {
    const cmd = prev && p.t - prev.t <= 15 * 60000 ? 'L' : 'M';
    d += `${cmd}${x(p.t).toFixed(1)},${y(p.sog).toFixed(1)}`;
    prev = p;
  }
  svg.append(svgEl('path', { d, class: 'plot-line' }));
  for (const p of pts.length <= 300 ? pts : []) {
    svg.append(svgEl('circle', { cx: x(p.t), cy: y(p.sog), r: 1.6, class: 'plot-dot' }));
  }
  const cursor = svgEl('line', { x1: -10, x2: -10, y1: m.t, y2: H - m.b, class: 'plot-cursor' });
  svg.append(cursor);
  return {
    svg,
    setCursor(t) {
      const cx = Number.isFinite(t) ? x(t) : -10;
      cursor.setAttribute('x1', cx);
      cursor.setAttribute('x2', cx);
    },
  };
}
