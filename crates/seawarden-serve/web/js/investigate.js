// Investigation form: pick a cable or pipeline and a window, run, read the report.
import { api } from './api.js';
import { el, toMs, fmtTime, fmtSpeed } from './format.js';

const pad = (n) => String(n).padStart(2, '0');

/** A datetime-local value (read as UTC) for epoch ms. */
function localValue(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function fromLocal(value) {
  return new Date(`${value}:00Z`).toISOString().replace('.000Z', 'Z');
}

export class Investigate {
  constructor(ctx) {
    this.ctx = ctx;
    this.form = document.getElementById('investigate-form');
    this.feature = document.getElementById('inv-feature');
    this.from = document.getElementById('inv-from');
    this.to = document.getElementById('inv-to');
    this.near = document.getElementById('inv-near');
    this.radius = document.getElementById('inv-radius');
    this.status = document.getElementById('inv-status');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.run();
    });
    document.getElementById('inv-pick').addEventListener('click', () => {
      this.status.textContent = 'Click the fault position on the map.';
      ctx.seaMap.map.getCanvas().style.cursor = 'crosshair';
      ctx.seaMap.map.once('click', (e) => {
        this.near.value = `${e.lngLat.lat.toFixed(5)},${e.lngLat.lng.toFixed(5)}`;
        if (!this.radius.value) this.radius.value = '20';
        this.status.textContent = '';
      });
    });
    document.getElementById('report-close').addEventListener('click', () => {
      document.getElementById('report-modal').hidden = true;
    });
    this.results = document.getElementById('inv-results');
    this.history = document.getElementById('inv-history');
    this.names = new Map(); // feature id -> name
    this.current = null; // investigation shown
    // The default window follows the data until the analyst sets one.
    this.windowEdited = false;
    for (const input of [this.from, this.to]) input.addEventListener('input', () => { this.windowEdited = true; });
    document.querySelector('.tab[data-tab="investigate"]')?.addEventListener('click', () => {
      this.setDataTime(ctx.state.dataTime);
      this.loadHistory();
    });
  }

  /** Opens the tab with a line chosen (from a click on the map), optionally with a fault position. */
  prefill(featureId, lngLat) {
    document.querySelector('.tab[data-tab="investigate"]')?.click();
    if ([...this.feature.options].some((o) => o.value === featureId)) this.feature.value = featureId;
    if (lngLat) {
      this.near.value = `${lngLat.lat.toFixed(5)},${lngLat.lng.toFixed(5)}`;
      if (!this.radius.value) this.radius.value = '10';
    } else {
      this.near.value = '';
      this.radius.value = '';
    }
    this.status.textContent = 'Set the window (UTC) and run.';
    this.from.focus();
  }

  /** Fills the feature list from the infrastructure collection (lines only). */
  setInfrastructure(fc) {
    const seen = new Map();
    for (const f of fc?.features ?? []) {
      const p = f.properties ?? {};
      if (!p.id || seen.has(p.id)) continue;
      if (!/LineString/.test(f.geometry?.type ?? '')) continue;
      seen.set(p.id, p);
      this.names.set(p.id, p.name || p.id);
    }
    const items = [...seen.values()].sort((a, b) => (a.kind ?? '').localeCompare(b.kind ?? '') || (a.name || a.id).localeCompare(b.name || b.id));
    this.feature.replaceChildren(...items.map((p) => el('option', { value: p.id }, `${p.kind === 'pipeline' ? 'Pipeline' : 'Cable'} · ${p.name || p.id}`)));
  }

  /** Default window: the last 24 h of data up to `ms` (the newest data time), unless the analyst edited it. */
  setDataTime(ms) {
    if (!Number.isFinite(ms) || this.windowEdited) return;
    this.to.value = localValue(ms + 60000);
    this.from.value = localValue(ms - 24 * 3600000);
  }

  async run() {
    const body = { feature: this.feature.value, from: fromLocal(this.from.value), to: fromLocal(this.to.value) };
    if (toMs(body.to) <= toMs(body.from)) {
      this.status.textContent = 'The window must end after it starts.';
      return;
    }
    const near = this.near.value.trim();
    if (near) {
      const [lat, lon] = near.split(',').map(Number);
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        this.status.textContent = 'Fault position: latitude,longitude in degrees.';
        return;
      }
      body.near = [lon, lat];
      body.radius_km = Number(this.radius.value) || 20;
    } else if (this.radius.value) {
      this.status.textContent = 'A radius needs a fault position.';
      return;
    }
    this.status.textContent = 'Running…';
    this.results.replaceChildren();
    try {
      const { id } = await api.investigate(body);
      const inv = await this.waitFor(id);
      this.status.textContent = `Investigation ${id}: ${inv.suspects?.length ?? 0} suspects.`;
      this.showResult(inv);
      this.loadHistory();
    } catch (e) {
      this.status.textContent = `Investigation failed: ${e.message}`;
    }
  }

  /** Waits while the server reports the investigation as still running (it may answer 202 and work on). */
  async waitFor(id) {
    const started = Date.now();
    for (;;) {
      let state = '';
      let inv = null;
      try {
        inv = await api.investigation(id);
        state = String(inv?.status ?? inv?.state ?? '');
        if (/fail|error/i.test(state)) throw new Error(inv.error ?? inv.message ?? state);
      } catch (e) {
        if (e.status !== 404) throw e;
        state = 'pending';
      }
      if (!/running|pending|queued|started/i.test(state)) return inv;
      if (Date.now() - started > 120000) throw new Error('no result after 2 minutes');
      this.status.textContent = `Running… ${Math.round((Date.now() - started) / 1000)} s`;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  show(id, html) {
    const modal = document.getElementById('report-modal');
    document.getElementById('report-title').textContent = `Investigation ${id}`;
    document.getElementById('report-frame').srcdoc = html;
    const link = document.getElementById('report-open');
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    modal.hidden = false;
  }

  /** Fetches and shows the HTML report of investigation `id`. */
  async openReport(id) {
    try {
      this.show(id, await api.report(id));
    } catch (e) {
      this.status.textContent = `Report ${id}: ${e.message}`;
    }
  }

  /** The ranked suspects of a finished investigation, as a table under the form. */
  showResult(inv) {
    this.current = inv.id;
    const suspects = inv.suspects ?? [];
    const lines = (inv.features ?? []).map((f) => this.names.get(f) ?? f).join(', ');
    const head = el('div', { class: 'inv-head' },
      el('b', {}, lines),
      el('div', { class: 'muted small' }, `${fmtTime(inv.from)} – ${fmtTime(inv.to)}${inv.near ? ` · within ${inv.radius_km} km of ${inv.near[1].toFixed(3)}, ${inv.near[0].toFixed(3)}` : ''}`),
      el('div', { class: 'muted small' }, `${(inv.lines ?? 0).toLocaleString('en')} lines read · ${inv.ships ?? 0} ships · ${inv.seconds ?? '?'} s`),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn small primary', id: 'inv-report', onclick: () => this.openReport(inv.id) }, 'Open report')));
    if (!suspects.length) {
      this.results.replaceChildren(head, el('p', { class: 'muted', id: 'inv-none' }, 'No ship crossed the line or entered its corridor in this window.'));
      return;
    }
    const rows = suspects.map((s) => {
      const dark = (s.crossings ?? []).filter((c) => c.inferred_dark).length;
      const minSog = Math.min(...(s.crossings ?? []).map((c) => c.sog_min ?? Infinity));
      const reasons = (s.reasons ?? []).filter((r) => r.points > 0).slice(0, 3).map((r) => `${r.factor.replace(/_/g, ' ')} ${Math.round(r.points)}`).join(', ');
      const known = this.ctx.state.vessels.has(Number(s.mmsi));
      const sev = s.score >= 45 ? 'high' : s.score >= 25 ? 'medium' : 'low';
      return el('tr', {
        class: known ? 'clickable' : '',
        title: (s.reasons ?? []).map((r) => `${r.factor}: ${r.points.toFixed(1)} — ${r.detail}`).join('\n'),
        onclick: known ? () => this.ctx.openVessel(Number(s.mmsi)) : undefined,
        dataset: { mmsi: String(s.mmsi) },
      },
      el('td', { class: 'num' }, String(s.rank)),
      el('td', {}, el('span', { class: `score-pill sev-${sev}` }, s.score.toFixed(0))),
      el('td', {}, el('b', {}, s.name || `MMSI ${s.mmsi}`), el('div', { class: 'muted small' }, `${s.mmsi}${s.flag ? ` · ${s.flag}` : ''}${(s.watchlist ?? []).length ? ' · watchlist' : ''}`)),
      el('td', { class: 'num' }, `${(s.crossings ?? []).length}${dark ? ` (${dark} dark)` : ''}`),
      el('td', { class: 'num' }, Number.isFinite(minSog) ? fmtSpeed(minSog) : '—'),
      el('td', { class: 'small' }, reasons || el('span', { class: 'muted' }, 'passed through')));
    });
    const table = el('table', { class: 'suspects', id: 'inv-suspects' },
      el('thead', {}, el('tr', {}, ...['#', 'Score', 'Vessel', 'Crossings', 'Min SOG', 'Why'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows));
    this.results.replaceChildren(head, table);
  }

  /** Lists the server's investigations (newest first); a click shows one. */
  async loadHistory() {
    let list;
    try {
      list = await api.investigations();
    } catch {
      return; // a viewer without access or a server without investigations: keep the form usable
    }
    this.history.replaceChildren(...(list ?? []).slice(0, 30).map((inv) => {
      const what = (inv.features ?? []).map((f) => this.names.get(f) ?? f).join(', ');
      const top = inv.top ? `${inv.top.name || inv.top.mmsi} ${Number(inv.top.score).toFixed(0)}` : '';
      return el('li', {
        class: `inv-item status-${inv.status}${inv.id === this.current ? ' active' : ''}`,
        onclick: async () => {
          if (inv.status !== 'done') {
            this.status.textContent = inv.status === 'failed' ? `${inv.id} failed: ${inv.error}` : `${inv.id} is still running`;
            return;
          }
          try {
            this.showResult(await api.investigation(inv.id));
          } catch (e) {
            this.status.textContent = e.message;
          }
        },
      }, el('b', {}, what), el('span', { class: 'muted small' }, ` ${fmtTime(inv.from)} · ${inv.status}${top ? ` · ${top}` : ''}`));
    }));
  }
}
