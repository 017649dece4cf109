// Vessel tracks from the API, normalised and interpolated for replay.
import { toMs } from './format.js';

/** [{t (ms), lat, lon, sog, cog}] sorted by time, invalid points dropped. */
export function normTrack(track) {
  const out = [];
  for (const p of Array.isArray(track) ? track : []) {
    const t = toMs(p.t ?? p.time);
    if (!Number.isFinite(t) || !Number.isFinite(p.lat) || !Number.isFinite(p.lon)) continue;
    out.push({
      t,
      lat: p.lat,
      lon: p.lon,
      sog: Number.isFinite(p.sog) ? p.sog : NaN,
      cog: Number.isFinite(p.cog) ? p.cog : NaN,
    });
  }
  out.sort((a, b) => a.t - b.t);
  return out;
}

/** Index of the last point at or before t (0 if t is before the first). */
export function indexAt(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return -1;
  if (t <= points[0].t) return 0;
  if (t >= points[hi].t) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid].t <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The position at time t, linearly interpolated between the reports around it. */
export function positionAt(points, t) {
  const i = indexAt(points, t);
  if (i < 0) return null;
  const a = points[i];
  const b = points[i + 1];
  if (!b || t <= a.t) return { ...a, t };
  const f = (t - a.t) / (b.t - a.t);
  return {
    t,
    lat: a.lat + (b.lat - a.lat) * f,
    lon: a.lon + (b.lon - a.lon) * f,
    sog: a.sog,
    cog: a.cog,
    gap: b.t - a.t > 15 * 60000,
  };
}

/** The part of a track within [from - before, to + after], or all of it if that leaves under two points. */
export function around(points, from, to, before, after) {
  if (!Number.isFinite(from)) return points;
  const end = Number.isFinite(to) ? to : from;
  const sel = points.filter((p) => p.t >= from - before && p.t <= end + after);
  return sel.length >= 2 ? sel : points;
}
