// Alert list (live, filterable, acknowledgeable) and the evidence panel.
import { api } from './api.js';
import {
  el, fmtTime, fmtPos, fmtDur, toMs, kindLabel, KIND_LABELS, severity, SEVERITY_COLORS,
  evidenceLabel, evidenceValue,
} from './format.js';
import { speedPlot } from './plot.js';
import { normTrack, around } from './track.js';

const HOUR = 3600000;

function alertTime(a) {
  const e = toMs(a.end);
  return Number.isFinite(e) ? e : toMs(a.start);
}

export class AlertsPanel {
  constructor(ctx) {
    this.ctx = ctx;
    this.list = document.getElementById('alert-list');
    this.kindSel = document.getElementById('filter-kind');
    this.stateSel = document.getElementById('filter-state');
    this.selected = null;
    for (const [k, label] of Object.entries(KIND_LABELS)) this.kindSel.append(el('option', { value: k }, label));
    this.kindSel.addEventListener('change', () => this.render());
    this.stateSel.addEventListener('change', () => this.render());
    this.renderTimer = null;
  }

  /** Adds or replaces an alert (the latest event of its episode). */
  upsert(a, live = false) {
    if (!a || typeof a.id !== 'string') return;
    const old = this.ctx.state.alerts.get(a.id);
    const merged = { ...old, ...a };
    if (!a.state) merged.state = old?.state ?? 'open';
    if (!a.comments && old?.comments) merged.comments = old.comments;
    this.ctx.state.alerts.set(a.id, merged);
    if (live && !old) merged._new = true;
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.render();
    }, 250);
  }

  visible() {
    const kind = this.kindSel.value;
    const st = this.stateSel.value;
    return [...this.ctx.state.alerts.values()]
      .filter((a) => (!kind || a.kind === kind) && (st === 'all' || (a.state ?? 'open') === st))
      .sort((a, b) => alertTime(b) - alertTime(a) || (b.score ?? 0) - (a.score ?? 0));
  }

  render() {
    const all = [...this.ctx.state.alerts.values()];
    const open = all.filter((a) => (a.state ?? 'open') === 'open');
    document.getElementById('stat-alerts').textContent = String(open.length);
    document.getElementById('tab-alert-count').textContent = open.length ? String(open.length) : '';
    const bySev = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const a of open) bySev[severity(a.score ?? 0)]++;
    const summary = document.getElementById('severity-summary');
    summary.replaceChildren(...Object.entries(bySev).map(([s, n]) =>
      el('span', { class: `sev-count sev-${s}`, title: `${n} open ${s}` }, el('b', {}, String(n)), ` ${s}`)));

    const items = this.visible().slice(0, 500);
    this.list.replaceChildren(...items.map((a) => this.item(a)));
    document.getElementById('alert-empty').hidden = items.length > 0;
    this.ctx.seaMap.setAlerts(all, this.selected);
    for (const a of all) delete a._new;
  }

  item(a) {
    const sev = severity(a.score ?? 0);
    const who = a.vessel_name || `MMSI ${a.mmsi}`;
    const infra = [...(a.infrastructure ?? []), ...(a.zones ?? [])].map((id) => this.ctx.infraName(id));
    const li = el('li', {
      class: `alert-item sev-${sev}${a.id === this.selected ? ' selected' : ''}${a.state === 'acknowledged' ? ' acked' : ''}${a._new ? ' fresh' : ''}`,
      dataset: { id: a.id, kind: a.kind },
      tabindex: 0,
      onclick: () => this.open(a.id),
      onkeydown: (e) => { if (e.key === 'Enter') this.open(a.id); },
    },
    el('div', { class: 'alert-row' },
      el('span', { class: 'alert-kind' }, kindLabel(a.kind)),
      a.event === 'end' ? el('span', { class: 'tag' }, 'ended') : null,
      watchlisted(a) ? el('span', { class: 'tag tag-watch', title: watchlisted(a) }, 'watchlist') : null,
      el('span', { class: 'spacer' }),
      el('span', { class: 'score', title: 'Score (0-100)' }, String(a.score ?? '—'))),
    el('div', { class: 'alert-who' }, who, el('span', { class: 'muted' }, ` · ${fmtTime(alertTime(a)).slice(5)}`)),
    el('div', { class: 'alert-summary' }, a.summary ?? ''),
    infra.length ? el('div', { class: 'chips' }, infra.slice(0, 3).map((n) => el('span', { class: 'chip' }, n))) : null);
    if ((a.state ?? 'open') === 'open') {
      li.querySelector('.alert-row').append(el('button', {
        class: 'btn tiny ack', title: 'Acknowledge',
        onclick: (e) => { e.stopPropagation(); this.ack(a.id); },
      }, 'Ack'));
    }
    return li;
  }

  async ack(id) {
    try {
      const res = await api.ack(id);
      const a = this.ctx.state.alerts.get(id);
      if (res && typeof res === 'object' && res.id === id) this.upsert(res);
      else if (a) this.upsert({ ...a, state: 'acknowledged' });
      else return;
      if (this.ctx.state.alerts.get(id).state !== 'acknowledged') this.upsert({ id, state: 'acknowledged' });
      this.render();
      if (this.selected === id) this.open(id, false);
    } catch (e) {
      this.ctx.toast(`Acknowledge failed: ${e.message}`);
    }
  }

  /** Opens the evidence panel of an alert; moves the map to it when `fly`. */
  async open(id, fly = true) {
    const a = this.ctx.state.alerts.get(id);
    if (!a) return;
    const body = el('div', { class: 'evidence', dataset: { alertId: id } });
    // Showing the panel closes the previous one (and clears its selection) first.
    this.ctx.showDetail(body, () => {
      this.selected = null;
      this.render();
      this.ctx.seaMap.clearSelection();
    });
    this.selected = id;
    this.render();
    const from = toMs(a.start);
    const to = Number.isFinite(toMs(a.end)) ? toMs(a.end) : from;
    const sev = severity(a.score ?? 0);

    body.append(
      el('div', { class: 'detail-head' },
        el('span', { class: `pill sev-bg-${sev}` }, sev),
        el('h2', {}, kindLabel(a.kind)),
        watchlisted(a) ? el('span', { class: 'pill sev-bg-critical', title: watchlisted(a) }, 'watchlist') : null,
        el('span', { class: 'big-score', title: 'Score (0-100)' }, String(a.score ?? '—'))),
      el('p', { class: 'summary' }, a.summary ?? ''),
      el('dl', { class: 'kv' },
        el('dt', {}, 'Vessel'), el('dd', {}, el('a', { href: '#', onclick: (e) => { e.preventDefault(); this.ctx.openVessel(a.mmsi); } },
          a.vessel_name || '(no name)'), ` · MMSI ${a.mmsi}`),
        a.other_mmsi ? [el('dt', {}, 'Other vessel'), el('dd', {}, el('a', { href: '#', onclick: (e) => { e.preventDefault(); this.ctx.openVessel(a.other_mmsi); } }, `MMSI ${a.other_mmsi}`))] : null,
        el('dt', {}, 'Window'), el('dd', {}, `${fmtTime(from)} → ${fmtTime(to).slice(11)}`, el('span', { class: 'muted' }, ` (${fmtDur((to - from) / 1000)})`)),
        el('dt', {}, 'Event'), el('dd', {}, `${a.event ?? '—'} · ${a.state ?? 'open'}`),
        el('dt', {}, 'Position'), el('dd', {}, fmtPos(a.lat, a.lon)),
        (a.infrastructure?.length) ? [el('dt', {}, 'Infrastructure'), el('dd', {}, a.infrastructure.map((i) => this.ctx.infraName(i)).join(', '))] : null,
        (a.zones?.length) ? [el('dt', {}, 'Zones'), el('dd', {}, a.zones.map((i) => this.ctx.infraName(i)).join(', '))] : null));

    // Score factors as bars.
    const factors = Array.isArray(a.factors) ? a.factors : [];
    body.append(el('h3', {}, 'Why this score'), el('div', { class: 'factors' }, factors.map((f) =>
      el('div', { class: 'factor' },
        el('div', { class: 'factor-top' }, el('span', {}, f.name), el('b', {}, `+${f.points}`)),
        el('div', { class: 'bar' }, el('i', { style: { width: `${Math.min(100, Math.max(2, f.points))}%`, background: SEVERITY_COLORS[sev] } })),
        f.detail ? el('div', { class: 'muted small' }, f.detail) : null))));

    // Speed over time from the vessel's track (filled in when the track arrives).
    const plotBox = el('div', { class: 'plot-box', id: 'evidence-plot' }, el('div', { class: 'muted small' }, 'Loading track…'));
    body.append(el('h3', {}, 'Speed over ground'), plotBox);

    body.append(el('h3', {}, 'Evidence'), evidenceTable(a.evidence ?? {}));

    // Actions.
    const comment = el('textarea', { rows: 2, placeholder: 'Add a comment for the watch log', 'aria-label': 'Comment' });
    const comments = el('ul', { class: 'comments' }, (a.comments ?? []).map(commentItem));
    body.append(
      el('h3', {}, 'Actions'),
      el('div', { class: 'actions' },
        (a.state ?? 'open') === 'open'
          ? el('button', { class: 'btn primary', id: 'ack-btn', onclick: () => this.ack(a.id) }, 'Acknowledge')
          : el('span', { class: 'muted' }, `Acknowledged${a.acknowledged_by ? ` by ${a.acknowledged_by}` : ''}`),
        el('button', { class: 'btn', onclick: () => this.ctx.openVessel(a.mmsi) }, 'Vessel & replay'),
        el('button', { class: 'btn', onclick: () => this.ctx.seaMap.fitPoints([[a.lon, a.lat]], 10) }, 'Zoom to')),
      comments,
      el('form', {
        class: 'comment-form',
        onsubmit: async (e) => {
          e.preventDefault();
          const text = comment.value.trim();
          if (!text) return;
          try {
            const res = await api.comment(a.id, text);
            const c = res && typeof res === 'object' && !Array.isArray(res) && res.text ? res : { text, time: new Date().toISOString() };
            const cur = this.ctx.state.alerts.get(a.id);
            cur.comments = [...(cur.comments ?? []), c];
            comments.append(commentItem(c));
            comment.value = '';
          } catch (err) {
            this.ctx.toast(`Comment failed: ${err.message}`);
          }
        },
      }, comment, el('button', { class: 'btn small', type: 'submit' }, 'Comment')));

    const evidenceFc = evidenceGeometry(a);
    this.ctx.seaMap.setEvidence(evidenceFc);
    this.ctx.seaMap.selectVessel(a.mmsi);
    if (fly) this.ctx.seaMap.fitPoints([[a.lon, a.lat], ...evidenceFc.features.filter((f) => f.geometry.type === 'Point').map((f) => f.geometry.coordinates)], 11);

    // The track and the plot.
    try {
      const v = await api.vessel(a.mmsi);
      if (this.selected !== id) return;
      const track = normTrack(v?.track);
      const part = around(track, from, to, 3 * HOUR, HOUR);
      this.ctx.seaMap.setTrack(part, from, to);
      const refs = [];
      const ev = a.evidence ?? {};
      if (Number.isFinite(ev.baseline_speed_kn)) refs.push({ value: ev.baseline_speed_kn, label: 'cruising baseline' });
      if (Number.isFinite(ev.mean_speed_kn)) refs.push({ value: ev.mean_speed_kn, label: 'mean in window' });
      const plot = speedPlot(part, { from, to, refs });
      plotBox.replaceChildren(plot.svg, el('div', { class: 'muted small' },
        `${part.length} reports · shaded: alert window`));
      if (fly && part.length >= 2) {
        this.ctx.seaMap.fitPoints([...part.map((p) => [p.lon, p.lat]), [a.lon, a.lat]], 12);
      }
    } catch (e) {
      if (this.selected !== id) return;
      plotBox.replaceChildren(el('div', { class: 'muted small' }, `No track: ${e.message}`));
    }
  }
}

/** The watchlist entry behind an alert, if any (evidence field or score factor). */
function watchlisted(a) {
  const w = a.watchlist ?? a.evidence?.watchlist;
  if (w) return typeof w === 'string' ? w : JSON.stringify(w);
  const f = (a.factors ?? []).find((x) => x.name === 'watchlist');
  return f ? (f.detail || 'on a watchlist') : '';
}

function commentItem(c) {
  if (typeof c === 'string') return el('li', {}, c);
  return el('li', {}, el('span', { class: 'muted small' },
    `${c.author ?? c.by ?? ''}${c.time || c.at ? ` ${fmtTime(c.time ?? c.at)}` : ''}`), el('div', {}, c.text ?? ''));
}

/** The evidence object as a table, nested objects one level deep. */
function evidenceTable(ev) {
  const rows = [];
  for (const [k, v] of Object.entries(ev)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const hasPos = Number.isFinite(v.lat) && Number.isFinite(v.lon);
      if (hasPos) rows.push([`${evidenceLabel(k)} · position`, fmtPos(v.lat, v.lon)]);
      for (const [k2, v2] of Object.entries(v)) {
        if ((v2 && typeof v2 === 'object') || (hasPos && (k2 === 'lat' || k2 === 'lon'))) continue;
        rows.push([`${evidenceLabel(k)} · ${evidenceLabel(k2).toLowerCase()}`, evidenceValue(k2, v2)]);
      }
    } else if (Array.isArray(v)) {
      rows.push([evidenceLabel(k), v.length && typeof v[0] !== 'object' ? v.join(', ') : `${v.length} items`]);
    } else {
      rows.push([evidenceLabel(k), evidenceValue(k, v)]);
    }
  }
  if (!rows.length) return el('p', { class: 'muted small' }, 'No figures.');
  return el('table', { class: 'evidence-table' }, el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
}

function lonLat(p) {
  if (Array.isArray(p) && p.length >= 2) return [p[0], p[1]];
  if (p && Number.isFinite(p.lat) && Number.isFinite(p.lon)) return [p.lon, p.lat];
  return null;
}

/** Map geometry behind an alert: the jump or gap as a line, crossing points, the other ship. */
function evidenceGeometry(a) {
  const ev = a.evidence ?? {};
  const features = [];
  const from = lonLat(ev.from);
  const to = lonLat(ev.to);
  if (from && to) {
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [from, to] } });
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: from } });
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: to } });
  }
  for (const p of Array.isArray(ev.crossing_points) ? ev.crossing_points : []) {
    const c = lonLat(p);
    if (c) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } });
  }
  return { type: 'FeatureCollection', features };
}
