//! `ais_gap`: a transponder silent much longer than its reporting interval,
//! where coverage shows it should have been heard.
//!
//! Definition: a ship's silence exceeds `interval_multiple` times its ITU-R
//! M.1371-5 reporting interval (Annex 1 Table 1: class A at anchor or under
//! 3 kn every 3 min, up to 14 kn every 10 s, up to 23 kn every 6 s, faster
//! every 2 s; class B "CS" every 30 s above 2 kn, else 3 min) and
//! `min_gap_s` (`near_infra_interval_multiple` and `near_infra_min_gap_s`
//! when its last fix was inside an infrastructure corridor or an `aoi`
//! zone), while at least `min_neighbours_heard` other ships were heard
//! during the silence within `coverage_radius_m` of where the ship would be
//! now (its last fix carried forward at its last speed and course, at most
//! an hour): a ship sailing out of the receivers' range is judged where it
//! went, not by the ships it left behind. The episode opens when the gap is
//! established (a once-a-minute check) and ends when the ship is heard
//! again; then the straight line between the two ends is tested against
//! infrastructure (a dark crossing), and the implied speed across the gap
//! is part of the evidence. Ships in port are exempt.

use seawarden_track::FastMap;

use seawarden_track::{Class, PositionObs, Tracker};
use serde_json::json;

use super::{ahead, duration_text};
use crate::alert::{rfc3339, AlertKind, Factor};
use crate::config::Config;
use crate::engine::{Cx, Place, VesselFacts};
use crate::episode::{EpisodeKey, Episodes, Observation};
use crate::world::{distance_m, World};

/// ITU-R M.1371-5 nominal reporting interval, seconds.
pub fn reporting_interval_s(class: Class, sog: Option<f32>, status: Option<u8>) -> f64 {
    let sog = sog.unwrap_or(0.0);
    match class {
        Class::B => {
            if sog > 2.0 {
                30.0
            } else {
                180.0
            }
        }
        _ => {
            if matches!(status, Some(1) | Some(5)) || sog < 3.0 {
                180.0
            } else if sog <= 14.0 {
                10.0
            } else if sog <= 23.0 {
                6.0
            } else {
                2.0
            }
        }
    }
}

/// Silence after which a ship is no longer checked every minute.
const STALE_MS: i64 = 24 * 3_600_000;

/// Window before the last report in which reception is judged.
const FADE_WINDOW_MS: i64 = 5 * 60_000;

/// Reception was already failing before the silence: fewer than half the
/// reports the ship's reporting interval implies arrived in the five
/// minutes before its last one. That is a ship sailing out of the
/// receivers' range (reception fades over the last miles), not a
/// transponder switched off, which stops a full-rate stream at once. Slow
/// reporters (3-minute intervals) send too few reports to judge.
fn fading(v: &seawarden_track::Vessel, last: &PositionObs) -> bool {
    let interval_ms = (reporting_interval_s(v.class, last.sog, last.status) * 1000.0) as i64;
    if interval_ms <= 0 || interval_ms > 60_000 {
        return false;
    }
    let from = last.time_ms - FADE_WINDOW_MS;
    let heard = v.track.iter().filter(|p| p.time_ms > from && p.time_ms <= last.time_ms).count() as i64;
    2 * heard < FADE_WINDOW_MS / interval_ms
}

/// Gaps open now, by vessel: the last fix before the silence.
#[derive(Default)]
pub struct AisGap {
    /// Last fix, neighbours heard, and the episode's observation (re-held
    /// every minute so that a long gap is not closed as idle).
    open: FastMap<u32, (PositionObs, usize, Observation)>,
    /// Silent ships found in port or fading out of range, with the time they
    /// were last heard when that was decided.
    excused: FastMap<u32, i64>,
    /// Silent ships whose last fix was in no corridor or AOI, with the time
    /// they were last heard: judged only against the longer threshold.
    far: FastMap<u32, i64>,
}

/// No threshold is shorter than the smaller of the two minimum gaps.
fn shortest_threshold_ms(cfg: &Config) -> i64 {
    cfg.ais_gap.min_gap_s.min(cfg.ais_gap.near_infra_min_gap_s).saturating_mul(1000)
}

fn key(mmsi: u32, start_ms: i64) -> EpisodeKey {
    EpisodeKey { kind: AlertKind::AisGap, mmsi, other: None, key: start_ms as u64 }
}

/// The gap thresholds after `last`, milliseconds: (anywhere, in a corridor
/// or AOI).
fn thresholds_ms(cfg: &Config, class: Class, last: &PositionObs) -> (i64, i64) {
    let interval = reporting_interval_s(class, last.sog, last.status);
    let g = &cfg.ais_gap;
    let anywhere = ((interval * g.interval_multiple) as i64 * 1000).max(g.min_gap_s * 1000);
    let near = ((interval * g.near_infra_interval_multiple) as i64 * 1000).max(g.near_infra_min_gap_s * 1000);
    (anywhere, near.min(anywhere))
}

/// True if a silence of `gap_ms` after `last` is a gap: longer than the
/// threshold for anywhere, or than the shorter one when `last` lies in an
/// infrastructure corridor or an `aoi` zone (asked of the world only then).
fn long_enough<W: World>(world: &W, cfg: &Config, class: Class, last: &PositionObs, gap_ms: i64) -> Option<i64> {
    let (anywhere, near) = thresholds_ms(cfg, class, last);
    if gap_ms >= anywhere {
        return Some(anywhere);
    }
    if gap_ms < near {
        return None;
    }
    let mut infra = Vec::new();
    world.infra_near(last.lat, last.lon, &mut infra);
    if !infra.is_empty() {
        return Some(near);
    }
    let mut zones = Vec::new();
    world.zones_at(last.lat, last.lon, &mut zones);
    zones.iter().any(|&z| world.zone_kind(z) == "aoi").then_some(near)
}

/// Dead reckoning is trusted this far ahead at most.
const MAX_DEAD_RECKONING_MS: i64 = 3_600_000;

/// Where a ship silent since `last` would be at `now_ms`: its last fix
/// carried forward at its last speed and course, for at most an hour.
fn expected_position(last: &PositionObs, now_ms: i64) -> (f64, f64) {
    match (last.sog, last.cog) {
        (Some(sog), Some(cog)) if (0.0..=60.0).contains(&sog) && (0.0..360.0).contains(&cog) => {
            let dt_s = (now_ms - last.time_ms).clamp(0, MAX_DEAD_RECKONING_MS) as f64 / 1000.0;
            ahead(last.lat, last.lon, cog as f64, sog as f64 * 1852.0 / 3600.0 * dt_s)
        }
        _ => (last.lat, last.lon),
    }
}

/// Other ships heard after `since_ms` within the coverage radius of `at`.
fn neighbours_heard(tracker: &Tracker, cfg: &Config, mmsi: u32, since_ms: i64, at: (f64, f64)) -> usize {
    let r = cfg.ais_gap.coverage_radius_m;
    let mut n = 0;
    tracker.around(at.0, at.1, r, |e| {
        if e.mmsi != mmsi && e.time_ms > since_ms && distance_m(e.lat, e.lon, at.0, at.1) <= r {
            n += 1;
        }
    });
    n
}

impl AisGap {
    pub fn on_tick<W: World>(&mut self, world: &W, cfg: &Config, tracker: &Tracker, facts: &[VesselFacts], episodes: &mut Episodes, now_ms: i64) {
        let mut open: Vec<&u32> = self.open.keys().collect();
        open.sort();
        for mmsi in open {
            let (last, _, o) = &self.open[mmsi];
            episodes.hold(key(*mmsi, last.time_ms), Observation { now_ms, ..o.clone() });
        }
        let mut found = Vec::new();
        let shortest_ms = shortest_threshold_ms(cfg);
        for (slot, &last_seen_ms) in tracker.last_seen_by_slot().iter().enumerate() {
            // Cheapest tests first: most ships were heard within the minute
            // (read from a dense array: no vessel record is touched for them).
            let silent = now_ms - last_seen_ms;
            if silent < shortest_ms {
                continue;
            }
            let Some(v) = tracker.vessel_at(slot) else { continue };
            // Ships silent for a day are no longer watched here; if they come
            // back, the gap is judged then (`on_position`).
            if silent > STALE_MS || !v.class.is_ship() || v.flags.invalid_mmsi {
                continue;
            }
            let Some(last) = v.last.as_ref() else { continue };
            if silent < thresholds_ms(cfg, v.class, last).1 || self.open.contains_key(&v.mmsi) {
                continue;
            }
            // In port or fading out of range: the answer cannot change until
            // the ship is heard again, so it is not worked out every minute.
            if self.excused.get(&v.mmsi) == Some(&v.last_seen_ms) {
                continue;
            }
            if facts.get(slot).is_some_and(|f| f.port_check_in_port()) || fading(v, last) {
                self.excused.insert(v.mmsi, v.last_seen_ms);
                continue;
            }
            // Between the two thresholds only ships last seen in a corridor
            // or an AOI qualify; where the last fix was does not change
            // until the ship is heard again.
            let far = self.far.get(&v.mmsi) == Some(&v.last_seen_ms);
            if far && silent < thresholds_ms(cfg, v.class, last).0 {
                continue;
            }
            let Some(threshold) = long_enough(world, cfg, v.class, last, silent) else {
                self.far.insert(v.mmsi, v.last_seen_ms);
                continue;
            };
            let at = expected_position(last, now_ms);
            let heard = neighbours_heard(tracker, cfg, v.mmsi, last.time_ms, at);
            if heard >= cfg.ais_gap.min_neighbours_heard {
                found.push((v.mmsi, *last, heard, v.name().to_string(), slot, threshold, at));
            }
        }
        found.sort_by_key(|f| f.0);
        for (mmsi, last, heard, name, slot, threshold, at) in found {
            let silent = now_ms - last.time_ms;
            let mut evidence = serde_json::Map::new();
            evidence.insert("last_seen".into(), json!(rfc3339(last.time_ms)));
            evidence.insert("last_lat".into(), json!(last.lat));
            evidence.insert("last_lon".into(), json!(last.lon));
            evidence.insert("last_speed_kn".into(), json!(last.sog));
            evidence.insert("neighbours_heard".into(), json!(heard));
            evidence.insert("expected_lat".into(), json!(at.0));
            evidence.insert("expected_lon".into(), json!(at.1));
            evidence.insert("silent_s".into(), json!(silent / 1000));
            evidence.insert("threshold_s".into(), json!(threshold / 1000));
            let mut factors = vec![Factor {
                name: "ais_gap".into(),
                points: 25,
                detail: format!("silent for {} (threshold {}) while {heard} ships near where it should be were heard", duration_text(silent), duration_text(threshold)),
            }];
            let f = facts.get(slot);
            if let Some(w) = f.and_then(|f| f.watch.as_ref()) {
                factors.push(Factor { name: "watchlist".into(), points: 30, detail: format!("on {}: {}", w.list, w.reason) });
            }
            let mut infra = Vec::new();
            let mut near = Vec::new();
            world.infra_near(last.lat, last.lon, &mut near);
            if let Some(c) = near.first() {
                infra.push(world.infra_id(c.feature).to_string());
                factors.push(Factor { name: "infrastructure".into(), points: 10, detail: format!("went silent {:.0} m from {}", c.distance_m, world.infra_name(c.feature)) });
            }
            let who = if name.is_empty() { "Vessel".to_string() } else { name.clone() };
            let summary = format!("{who} ({mmsi}) has been silent for {} although {heard} ships near its last position are heard", duration_text(silent));
            let o = Observation { start_ms: last.time_ms, now_ms, lat: last.lat, lon: last.lon, infrastructure: infra, zones: vec![], factors, summary, evidence, vessel_name: name };
            episodes.hold(key(mmsi, last.time_ms), o.clone());
            self.open.insert(mmsi, (last, heard, o));
        }
    }

    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, prev: Option<&PositionObs>, place: &Place) {
        let Some(prev) = prev else { return };
        // Few gaps are open at once (the table is not hashed into while it
        // is empty), and most reports come well within the shortest
        // threshold (tested before the ship's own thresholds).
        let was_open = if self.open.is_empty() { None } else { self.open.remove(&p.mmsi) };
        let gap = p.time_ms - prev.time_ms;
        let cfg = cx.config;
        if was_open.is_none()
            && (gap < shortest_threshold_ms(cfg)
                || gap < thresholds_ms(cfg, cx.vessel.class, prev).1
                || gap > cfg.ais_gap.max_gap_s * 1000
                || place.in_port
                || !cx.vessel.class.is_ship()
                || cx.vessel.flags.invalid_mmsi
                || fading(cx.vessel, prev)
                || long_enough(cx.world, cfg, cx.vessel.class, prev, gap).is_none())
        {
            return;
        }
        // A gap the once-a-minute check did not open (the data skipped
        // ahead, or it was longer than a day): coverage is judged halfway
        // along the straight line across it.
        let heard = match was_open {
            Some((_, h, _)) => h,
            None => neighbours_heard(cx.tracker, cfg, p.mmsi, prev.time_ms, ((prev.lat + p.lat) / 2.0, (prev.lon + p.lon) / 2.0)),
        };
        if heard < cfg.ais_gap.min_neighbours_heard {
            return;
        }
        let dist = distance_m(prev.lat, prev.lon, p.lat, p.lon);
        let implied_kn = dist / (gap as f64 / 1000.0).max(1.0) * 3600.0 / 1852.0;
        let crossed: Vec<String> = place.crossings.iter().map(|c| cx.world.infra_id(c.feature).to_string()).collect();
        let crossed_names: Vec<String> = place.crossings.iter().map(|c| cx.world.infra_name(c.feature).to_string()).collect();
        let mut factors = cx.factors(AlertKind::AisGap, 25, format!("silent for {} while {heard} ships nearby were heard", duration_text(gap)), None);
        if !crossed.is_empty() {
            factors.push(Factor { name: "dark_crossing".into(), points: 25, detail: format!("the straight line across the gap crosses {}", crossed_names.join(", ")) });
        }
        let mut evidence = cx.base_evidence();
        evidence.insert("gap_s".into(), json!(gap / 1000));
        evidence.insert("from".into(), json!({"time": rfc3339(prev.time_ms), "lat": prev.lat, "lon": prev.lon, "speed_kn": prev.sog}));
        evidence.insert("to".into(), json!({"time": rfc3339(p.time_ms), "lat": p.lat, "lon": p.lon, "speed_kn": p.sog}));
        evidence.insert("distance_m".into(), json!(dist.round()));
        evidence.insert("implied_speed_kn".into(), json!((implied_kn * 10.0).round() / 10.0));
        evidence.insert("neighbours_heard".into(), json!(heard));
        evidence.insert("crossed".into(), json!(crossed));
        let name = cx.vessel.name().to_string();
        let summary = format!(
            "{} ({}) was silent for {} and reappeared {:.1} km away (implied {:.1} kn){}",
            if name.is_empty() { "Vessel" } else { &name },
            p.mmsi,
            duration_text(gap),
            dist / 1000.0,
            implied_kn,
            if crossed_names.is_empty() { String::new() } else { format!(", crossing {} in the dark", crossed_names.join(", ")) }
        );
        let k = key(p.mmsi, prev.time_ms);
        cx.episodes.hold(k, Observation { start_ms: prev.time_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: crossed, zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name });
        cx.episodes.end(k, p.time_ms);
    }
}

impl AisGap {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        seawarden_track::map_table_bytes(&self.open) + seawarden_track::map_table_bytes(&self.excused) + seawarden_track::map_table_bytes(&self.far)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `on_tick` and `on_position` pass over ships silent for less than
    /// the smaller minimum gap without working out their thresholds: no
    /// threshold is shorter.
    #[test]
    fn no_threshold_is_shorter_than_the_smaller_minimum_gap() {
        let cfg = Config::default();
        let shortest_ms = shortest_threshold_ms(&cfg);
        for class in [Class::A, Class::B, Class::SarAircraft, Class::BaseStation, Class::AidToNavigation] {
            for sog in [None, Some(0.0), Some(1.0), Some(2.9), Some(3.1), Some(14.0), Some(14.1), Some(23.0), Some(23.1), Some(102.2)] {
                for status in [None, Some(0), Some(1), Some(5), Some(15)] {
                    let last = PositionObs { time_ms: 0, mmsi: 1, lat: 0.0, lon: 0.0, sog, cog: None, heading: None, status, class, msg_type: 1, source: None, payload_hash: 0 };
                    let (anywhere, near) = thresholds_ms(&cfg, class, &last);
                    assert!(near >= shortest_ms && anywhere >= shortest_ms, "{class:?} {sog:?} {status:?}");
                }
            }
        }
    }
}
