// Formatting helpers and AIS code tables shared by the panels.

/** Milliseconds since the epoch from an RFC 3339 string, epoch seconds or epoch milliseconds. */
export function toMs(v) {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number') return v > 1e11 ? v : v * 1000;
  const n = Number(v);
  if (Number.isFinite(n)) return toMs(n);
  return Date.parse(v);
}

const pad = (n) => String(n).padStart(2, '0');

/** "2026-12-02 21:40:05Z" (UTC; operations rooms work in UTC). */
export function fmtTime(v) {
  const ms = toMs(v);
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** "21:40:05Z". */
export function fmtClock(v) {
  const ms = toMs(v);
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** A duration in seconds as "2 h 05 min", "12 min", "40 s". */
export function fmtDur(s) {
  if (!Number.isFinite(s)) return '—';
  s = Math.round(Math.abs(s));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${pad(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Distance in metres as "420 m" or "3.2 km" (and nautical miles). */
export function fmtDist(m) {
  if (!Number.isFinite(m)) return '—';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} km (${(m / 1852).toFixed(1)} nm)`;
}

export function fmtSpeed(kn) {
  return Number.isFinite(kn) ? `${kn.toFixed(1)} kn` : '—';
}

export function fmtDeg(d) {
  return Number.isFinite(d) ? `${Math.round(d)}°` : '—';
}

/** Latitude/longitude as degrees and decimal minutes, the seafarer's notation. */
export function fmtPos(lat, lon) {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return '—';
  const dm = (v, pos, neg) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = (a - d) * 60;
    return `${d}°${m.toFixed(3).padStart(6, '0')}′${v >= 0 ? pos : neg}`;
  };
  return `${dm(lat, 'N', 'S')} ${dm(lon, 'E', 'W')}`;
}

/** Age of a timestamp relative to `now` (both ms). */
export function fmtAge(ms, now) {
  if (!Number.isFinite(ms) || !Number.isFinite(now)) return '';
  const s = (now - ms) / 1000;
  if (s < 0) return 'just now';
  return `${fmtDur(s)} ago`;
}

/** Ship categories by ITU-R M.1371 ship type, with the colours chart plotters use. */
export const CATEGORIES = [
  { id: 'cargo', label: 'Cargo', color: '#4fd67a' },
  { id: 'tanker', label: 'Tanker', color: '#ff6b5e' },
  { id: 'passenger', label: 'Passenger', color: '#4da3ff' },
  { id: 'fishing', label: 'Fishing', color: '#ffa94d' },
  { id: 'service', label: 'Tug / service', color: '#3fd3d3' },
  { id: 'highspeed', label: 'High speed', color: '#ffe14d' },
  { id: 'pleasure', label: 'Sailing / pleasure', color: '#d68cff' },
  { id: 'other', label: 'Other / unknown', color: '#a7b1bd' },
];

export function category(shipType) {
  const t = Number(shipType);
  if (!Number.isFinite(t) || t <= 0) return 'other';
  if (t >= 70 && t <= 79) return 'cargo';
  if (t >= 80 && t <= 89) return 'tanker';
  if (t >= 60 && t <= 69) return 'passenger';
  if (t === 30) return 'fishing';
  if (t === 31 || t === 32 || t === 33 || t === 34 || (t >= 50 && t <= 59)) return 'service';
  if (t >= 40 && t <= 49) return 'highspeed';
  if (t === 36 || t === 37) return 'pleasure';
  return 'other';
}

const STATUS = [
  'under way using engine', 'at anchor', 'not under command', 'restricted manoeuvrability',
  'constrained by draught', 'moored', 'aground', 'engaged in fishing', 'under way sailing',
  'reserved (HSC)', 'reserved (WIG)', 'power-driven towing astern', 'power-driven pushing ahead',
  'reserved', 'AIS-SART / MOB / EPIRB active', 'not defined',
];

export function statusText(s) {
  if (s === null || s === undefined || s === '') return '—';
  if (typeof s === 'string' && !/^\d+$/.test(s)) return s;
  return STATUS[Number(s)] ?? `status ${s}`;
}

/** Alert severity from its 0-100 score. */
export function severity(score) {
  if (score >= 70) return 'critical';
  if (score >= 45) return 'high';
  if (score >= 25) return 'medium';
  return 'low';
}

export const SEVERITY_COLORS = {
  critical: '#ff4d5e',
  high: '#ff9f40',
  medium: '#ffd84d',
  low: '#8fb3d9',
};

export const KIND_LABELS = {
  loitering: 'Loitering',
  anchor_drag: 'Anchor drag',
  ais_gap: 'AIS gap',
  spoofing: 'Spoofing',
  encounter: 'Encounter',
  zone_entry: 'Zone entry',
  identity_change: 'Identity change',
  repeated_crossing: 'Repeated crossing',
  drift: 'Drift',
};

export function kindLabel(k) {
  return KIND_LABELS[k] ?? String(k ?? '').replace(/_/g, ' ');
}

/** Creates an element: el('div', {class: 'x', onclick: f}, child, 'text', ...). */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(e.style, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A readable label for an evidence key ("baseline_speed_kn" -> "Baseline speed"; the value carries the unit). */
export function evidenceLabel(key) {
  let k = key;
  for (const suffix of ['_kn', '_m', '_s', '_deg']) {
    if (k.endsWith(suffix)) {
      k = k.slice(0, -suffix.length);
      break;
    }
  }
  const words = k.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Formats one evidence value by the unit its key names. */
export function evidenceValue(key, v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') {
    if (key === 'status') return `${statusText(v)} (${v})`;
    if (key.endsWith('_s')) return fmtDur(v);
    if (key.endsWith('_m')) return fmtDist(v);
    if (key.endsWith('_kn')) return fmtSpeed(v);
    if (key.endsWith('_deg')) return fmtDeg(v);
    if (key.endsWith('ratio')) return v.toFixed(2);
    return Number.isInteger(v) ? String(v) : v.toFixed(3);
  }
  if (typeof v === 'string') {
    if (/^\d{4}-\d\d-\d\dT/.test(v)) return fmtTime(v);
    return v;
  }
  return JSON.stringify(v);
}
