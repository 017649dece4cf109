// The map: an offline MapLibre style (no tiles, no glyphs, no sprite) and its data layers.
import * as maplibregl from '../vendor/maplibre-gl.mjs';
import { addIcons, iconName } from './icons.js';
import { category, SEVERITY_COLORS, severity, fmtPos, el, fmtSpeed, fmtDeg, statusText } from './format.js';

export { maplibregl };

const EMPTY = { type: 'FeatureCollection', features: [] };

export const COLORS = {
  sea: '#0a1724',
  land: '#25292e',
  coast: '#4d5d6b',
  graticule: '#14283a',
  cable: '#22d3ee',
  pipeline: '#f59e42',
  track: '#e6f1ff',
  window: '#ffb347',
};

const ZONE_FILL = {
  territorial_sea: ['#2b6a94', 0.16],
  eez: ['#1f4b6b', 0.12],
  aoi: ['#ffb347', 0.12],
  anchorage: ['#7fb2e5', 0.16],
  port: ['#a5c8ee', 0.16],
  exclusion: ['#ff4d5e', 0.16],
};

function matchKind(table, index, fallback) {
  const expr = ['match', ['get', 'kind']];
  for (const [k, v] of Object.entries(table)) expr.push(k, v[index]);
  expr.push(fallback);
  return expr;
}

/** Graticule lines: every 5° everywhere, every 1° around North Europe (drawn at zoom 5+). */
function graticule() {
  const features = [];
  const line = (coords, major) => features.push({
    type: 'Feature',
    properties: { major },
    geometry: { type: 'LineString', coordinates: coords },
  });
  for (let lon = -180; lon <= 180; lon += 5) {
    const c = [];
    for (let lat = -80; lat <= 85; lat += 5) c.push([lon, lat]);
    line(c, true);
  }
  for (let lat = -80; lat <= 85; lat += 5) line([[-180, lat], [-90, lat], [0, lat], [90, lat], [180, lat]], true);
  for (let lon = -40; lon <= 70; lon += 1) if (lon % 5) line([[lon, 40], [lon, 60], [lon, 85]], false);
  for (let lat = 40; lat <= 85; lat += 1) if (lat % 5) line([[-40, lat], [0, lat], [30, lat], [70, lat]], false);
  return { type: 'FeatureCollection', features };
}

function style() {
  return {
    version: 8,
    name: 'Seawarden offline',
    sources: {
      land: { type: 'geojson', data: EMPTY, attribution: 'Land: Natural Earth (public domain)' },
      graticule: { type: 'geojson', data: graticule() },
      infra: {
        type: 'geojson',
        data: EMPTY,
        promoteId: 'id',
        attribution: 'Infrastructure as loaded by the server (demo: cables © TeleGeography CC BY-NC-SA 3.0, pipelines Sodir NLOD 2.0, territorial seas © OpenStreetMap contributors ODbL)',
      },
      track: { type: 'geojson', data: EMPTY, lineMetrics: true },
      trackPoints: { type: 'geojson', data: EMPTY },
      evidence: { type: 'geojson', data: EMPTY },
      alerts: { type: 'geojson', data: EMPTY },
      vessels: { type: 'geojson', data: EMPTY },
      cursor: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': COLORS.sea } },
      {
        id: 'graticule', type: 'line', source: 'graticule',
        filter: ['any', ['get', 'major'], ['>=', ['zoom'], 5]],
        paint: { 'line-color': COLORS.graticule, 'line-width': ['case', ['get', 'major'], 1, 0.6] },
      },
      {
        id: 'zones-fill', type: 'fill', source: 'infra',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: {
          'fill-color': matchKind(ZONE_FILL, 0, '#5c7a99'),
          'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.35, matchKind(ZONE_FILL, 1, 0.1)],
        },
      },
      {
        id: 'land', type: 'fill', source: 'land',
        paint: { 'fill-color': COLORS.land, 'fill-antialias': true },
      },
      {
        id: 'land-coast', type: 'line', source: 'land',
        paint: { 'line-color': COLORS.coast, 'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.4, 8, 1.1] },
      },
      {
        id: 'zones-line', type: 'line', source: 'infra',
        filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['!=', ['get', 'kind'], 'territorial_sea']],
        paint: {
          'line-color': matchKind(ZONE_FILL, 0, '#5c7a99'),
          'line-width': 1.2,
          'line-dasharray': [3, 2],
          'line-opacity': 0.8,
        },
      },
      {
        id: 'territorial-line', type: 'line', source: 'infra',
        filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['==', ['get', 'kind'], 'territorial_sea']],
        paint: { 'line-color': '#3b7fb0', 'line-width': 0.8, 'line-opacity': 0.6, 'line-dasharray': [2, 2] },
      },
      {
        // The protection corridor: always faint when close, bright under the pointer.
        id: 'infra-corridor', type: 'line', source: 'infra',
        filter: ['==', ['geometry-type'], 'LineString'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': ['match', ['get', 'kind'], 'pipeline', COLORS.pipeline, COLORS.cable],
          'line-opacity': ['interpolate', ['linear'], ['zoom'],
            7, ['case', ['boolean', ['feature-state', 'hover'], false], 0.28, 0],
            9, ['case', ['boolean', ['feature-state', 'hover'], false], 0.28, 0.08]],
          'line-width': corridorWidth(58),
        },
      },
      {
        id: 'cables', type: 'line', source: 'infra',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['!=', ['get', 'kind'], 'pipeline']],
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': COLORS.cable,
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 1, 10, 2.4],
          'line-opacity': 0.9,
        },
      },
      {
        id: 'pipelines', type: 'line', source: 'infra',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'kind'], 'pipeline']],
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': COLORS.pipeline,
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 1, 10, 2.4],
          'line-dasharray': [4, 1.5],
          'line-opacity': 0.9,
        },
      },
      {
        id: 'track-line', type: 'line', source: 'track',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-width': 2.2,
          'line-gradient': ['interpolate', ['linear'], ['line-progress'], 0, 'rgba(230,241,255,0.15)', 1, COLORS.track],
        },
      },
      {
        id: 'track-points', type: 'circle', source: 'trackPoints',
        paint: {
          'circle-radius': ['case', ['get', 'inWindow'], 3.2, 2],
          'circle-color': ['case', ['get', 'inWindow'], COLORS.window, '#c8d6e5'],
          'circle-opacity': ['case', ['get', 'inWindow'], 1, 0.55],
        },
      },
      {
        id: 'evidence-line', type: 'line', source: 'evidence',
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': '#ff4d5e', 'line-width': 2, 'line-dasharray': [2, 2] },
      },
      {
        id: 'evidence-points', type: 'circle', source: 'evidence',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-radius': 5,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#ff4d5e',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'alert-halo', type: 'circle', source: 'alerts',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, 7, 10, 15],
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-width': ['case', ['get', 'selected'], 3.5, 2],
          'circle-stroke-color': ['match', ['get', 'severity'],
            'critical', SEVERITY_COLORS.critical, 'high', SEVERITY_COLORS.high,
            'medium', SEVERITY_COLORS.medium, SEVERITY_COLORS.low],
          'circle-stroke-opacity': ['case', ['get', 'acknowledged'], 0.35, 0.95],
        },
      },
      {
        id: 'vessels', type: 'symbol', source: 'vessels',
        layout: {
          'icon-image': ['get', 'icon'],
          'icon-rotate': ['get', 'rot'],
          'icon-rotation-alignment': 'map',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          'icon-size': ['interpolate', ['linear'], ['zoom'], 3, 0.55, 7, 0.8, 11, 1.1],
          'symbol-sort-key': ['get', 'sog'],
        },
      },
      {
        id: 'vessel-selected', type: 'symbol', source: 'vessels',
        filter: ['==', ['get', 'mmsi'], -1],
        layout: { 'icon-image': 'selected-ring', 'icon-allow-overlap': true, 'icon-ignore-placement': true },
      },
      {
        id: 'cursor', type: 'symbol', source: 'cursor',
        layout: {
          'icon-image': ['get', 'icon'],
          'icon-rotate': ['get', 'rot'],
          'icon-rotation-alignment': 'map',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          'icon-size': 1.25,
        },
      },
    ],
  };
}

/** Line width (px) of a corridor of `corridor_m` either side of the line at latitude `lat`. */
function corridorWidth(lat) {
  // MapLibre's world is 512 px wide at zoom 0.
  const mPerPx0 = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / 512;
  const w = (z) => ['*', ['coalesce', ['get', 'corridor_m'], 1000], (2 * 2 ** z) / mPerPx0];
  return ['interpolate', ['exponential', 2], ['zoom'], 0, w(0), 22, w(22)];
}

/** Splits MultiLineStrings into LineStrings and MultiPolygons into Polygons (simpler filters). */
function flatten(fc) {
  const out = [];
  for (const f of fc?.features ?? []) {
    const g = f?.geometry;
    if (!g) continue;
    const props = f.properties ?? {};
    if (g.type === 'MultiLineString') {
      for (const c of g.coordinates) out.push({ type: 'Feature', properties: props, geometry: { type: 'LineString', coordinates: c } });
    } else if (g.type === 'MultiPolygon') {
      for (const c of g.coordinates) out.push({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: c } });
    } else {
      out.push({ type: 'Feature', properties: props, geometry: g });
    }
  }
  return { type: 'FeatureCollection', features: out };
}

/** Wraps the MapLibre map with the operations the panels need. */
export class SeaMap {
  constructor(container, handlers) {
    this.handlers = handlers;
    this.map = new maplibregl.Map({
      container,
      style: style(),
      center: [14, 60],
      zoom: 3.6,
      minZoom: 1.5,
      maxZoom: 16,
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
      fadeDuration: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'nautical', maxWidth: 140 }), 'bottom-right');
    this.map.on('styleimagemissing', () => {}); // every icon is registered at load
    this.ready = new Promise((resolve) => this.map.on('load', () => {
      addIcons(this.map);
      // Start with the attribution folded (the ⓘ button opens it).
      containerEl(container)?.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
      this.bindPointer();
      resolve();
    }));
    this.map.on('moveend', () => {
      const lat = this.map.getCenter().lat;
      this.map.setPaintProperty('infra-corridor', 'line-width', corridorWidth(Math.max(-80, Math.min(80, lat))));
    });
    this.selected = null;
    this.labelBox = document.getElementById('labels');
    this.labelEls = new Map();
    this.labelPending = false;
    this.map.on('render', () => {
      if (this.labelPending) return;
      this.labelPending = true;
      requestAnimationFrame(() => {
        this.labelPending = false;
        this.updateLabels();
      });
    });
  }

  /** Vessel names as HTML labels beside their icons when zoomed in (the style has no glyphs). */
  updateLabels() {
    if (!this.labelBox) return;
    const keep = new Set();
    if (this.map.getZoom() >= 9.5 && this.map.getLayer('vessels')) {
      const feats = this.map.queryRenderedFeatures({ layers: ['vessels'] });
      if (feats.length <= 300) {
        // Named vessels first, then greedy placement: a label that would overlap a placed one is left out.
        const cands = feats.map((f) => {
          const v = this.handlers.vesselInfo(f.properties.mmsi);
          return { mmsi: f.properties.mmsi, name: v?.name || '', p: this.map.project(f.geometry.coordinates) };
        }).sort((a, b) => (b.name ? 1 : 0) - (a.name ? 1 : 0) || (this.selected === b.mmsi) - (this.selected === a.mmsi));
        const placed = [];
        for (const c of cands) {
          if (keep.has(c.mmsi)) continue;
          const text = c.name || String(c.mmsi);
          const box = [c.p.x + 8, c.p.y - 8, c.p.x + 12 + text.length * 6.6, c.p.y + 8];
          if (placed.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
          placed.push(box);
          keep.add(c.mmsi);
          let div = this.labelEls.get(c.mmsi);
          if (!div) {
            div = el('div', { class: 'vlabel' });
            this.labelEls.set(c.mmsi, div);
            this.labelBox.append(div);
          }
          if (div.textContent !== text) div.textContent = text;
          div.classList.toggle('unnamed', !c.name);
          div.style.left = `${c.p.x}px`;
          div.style.top = `${c.p.y}px`;
        }
      }
    }
    for (const [mmsi, div] of this.labelEls) {
      if (!keep.has(mmsi)) {
        div.remove();
        this.labelEls.delete(mmsi);
      }
    }
  }

  /** Shows or hides a group of layers. */
  setVisible(layers, on) {
    for (const id of layers) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  setLand(fc) {
    this.map.getSource('land').setData(fc);
  }

  setInfrastructure(fc) {
    this.infra = flatten(fc);
    this.map.getSource('infra').setData(this.infra);
  }

  /** Redraws every vessel from an iterable of API vessel objects. */
  setVessels(vessels) {
    const features = [];
    for (const v of vessels) {
      if (!Number.isFinite(v.lat) || !Number.isFinite(v.lon)) continue;
      const heading = Number.isFinite(v.heading) && v.heading < 360 ? v.heading : null;
      const cog = Number.isFinite(v.cog) && v.cog < 360 ? v.cog : null;
      const moving = Number.isFinite(v.sog) && v.sog >= 0.5;
      const rot = heading ?? (moving ? cog : null);
      features.push({
        type: 'Feature',
        properties: {
          mmsi: v.mmsi,
          icon: iconName(category(v.ship_type), rot !== null, v.class === 'B'),
          rot: rot ?? 0,
          sog: Number.isFinite(v.sog) ? v.sog : 0,
        },
        geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
      });
    }
    this.map.getSource('vessels').setData({ type: 'FeatureCollection', features });
  }

  selectVessel(mmsi) {
    this.selected = mmsi;
    this.map.setFilter('vessel-selected', ['==', ['get', 'mmsi'], mmsi ?? -1]);
  }

  setAlerts(alerts, selectedId) {
    const features = alerts.filter((a) => Number.isFinite(a.lat) && Number.isFinite(a.lon)).map((a) => ({
      type: 'Feature',
      properties: {
        id: a.id,
        severity: severity(a.score ?? 0),
        acknowledged: a.state === 'acknowledged',
        selected: a.id === selectedId,
      },
      geometry: { type: 'Point', coordinates: [a.lon, a.lat] },
    }));
    this.map.getSource('alerts').setData({ type: 'FeatureCollection', features });
  }

  /** Draws a track: points [{t(ms), lat, lon}], those within [from, to] highlighted. */
  setTrack(points, from = -Infinity, to = Infinity) {
    const coords = points.map((p) => [p.lon, p.lat]);
    this.map.getSource('track').setData(coords.length >= 2
      ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }
      : EMPTY);
    this.map.getSource('trackPoints').setData({
      type: 'FeatureCollection',
      features: points.map((p) => ({
        type: 'Feature',
        properties: { inWindow: p.t >= from && p.t <= to },
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      })),
    });
  }

  setEvidence(fc) {
    this.map.getSource('evidence').setData(fc ?? EMPTY);
  }

  /** The replay cursor: a vessel icon at a track point (or none). */
  setCursor(p, shipType, isClassB) {
    if (!p) {
      this.map.getSource('cursor').setData(EMPTY);
      return;
    }
    const hasCourse = Number.isFinite(p.cog) && p.cog < 360;
    this.map.getSource('cursor').setData({
      type: 'Feature',
      properties: { icon: iconName(category(shipType), hasCourse, isClassB), rot: hasCourse ? p.cog : 0 },
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    });
  }

  clearSelection() {
    this.setTrack([]);
    this.setEvidence(null);
    this.setCursor(null);
    this.selectVessel(null);
  }

  fitPoints(coords, maxZoom = 11) {
    if (!coords.length) return;
    const b = new maplibregl.LngLatBounds(coords[0], coords[0]);
    for (const c of coords) b.extend(c);
    // The detail panel covers the right of the map when open.
    const right = document.getElementById('detail')?.hidden === false ? 470 : 60;
    this.map.fitBounds(b, { padding: { top: 70, bottom: 70, left: 60, right }, maxZoom, duration: 600 });
  }

  bbox(pad = 0.25) {
    const b = this.map.getBounds();
    const dx = (b.getEast() - b.getWest()) * pad;
    const dy = (b.getNorth() - b.getSouth()) * pad;
    return [
      Math.max(-180, b.getWest() - dx), Math.max(-90, b.getSouth() - dy),
      Math.min(180, b.getEast() + dx), Math.min(90, b.getNorth() + dy),
    ];
  }

  bindPointer() {
    const map = this.map;
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12, className: 'sw-popup' });
    // The actions offered on a click on a cable or pipeline.
    const linePopup = new maplibregl.Popup({ closeButton: true, closeOnClick: true, offset: 8, className: 'sw-popup' });
    let hoverInfra = null;
    const setHover = (id) => {
      if (hoverInfra === id) return;
      if (hoverInfra !== null) map.setFeatureState({ source: 'infra', id: hoverInfra }, { hover: false });
      hoverInfra = id;
      if (id !== null) map.setFeatureState({ source: 'infra', id }, { hover: true });
    };
    const coordsBox = document.getElementById('cursor-pos');
    map.on('mousemove', (e) => {
      if (coordsBox) coordsBox.textContent = fmtPos(e.lngLat.lat, e.lngLat.lng);
      const r = 6;
      const box = [[e.point.x - r, e.point.y - r], [e.point.x + r, e.point.y + r]];
      const hits = map.queryRenderedFeatures(box, { layers: ['vessels', 'alert-halo', 'cables', 'pipelines'] });
      const vessel = hits.find((f) => f.layer.id === 'vessels');
      const alert = hits.find((f) => f.layer.id === 'alert-halo');
      const line = hits.find((f) => f.layer.id === 'cables' || f.layer.id === 'pipelines');
      map.getCanvas().style.cursor = vessel || alert || line ? 'pointer' : '';
      setHover(line && !vessel ? line.id ?? null : null);
      if (linePopup.isOpen()) {
        popup.remove(); // keep the line's actions in view
        return;
      }
      if (vessel) {
        const v = this.handlers.vesselInfo(vessel.properties.mmsi);
        popup.setLngLat(vessel.geometry.coordinates).setDOMContent(vesselTip(v, vessel.properties.mmsi)).addTo(map);
      } else if (alert) {
        const a = this.handlers.alertInfo(alert.properties.id);
        if (a) popup.setLngLat(alert.geometry.coordinates).setDOMContent(el('div', {}, el('b', {}, a.summary ?? a.kind))).addTo(map);
      } else if (line) {
        const p = line.properties;
        popup.setLngLat(e.lngLat).setDOMContent(el('div', {},
          el('b', {}, p.name || p.id),
          el('div', { class: 'muted' }, `${p.kind ?? 'line'} · corridor ${p.corridor_m ?? '—'} m each side`))).addTo(map);
      } else {
        popup.remove();
      }
    });
    map.on('mouseout', () => {
      popup.remove();
      setHover(null);
    });
    map.on('click', (e) => {
      const r = 6;
      const box = [[e.point.x - r, e.point.y - r], [e.point.x + r, e.point.y + r]];
      const hits = map.queryRenderedFeatures(box, { layers: ['alert-halo', 'vessels', 'cables', 'pipelines'] });
      const alert = hits.find((f) => f.layer.id === 'alert-halo');
      const vessel = hits.find((f) => f.layer.id === 'vessels');
      const line = hits.find((f) => f.layer.id === 'cables' || f.layer.id === 'pipelines');
      if (vessel) this.handlers.openVessel(vessel.properties.mmsi);
      else if (alert) this.handlers.openAlert(alert.properties.id);
      else if (line && this.handlers.investigateLine) {
        // A cable or pipeline: offer an investigation of it (whole, or around this point).
        const p = line.properties;
        popup.remove();
        const go = (at) => () => {
          linePopup.remove();
          this.handlers.investigateLine(p.id, at);
        };
        linePopup.setLngLat(e.lngLat).setDOMContent(el('div', { class: 'line-actions' },
          el('b', {}, p.name || p.id),
          el('div', { class: 'muted' }, `${p.kind ?? 'line'} · corridor ${p.corridor_m ?? '—'} m each side`),
          el('div', { class: 'row' },
            el('button', { type: 'button', class: 'btn small primary', onclick: go(null) }, 'Investigate'),
            el('button', { type: 'button', class: 'btn small', onclick: go(e.lngLat) }, 'Investigate here')))).addTo(map);
      }
    });
  }
}

function containerEl(c) {
  return typeof c === 'string' ? document.getElementById(c) : c;
}

function vesselTip(v, mmsi) {
  if (!v) return el('div', {}, `MMSI ${mmsi}`);
  return el('div', {},
    el('b', {}, v.name || `MMSI ${v.mmsi}`),
    el('div', { class: 'muted' }, `${v.ship_type_text || 'type unknown'}${v.flag ? ` · ${v.flag}` : ''}`),
    el('div', {}, `${fmtSpeed(v.sog)} · ${fmtDeg(v.cog)} · ${statusText(v.status)}`));
}
