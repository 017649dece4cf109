// Investigation form: pick a cable or pipeline and a window, run, read the report.
import { api } from './api.js';
import { el, toMs } from './format.js';

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
  }

  /** Fills the feature list from the infrastructure collection (lines only). */
  setInfrastructure(fc) {
    const seen = new Map();
    for (const f of fc?.features ?? []) {
      const p = f.properties ?? {};
      if (!p.id || seen.has(p.id)) continue;
      if (!/LineString/.test(f.geometry?.type ?? '')) continue;
      seen.set(p.id, p);
    }
    const items = [...seen.values()].sort((a, b) => (a.kind ?? '').localeCompare(b.kind ?? '') || (a.name || a.id).localeCompare(b.name || b.id));
    this.feature.replaceChildren(...items.map((p) => el('option', { value: p.id }, `${p.kind === 'pipeline' ? 'Pipeline' : 'Cable'} · ${p.name || p.id}`)));
  }

  /** Default window: the last 24 h of data. */
  setDataTime(ms) {
    if (!Number.isFinite(ms) || this.from.value) return;
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
    try {
      const { id } = await api.investigate(body);
      await this.waitFor(id);
      const html = await api.report(id);
      this.status.textContent = `Report ${id} ready.`;
      this.show(id, html);
    } catch (e) {
      this.status.textContent = `Investigation failed: ${e.message}`;
    }
  }

  /** Waits while the server reports the investigation as still running (it may answer 202 and work on). */
  async waitFor(id) {
    const started = Date.now();
    for (;;) {
      let state = '';
      try {
        const inv = await api.investigation(id);
        state = String(inv?.status ?? inv?.state ?? '');
        if (/fail|error/i.test(state)) throw new Error(inv.error ?? inv.message ?? state);
      } catch (e) {
        if (e.status !== 404) throw e;
        state = 'pending';
      }
      if (!/running|pending|queued|started/i.test(state)) return;
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
}
