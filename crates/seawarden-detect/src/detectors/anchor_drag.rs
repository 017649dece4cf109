//! `anchor_drag`: the Eagle S / Yi Peng 3 signature.
//!
//! Definition: a ship under way (not at anchor or moored, at least
//! `min_speed_kn`) inside an infrastructure corridor, away from port, sailing
//! at no more than `max_speed_ratio` of its own cruising speed (the median of
//! its speeds over the previous `baseline_window_s`, at least
//! `min_baseline_kn`) while holding its course (within
//! `max_course_change_deg` of its course when the slowdown began), for at
//! least `min_duration_s`. A dragged anchor slows a ship without turning it:
//! Eagle S dragged its anchor for about 100 km across Estlink 2 and four
//! telecom cables at roughly 6 kn instead of its usual 9-10 (Finnish police
//! and Traficom statements, December 2024).
//!
//! Early warning: a ship that has slowed that way for `min_duration_s`
//! outside any corridor, and whose course line at its current speed
//! reaches a corridor within `lookahead_s`, is reported before it gets
//! there, with a lower score (25 base points instead of 40, no
//! infrastructure points). The episode is the same one that continues when
//! the ship enters the corridor, so its id does not change: the crossing
//! raises its score and emits an `update`. A ship that turns or speeds up
//! before reaching the line ends the episode.

use seawarden_track::PerVessel;

use seawarden_track::PositionObs;
use serde_json::json;

use super::speed_history::SpeedHistory;
use super::{ahead, duration_text, key_of, median};
use crate::alert::{AlertKind, Factor};
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::{angle_diff, distance_m, World};

#[derive(Default)]
struct State {
    /// One speed sample per two minutes at most over the baseline window:
    /// 4 bytes each, at most 60 (a quarter KiB per ship).
    history: SpeedHistory,
    /// The slow, straight run under way, if any (boxed: few ships are ever
    /// in one, and this is kept for every ship).
    slow: Option<Box<SlowRunState>>,
    key: u64,
    /// When the course line was last projected onto the corridors (at most
    /// once a minute), ms.
    looked_ms: i64,
}

/// When a slow, straight run began: time (ms), course, latitude, longitude,
/// baseline speed (knots).
type SlowStart = (i64, f32, f64, f64, f64);

/// A slow, straight run: its start, and the lines crossed during it.
struct SlowRunState {
    start: SlowStart,
    crossed: Vec<String>,
}

impl State {
    /// Lines crossed during the slow run (none outside one).
    fn crossed(&self) -> &[String] {
        self.slow.as_ref().map_or(&[], |s| &s.crossed)
    }

    /// The slow run, begun now with `start` if there is none.
    fn slow_run(&mut self, start: SlowStart) -> &mut SlowRunState {
        self.slow.get_or_insert_with(|| Box::new(SlowRunState { start, crossed: Vec::new() }))
    }
}

/// Per-vessel speed history and slowdowns.
#[derive(Default)]
pub struct AnchorDrag {
    state: PerVessel<State>,
    /// Reused for the baseline's median (no allocation per position).
    scratch: Vec<f64>,
}

impl AnchorDrag {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        if !cx.vessel.class.is_ship() {
            return;
        }
        let cfg = &cx.config.anchor_drag;
        let st = self.state.at(cx.slot);
        let (Some(sog), Some(cog)) = (p.sog, p.cog) else { return };
        let baseline_from = p.time_ms - cfg.baseline_window_s * 1000;
        let baseline_from = (baseline_from / 1000).max(0) as u32;
        while st.history.front_s().is_some_and(|t| t < baseline_from) {
            st.history.pop_front();
        }
        // At anchor, moored, aground, or not under command (a ship drifting
        // without power is `drift`'s case, not a slowdown under way).
        let stopped = matches!(p.status, Some(1) | Some(2) | Some(5) | Some(6)) || (sog as f64) < cfg.min_speed_kn;
        let in_corridor = !place.infra.is_empty() && !place.in_port;
        let mut key = EpisodeKey { kind: AlertKind::AnchorDrag, mmsi: p.mmsi, other: None, key: st.key };
        let record = |st: &mut State| {
            let now_s = (p.time_ms / 1000).max(0) as u32;
            if st.history.back_s().is_none_or(|t| now_s.saturating_sub(t) >= 120) {
                st.history.push(now_s, (sog * 10.0).round().clamp(0.0, 65_535.0) as u16);
            }
        };
        // Most positions are far from any corridor: only the history is kept.
        // Away from corridors, a slowdown is looked for only when a speed
        // sample is due (every 2 minutes): cheap for the many ships far from
        // any cable, and early enough to time a drag that reaches one.
        let sample_due = st.history.back_s().is_none_or(|t| ((p.time_ms / 1000).max(0) as u32).saturating_sub(t) >= 120);
        if !in_corridor && st.slow.is_none() && (!sample_due || stopped) {
            record(st);
            return;
        }
        if st.slow.is_some() && in_corridor && cx.episodes.extend_if_fresh(&key, p.time_ms) {
            return;
        }
        // Baseline: cruising speeds before the slowdown (samples while slow are excluded).
        let baseline = {
            let until = st.slow.as_ref().map_or(u32::MAX, |s| (s.start.0 / 1000).max(0) as u32);
            let speeds = &mut self.scratch;
            speeds.clear();
            speeds.extend(st.history.iter().map(|h| (h.0, h.1 as f64 / 10.0)).filter(|h| h.0 < until && h.1 >= cfg.min_baseline_kn * 0.5).map(|h| h.1));
            if speeds.len() >= 5 {
                median(speeds)
            } else {
                None
            }
        };
        let slow_now = !stopped && baseline.is_some_and(|b| b >= cfg.min_baseline_kn && (sog as f64) <= b * cfg.max_speed_ratio);
        // A slowdown is timed from where it begins, in a corridor or not: a
        // ship already dragging its anchor when it reaches a cable (Eagle S)
        // is reported as it enters the corridor.
        if slow_now && !in_corridor {
            let (since, course0, lat0, lon0, base) = st.slow_run((p.time_ms, cog, p.lat, p.lon, baseline.unwrap_or(0.0))).start;
            let turned = angle_diff(cog as f64, course0 as f64);
            if turned > cfg.max_course_change_deg {
                st.slow = None;
                cx.episodes.end(key, p.time_ms);
            } else if cfg.lookahead_s > 0 && p.time_ms - since >= cfg.min_duration_s * 1000 && p.time_ms - st.looked_ms >= 60_000 {
                st.looked_ms = p.time_ms;
                let reach_m = sog as f64 * 1852.0 / 3600.0 * cfg.lookahead_s as f64;
                let to = ahead(p.lat, p.lon, cog as f64, reach_m);
                let mut hits = Vec::new();
                cx.world.infra_crossings((p.lat, p.lon), to, &mut hits);
                if let Some(first) = hits.iter().min_by(|a, b| a.fraction.total_cmp(&b.fraction)) {
                    if !cx.episodes.is_open(&key) {
                        st.key = key_of(cx.world.infra_id(first.feature));
                        key.key = st.key;
                    }
                    let (dur, dist) = (p.time_ms - since, distance_m(lat0, lon0, p.lat, p.lon));
                    let (to_line_m, line) = (first.fraction * reach_m, cx.world.infra_name(first.feature).to_string());
                    let eta_s = first.fraction * cfg.lookahead_s as f64;
                    let ratio = sog as f64 / base.max(0.1);
                    let factors = cx.factors(AlertKind::AnchorDrag, 25, format!("{sog:.1} kn against a cruising {base:.1} kn for {}, course held, heading for {line} {:.1} km ahead", duration_text(dur), to_line_m / 1000.0), None);
                    let mut evidence = cx.base_evidence();
                    SlowRun { sog, base, ratio, cog, course0, turned, dur_ms: dur, dist_m: dist }.evidence(&mut evidence, st.crossed(), p.status);
                    evidence.insert("ahead".into(), json!({"infrastructure": cx.world.infra_id(first.feature), "distance_m": to_line_m.round(), "eta_s": eta_s.round()}));
                    let name = cx.vessel.name().to_string();
                    let summary = format!(
                        "{} ({}) has slowed to {:.1} kn, {:.0}% of its cruising speed, without turning for {}, and is heading for {line}, {:.1} km ahead (about {} at this speed)",
                        if name.is_empty() { "Vessel" } else { &name },
                        p.mmsi,
                        sog,
                        ratio * 100.0,
                        duration_text(dur),
                        to_line_m / 1000.0,
                        duration_text((eta_s * 1000.0) as i64)
                    );
                    let infra = vec![cx.world.infra_id(first.feature).to_string()];
                    cx.episodes.hold(key, Observation { start_ms: since, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: infra, zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name });
                }
            }
        } else if slow_now && in_corridor {
            let (since, course0, lat0, lon0, base) = st.slow_run((p.time_ms, cog, p.lat, p.lon, baseline.unwrap_or(0.0))).start;
            if st.crossed().is_empty() && !cx.episodes.is_open(&key) {
                st.key = key_of(cx.world.infra_id(place.infra[0].feature));
                key.key = st.key;
            }
            if let Some(run) = st.slow.as_mut() {
                for c in place.crossings.iter() {
                    let id = cx.world.infra_id(c.feature).to_string();
                    if !run.crossed.contains(&id) {
                        run.crossed.push(id);
                    }
                }
            }
            let turned = angle_diff(cog as f64, course0 as f64);
            if turned > cfg.max_course_change_deg {
                st.slow = None;
                cx.episodes.end(key, p.time_ms);
            } else if p.time_ms - since >= cfg.min_duration_s * 1000 {
                let dur = p.time_ms - since;
                let dist = distance_m(lat0, lon0, p.lat, p.lon);
                let ratio = sog as f64 / base.max(0.1);
                let mut factors = cx.factors(AlertKind::AnchorDrag, 40, format!("{sog:.1} kn against a cruising {base:.1} kn for {}, course held", duration_text(dur)), Some(place));
                let crossed = st.crossed();
                if !crossed.is_empty() {
                    factors.push(Factor { name: "crossings".into(), points: (10 * crossed.len()).min(20) as u8, detail: format!("crossed {} while slow", crossed.join(", ")) });
                }
                if cx.vessel.identity().shiptype.is_some_and(|t| (70..90).contains(&t)) {
                    factors.push(Factor { name: "ship_type".into(), points: 5, detail: "cargo ship or tanker (carries heavy anchors)".into() });
                }
                let mut evidence = cx.base_evidence();
                SlowRun { sog, base, ratio, cog, course0, turned, dur_ms: dur, dist_m: dist }.evidence(&mut evidence, st.crossed(), p.status);
                let name = cx.vessel.name().to_string();
                let summary = format!(
                    "{} ({}) has sailed {:.1} km at {:.1} kn, {:.0}% of its cruising speed, without turning, over {}",
                    if name.is_empty() { "Vessel" } else { &name },
                    p.mmsi,
                    dist / 1000.0,
                    sog,
                    ratio * 100.0,
                    cx.world.infra_name(place.infra[0].feature)
                );
                let mut infra = cx.infra_ids(place);
                for c in st.crossed() {
                    if !infra.contains(c) {
                        infra.push(c.clone());
                    }
                }
                cx.episodes.hold(key, Observation { start_ms: since, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: infra, zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name });
            }
        } else if !slow_now && st.slow.take().is_some() {
            cx.episodes.end(key, p.time_ms);
        }
        record(st);
    }
}

impl AnchorDrag {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        self.state.table_bytes() + self.state.iter().map(|(_, s)| s.history.heap_bytes() + s.slow.as_ref().map_or(0, |s| std::mem::size_of::<SlowRunState>() + s.crossed.capacity() * std::mem::size_of::<String>() + s.crossed.iter().map(|c| c.capacity()).sum::<usize>())).sum::<usize>()
    }
}

/// The figures of a slow run with its course held: the evidence both the
/// early warning and the episode at the line give.
struct SlowRun {
    sog: f32,
    base: f64,
    ratio: f64,
    cog: f32,
    course0: f32,
    turned: f64,
    dur_ms: i64,
    dist_m: f64,
}

impl SlowRun {
    fn evidence(&self, evidence: &mut serde_json::Map<String, serde_json::Value>, crossed: &[String], status: Option<u8>) {
        evidence.insert("speed_kn".into(), json!(self.sog));
        evidence.insert("baseline_speed_kn".into(), json!((self.base * 10.0).round() / 10.0));
        evidence.insert("speed_ratio".into(), json!((self.ratio * 100.0).round() / 100.0));
        evidence.insert("course_deg".into(), json!(self.cog));
        evidence.insert("course_at_start_deg".into(), json!(self.course0));
        evidence.insert("course_change_deg".into(), json!(self.turned.round()));
        evidence.insert("duration_s".into(), json!(self.dur_ms / 1000));
        evidence.insert("distance_m".into(), json!(self.dist_m.round()));
        evidence.insert("crossed".into(), json!(crossed));
        evidence.insert("status".into(), json!(status));
    }
}
