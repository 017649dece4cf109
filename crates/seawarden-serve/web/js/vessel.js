// Vessel panel: identity, last fix, track with a time slider replay, its alerts.
import { api } from './api.js';
import {
  el, fmtTime, fmtPos, fmtSpeed, fmtDeg, fmtAge, toMs, statusText, category, CATEGORIES, kindLabel, severity,
} from './format.js';
import { speedPlot } from './plot.js';
import { normTrack, positionAt } from './track.js';

/** Opens the vessel panel for an MMSI. */
export async function openVessel(ctx, mmsi) {
  const body = el('div', { class: 'vessel', dataset: { mmsi: String(mmsi) } }, el('p', { class: 'muted' }, `Loading MMSI ${mmsi}…`));
  let stop = () => {};
  ctx.showDetail(body, () => {
    stop();
    ctx.seaMap.clearSelection();
  });
  ctx.seaMap.selectVessel(Number(mmsi));
  let v;
  try {
    v = await api.vessel(mmsi);
  } catch (e) {
    body.replaceChildren(el('p', {}, `Could not load vessel ${mmsi}: ${e.message}`));
    return;
  }
  if (body.dataset.mmsi !== String(mmsi) || !body.isConnected) return;
  const track = normTrack(v.track);
  const cat = CATEGORIES.find((c) => c.id === category(v.ship_type));
  const lastMs = toMs(v.last_seen);

  body.replaceChildren(
    el('div', { class: 'detail-head' },
      el('i', { class: 'type-swatch', style: { background: cat.color }, title: cat.label }),
      el('h2', {}, v.name || '(no name)'),
      el('span', { class: 'pill' }, `Class ${v.class ?? '?'}`)),
    el('dl', { class: 'kv' },
      el('dt', {}, 'MMSI'), el('dd', {}, String(v.mmsi)),
      el('dt', {}, 'IMO'), el('dd', {}, v.imo ? String(v.imo) : '—'),
      el('dt', {}, 'Call sign'), el('dd', {}, v.callsign || '—'),
      el('dt', {}, 'Type'), el('dd', {}, `${v.ship_type_text || '—'}${v.ship_type ? ` (${v.ship_type})` : ''}`),
      el('dt', {}, 'Flag'), el('dd', {}, v.flag || '—')),
    el('h3', {}, 'Last fix'),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Time'), el('dd', {}, fmtTime(lastMs), el('span', { class: 'muted' }, ` (${fmtAge(lastMs, ctx.state.dataTime)})`)),
      el('dt', {}, 'Position'), el('dd', {}, fmtPos(v.lat, v.lon)),
      el('dt', {}, 'Speed / course'), el('dd', {}, `${fmtSpeed(v.sog)} · ${fmtDeg(v.cog)}`),
      el('dt', {}, 'Heading'), el('dd', {}, Number.isFinite(v.heading) && v.heading < 360 ? fmtDeg(v.heading) : '—'),
      el('dt', {}, 'Status'), el('dd', {}, statusText(v.status))));

  // Track replay.
  body.append(el('h3', {}, `Track replay `, el('span', { class: 'muted small' }, `${track.length} reports`)));
  ctx.seaMap.setTrack(track);
  if (track.length >= 2) {
    const t0 = track[0].t;
    const t1 = track[track.length - 1].t;
    const slider = el('input', { type: 'range', min: t0, max: t1, step: 1000, value: t1, id: 'replay-slider', 'aria-label': 'Replay time' });
    const readout = el('div', { class: 'replay-readout' });
    const play = el('button', { class: 'btn small', id: 'replay-play' }, '▶ Play');
    const plot = speedPlot(track, {});
    const update = () => {
      const t = Number(slider.value);
      const p = positionAt(track, t);
      ctx.seaMap.setCursor(p, v.ship_type, v.class === 'B');
      plot.setCursor(t);
      readout.textContent = p
        ? `${fmtTime(t)} · ${fmtPos(p.lat, p.lon)} · ${fmtSpeed(p.sog)} · ${fmtDeg(p.cog)}${p.gap ? ' · no reports (gap)' : ''}`
        : '';
    };
    let raf = 0;
    stop = () => {
      cancelAnimationFrame(raf);
      raf = 0;
      play.textContent = '▶ Play';
    };
    play.addEventListener('click', () => {
      if (raf) {
        stop();
        return;
      }
      if (Number(slider.value) >= t1) slider.value = t0;
      play.textContent = '❚❚ Pause';
      const span = t1 - t0;
      const duration = 20000; // the whole track in 20 s
      let last = performance.now();
      const step = (now) => {
        const next = Math.min(t1, Number(slider.value) + ((now - last) / duration) * span);
        last = now;
        slider.value = next;
        update();
        if (next >= t1) stop();
        else raf = requestAnimationFrame(step);
      };
      raf = requestAnimationFrame(step);
    });
    slider.addEventListener('input', () => {
      if (raf) stop();
      update();
    });
    body.append(
      el('div', { class: 'replay' }, play, slider),
      readout,
      el('div', { class: 'replay-ends muted small' }, el('span', {}, fmtTime(t0)), el('span', {}, fmtTime(t1))),
      el('div', { class: 'plot-box' }, plot.svg));
    update();
    ctx.seaMap.fitPoints(track.map((p) => [p.lon, p.lat]), 12);
  } else {
    body.append(el('p', { class: 'muted small' }, 'Not enough reports for a replay yet.'));
    if (Number.isFinite(v.lat)) ctx.seaMap.fitPoints([[v.lon, v.lat]], 10);
  }

  // Alerts of this vessel.
  const mine = [...ctx.state.alerts.values()].filter((a) => a.mmsi === v.mmsi || a.other_mmsi === v.mmsi)
    .sort((a, b) => toMs(b.start) - toMs(a.start));
  body.append(el('h3', {}, 'Alerts'), mine.length
    ? el('ul', { class: 'mini-alerts' }, mine.map((a) => el('li', {
      class: `sev-${severity(a.score ?? 0)}`,
      onclick: () => ctx.openAlert(a.id),
    }, el('b', {}, kindLabel(a.kind)), ` ${a.score ?? ''} · ${fmtTime(a.start).slice(5, 16)}`)))
    : el('p', { class: 'muted small' }, 'None.'));
}
