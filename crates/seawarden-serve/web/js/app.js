// Seawarden web map: wires the map, the live stream and the panels together.
import { api, stream, setToken } from './api.js';
import { SeaMap } from './map.js';
import { AlertsPanel } from './alerts.js';
import { openVessel } from './vessel.js';
import { Investigate } from './investigate.js';
import { el, toMs, fmtTime, fmtClock, CATEGORIES } from './format.js';

const state = {
  vessels: new Map(), // mmsi -> API vessel object
  alerts: new Map(), // id -> alert (latest event)
  infra: new Map(), // id -> feature properties
  dataTime: NaN, // newest report time seen (ms)
  loaded: { land: false, infra: false, vessels: false, alerts: false },
  errors: [],
};

function toast(msg) {
  const box = document.getElementById('map-error');
  box.textContent = msg;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
  state.errors.push(msg);
}

const detail = document.getElementById('detail');
const detailBody = document.getElementById('detail-body');
let onDetailClose = null;

function showDetail(node, onClose) {
  if (onDetailClose) {
    const f = onDetailClose;
    onDetailClose = null;
    f();
  }
  detailBody.replaceChildren(node);
  detail.hidden = false;
  detail.scrollTop = 0;
  onDetailClose = onClose;
}

function closeDetail() {
  detail.hidden = true;
  detailBody.replaceChildren();
  if (onDetailClose) {
    const f = onDetailClose;
    onDetailClose = null;
    f();
  }
}
document.getElementById('detail-close').addEventListener('click', closeDetail);
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const modal = document.getElementById('report-modal');
  if (!modal.hidden) modal.hidden = true;
  else closeDetail();
});

// Tabs.
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
    for (const b of document.querySelectorAll('.tab-body')) b.classList.toggle('active', b.id === `tab-${tab.dataset.tab}`);
  });
}

// Legend of vessel colours.
document.getElementById('legend-vessels').replaceChildren(...CATEGORIES.map((c) =>
  el('span', {}, el('i', { class: 'sw-ship', style: { background: c.color } }), c.label)));

const ctx = {
  state,
  toast,
  showDetail,
  infraName: (id) => state.infra.get(id)?.name || id,
  openVessel: (mmsi) => openVessel(ctx, mmsi),
  openAlert: (id) => ctx.alerts.open(id),
};

const seaMap = new SeaMap('map', {
  vesselInfo: (mmsi) => state.vessels.get(mmsi),
  alertInfo: (id) => state.alerts.get(id),
  openVessel: (mmsi) => ctx.openVessel(mmsi),
  openAlert: (id) => ctx.openAlert(id),
  investigateLine: (id, lngLat) => investigate.prefill(id, lngLat),
});
ctx.seaMap = seaMap;
ctx.alerts = new AlertsPanel(ctx);
const investigate = new Investigate(ctx);

// For the browser tests and for debugging from the console.
window.seawarden = { map: seaMap.map, state, ctx };

seaMap.map.on('error', (e) => {
  const msg = e?.error?.message ?? String(e);
  state.errors.push(`map: ${msg}`);
  console.error('map error', msg);
});

// ---- vessels -------------------------------------------------------------

let vesselTimer = null;
function scheduleVessels() {
  if (vesselTimer) return;
  vesselTimer = setTimeout(() => {
    vesselTimer = null;
    seaMap.setVessels(state.vessels.values());
    document.getElementById('stat-vessels').textContent = String(state.vessels.size);
    if (Number.isFinite(state.dataTime)) document.getElementById('stat-datatime').textContent = fmtTime(state.dataTime);
  }, 300);
}

function upsertVessel(v) {
  if (!v || !Number.isFinite(Number(v.mmsi))) return;
  const mmsi = Number(v.mmsi);
  const old = state.vessels.get(mmsi);
  const merged = old ? { ...old } : {};
  for (const [k, val] of Object.entries(v)) if (k !== 'type' && val !== null && val !== undefined) merged[k] = val;
  merged.mmsi = mmsi;
  state.vessels.set(mmsi, merged);
  const t = toMs(v.last_seen);
  if (Number.isFinite(t) && !(t <= state.dataTime)) state.dataTime = t;
  scheduleVessels();
}

/** Replaces the vessels with the server's list for bbox (the area in view, padded): memory follows the view. */
function replaceVessels(list) {
  const inside = new Set(list.map((v) => Number(v.mmsi)));
  for (const mmsi of state.vessels.keys()) {
    if (!inside.has(mmsi) && mmsi !== seaMap.selected) state.vessels.delete(mmsi);
  }
  for (const v of list) upsertVessel(v);
  scheduleVessels();
}

async function loadVessels(bbox) {
  try {
    const list = await api.vessels(bbox);
    replaceVessels(Array.isArray(list) ? list : []);
    state.loaded.vessels = true;
    return list;
  } catch (e) {
    toast(`Vessels: ${e.message}`);
    return [];
  }
}

// ---- startup ---------------------------------------------------------------

async function start() {
  await seaMap.ready;
  const land = api.basemap().then((fc) => {
    seaMap.setLand(fc);
    state.loaded.land = true;
  }).catch((e) => toast(`Basemap: ${e.message}`));

  const infra = api.infrastructure().then((fc) => {
    for (const f of fc?.features ?? []) {
      const p = f.properties ?? {};
      if (p.id && !state.infra.has(p.id)) state.infra.set(p.id, p);
    }
    seaMap.setInfrastructure(fc);
    investigate.setInfrastructure(fc);
    renderInfraList();
    state.loaded.infra = true;
    ctx.alerts.render();
  }).catch((e) => toast(`Infrastructure: ${e.message}`));

  const alerts = api.alerts({ state: 'all', limit: 1000 }).then((list) => {
    for (const a of list ?? []) ctx.alerts.upsert(a);
    ctx.alerts.render();
    state.loaded.alerts = true;
  }).catch((e) => toast(`Alerts: ${e.message}`));

  // First view: every vessel the server knows, framed.
  const world = [-180, -90, 180, 90];
  const vessels = loadVessels(world).then((list) => {
    const pts = (list ?? []).filter((v) => Number.isFinite(v.lat) && Number.isFinite(v.lon));
    if (pts.length) {
      const q = (arr, f) => arr[Math.min(arr.length - 1, Math.max(0, Math.floor(f * arr.length)))];
      const lons = pts.map((v) => v.lon).sort((a, b) => a - b);
      const lats = pts.map((v) => v.lat).sort((a, b) => a - b);
      seaMap.map.fitBounds([[q(lons, 0.02), q(lats, 0.02)], [q(lons, 0.98), q(lats, 0.98)]],
        { padding: 40, maxZoom: 9, duration: 0 });
    }
    investigate.setDataTime(state.dataTime);
  });

  await Promise.all([land, infra, alerts, vessels]);
  document.body.dataset.loaded = 'true';

  const live = stream(seaMap.bbox(), (msg) => {
    if (msg.type === 'position') upsertVessel(msg);
    else if (msg.type === 'alert') ctx.alerts.upsert(msg.alert ?? stripType(msg), true);
  }, (s) => {
    const pill = document.getElementById('feed-state');
    pill.textContent = s;
    pill.className = `pill pill-${s}`;
  });

  let moveTimer = null;
  seaMap.map.on('moveend', () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(() => {
      const bbox = seaMap.bbox();
      live.setBbox(bbox);
      loadVessels(bbox);
    }, 400);
  });

  // Safety nets for anything the stream missed (reconnects, filtered areas).
  setInterval(() => loadVessels(seaMap.bbox()), 15000);
  setInterval(async () => {
    try {
      for (const a of await api.alerts({ state: 'all', limit: 1000 }) ?? []) ctx.alerts.upsert(a);
    } catch { /* the next round retries */ }
  }, 20000);
}

function stripType(msg) {
  const { type, ...rest } = msg;
  return rest;
}

// ---- infrastructure list ------------------------------------------------------

function renderInfraList() {
  const q = document.getElementById('infra-search').value.trim().toLowerCase();
  const items = [...state.infra.values()]
    .filter((p) => !q || `${p.name ?? ''} ${p.id} ${p.kind ?? ''}`.toLowerCase().includes(q))
    .sort((a, b) => (a.kind ?? '').localeCompare(b.kind ?? '') || (a.name || a.id).localeCompare(b.name || b.id))
    .slice(0, 400);
  document.getElementById('infra-list').replaceChildren(...items.map((p) => el('li', {
    class: `infra-item kind-${p.kind ?? 'other'}`,
    onclick: () => zoomToInfra(p.id),
  }, el('i', { class: `sw-swatch kind-${p.kind ?? 'other'}` }), el('span', {}, p.name || p.id),
  el('span', { class: 'muted small' }, ` ${String(p.kind ?? '').replace('_', ' ')}`))));
}
document.getElementById('infra-search').addEventListener('input', renderInfraList);

function zoomToInfra(id) {
  const coords = [];
  const walk = (c) => {
    if (typeof c[0] === 'number') coords.push(c);
    else for (const x of c) walk(x);
  };
  for (const f of seaMap.infra?.features ?? []) if (f.properties?.id === id) walk(f.geometry.coordinates);
  seaMap.fitPoints(coords, 10);
}

// ---- layer toggles -----------------------------------------------------------

const LAYER_GROUPS = [
  ['Vessels', ['vessels', 'vessel-selected']],
  ['Alerts', ['alert-halo']],
  ['Cables', ['cables']],
  ['Pipelines', ['pipelines']],
  ['Corridors', ['infra-corridor']],
  ['Zones', ['zones-fill', 'zones-line', 'territorial-line']],
  ['Graticule', ['graticule']],
];
document.getElementById('layer-toggles').replaceChildren(...LAYER_GROUPS.map(([label, layers]) => {
  const box = el('input', { type: 'checkbox', checked: true, dataset: { layers: layers.join(',') } });
  box.addEventListener('change', () => seaMap.setVisible(layers, box.checked));
  return el('label', { class: 'layer-toggle' }, box, label);
}));

// ---- vessel search -----------------------------------------------------------

const searchBox = document.getElementById('vessel-search');
const results = document.getElementById('vessel-results');
function runSearch() {
  const q = searchBox.value.trim().toUpperCase();
  if (q.length < 2) {
    results.hidden = true;
    return;
  }
  const hits = [];
  for (const v of state.vessels.values()) {
    const hay = `${v.name ?? ''} ${v.mmsi} ${v.imo ?? ''} ${v.callsign ?? ''}`.toUpperCase();
    if (hay.includes(q)) hits.push(v);
    if (hits.length >= 30) break;
  }
  results.replaceChildren(...(hits.length ? hits.map((v) => el('li', {
    onmousedown: (e) => {
      e.preventDefault();
      results.hidden = true;
      searchBox.value = '';
      ctx.openVessel(v.mmsi);
    },
  }, el('b', {}, v.name || '(no name)'), el('span', { class: 'muted small' }, `MMSI ${v.mmsi}${v.flag ? ` · ${v.flag}` : ''}`)))
    : [el('li', { class: 'muted' }, 'No vessel in view matches')]));
  results.hidden = false;
}
searchBox.addEventListener('input', runSearch);
searchBox.addEventListener('blur', () => { results.hidden = true; });
searchBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') results.querySelector('li')?.dispatchEvent(new MouseEvent('mousedown'));
  if (e.key === 'Escape') {
    searchBox.value = '';
    results.hidden = true;
  }
});

// ---- API token ----------------------------------------------------------------

window.addEventListener('seawarden-auth', () => {
  const box = document.getElementById('auth');
  if (!box.hidden) return;
  box.hidden = false;
  box.querySelector('input').focus();
});
document.getElementById('auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(e.target.querySelector('input').value.trim());
  location.reload();
});

// ---- status bar ---------------------------------------------------------------

setInterval(() => {
  document.getElementById('stat-clock').textContent = fmtClock(Date.now());
}, 1000);
document.getElementById('stat-clock').textContent = fmtClock(Date.now());

async function health() {
  try {
    const h = await api.health();
    if (h && Number.isFinite(h.messages)) document.getElementById('stat-messages').textContent = h.messages.toLocaleString('en');
  } catch { /* shown by the feed state */ }
}
health();
setInterval(health, 5000);

start().catch((e) => toast(`Start-up failed: ${e.message}`));
