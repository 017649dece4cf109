//! `spoofing`: reports that cannot all be true.
//!
//! Definition: (1) an impossible jump: two consecutive positions further
//! apart than `min_jump_m` whose implied speed exceeds `max_speed_kn` (no
//! merchant ship exceeds 40 kn; 60 leaves room for fast craft and timing
//! noise); repeated jumps back and forth are one MMSI in two places at once;
//! (2) `min_on_land` consecutive positions on land (Natural Earth land),
//! reached by an impossible jump (ships on canals and rivers that the land
//! polygons do not show sail onto "land" smoothly, and are not spoofing);
//! (3) a class A ship transmitting with an implausible MMSI.

use seawarden_track::PerVessel;

use seawarden_track::PositionObs;
use serde_json::json;

use crate::alert::{rfc3339, AlertKind};
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::{distance_bounds_m, distance_m, World};

const JUMP: u64 = 1;
const LAND: u64 = 2;
const IDENTITY: u64 = 3;

#[derive(Default)]
struct State {
    on_land: u32,
    /// The run on land began with an impossible jump (a ship sailing a canal
    /// or river that the land polygons do not show arrives without one).
    jumped_onto_land: bool,
    jumps: u32,
    identity_reported: bool,
}

/// Per-vessel counters.
#[derive(Default)]
pub struct Spoofing {
    state: PerVessel<State>,
}

impl Spoofing {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, prev: Option<&PositionObs>, place: &Place, on_land: bool) {
        if !cx.vessel.class.is_ship() || seawarden_track::mmsi_is_special_station(p.mmsi) {
            return;
        }
        let cfg = &cx.config.spoofing;
        let st = self.state.at(cx.slot);
        let vessel = cx.vessel;
        if on_land {
            if st.on_land == 0 {
                st.jumped_onto_land = prev.is_some_and(|q| impossible_jump_m(cfg, q, p).is_some());
            }
            st.on_land += 1;
            if st.on_land >= cfg.min_on_land && st.jumped_onto_land {
                let mut evidence = cx.base_evidence();
                evidence.insert("consecutive_on_land".into(), json!(st.on_land));
                evidence.insert("lat".into(), json!(p.lat));
                evidence.insert("lon".into(), json!(p.lon));
                let factors = cx.factors(AlertKind::Spoofing, 30, format!("{} consecutive positions on land", st.on_land), None);
                let summary = format!("{} reports positions on land ({} in a row)", cx.who(), st.on_land);
                cx.episodes.hold(EpisodeKey { kind: AlertKind::Spoofing, mmsi: p.mmsi, other: None, key: LAND }, Observation { start_ms: p.time_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: vec![], zones: vec![], factors, summary, evidence, vessel_name: vessel.name().to_string() });
            }
            return;
        }
        if st.on_land > 0 {
            st.on_land = 0;
            cx.episodes.end(EpisodeKey { kind: AlertKind::Spoofing, mmsi: p.mmsi, other: None, key: LAND }, p.time_ms);
        }
        if cx.vessel.flags.invalid_mmsi && cx.vessel.class == seawarden_track::Class::A && !st.identity_reported {
            st.identity_reported = true;
            let mut evidence = cx.base_evidence();
            evidence.insert("mmsi".into(), json!(p.mmsi));
            let factors = cx.factors(AlertKind::Spoofing, 10, "the MMSI is not a valid ship station identity", None);
            let summary = format!("{} transmits class A positions under an invalid MMSI", cx.who());
            cx.episodes.instant(EpisodeKey { kind: AlertKind::Spoofing, mmsi: p.mmsi, other: None, key: IDENTITY }, Observation { start_ms: p.time_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: vec![], zones: vec![], factors, summary, evidence, vessel_name: vessel.name().to_string() });
        }
        let Some(prev) = prev else { return };
        // Worked out once for every detector (the engine's `Place`).
        if let Some(dist) = place.jump_m {
            let implied = implied_speed_kn(dist, prev, p);
            st.jumps += 1;
            let mut evidence = cx.base_evidence();
            evidence.insert("from".into(), json!({"time": rfc3339(prev.time_ms), "lat": prev.lat, "lon": prev.lon, "source": prev.source.map(|s| s.to_string())}));
            evidence.insert("to".into(), json!({"time": rfc3339(p.time_ms), "lat": p.lat, "lon": p.lon, "source": p.source.map(|s| s.to_string())}));
            evidence.insert("distance_m".into(), json!(dist.round()));
            evidence.insert("implied_speed_kn".into(), json!(implied.round()));
            evidence.insert("jumps".into(), json!(st.jumps));
            let two_places = st.jumps >= 3;
            let detail = if two_places { format!("{} impossible jumps: one MMSI in two places", st.jumps) } else { format!("jumped {:.1} km at an implied {implied:.0} kn", dist / 1000.0) };
            let factors = cx.factors(AlertKind::Spoofing, if two_places { 40 } else { 30 }, detail.clone(), None);
            let summary = format!("{} {detail}", cx.who());
            cx.episodes.hold(EpisodeKey { kind: AlertKind::Spoofing, mmsi: p.mmsi, other: None, key: JUMP }, Observation { start_ms: prev.time_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: vec![], zones: vec![], factors, summary, evidence, vessel_name: vessel.name().to_string() });
        }
    }
}

/// Knots over `dist` metres from `prev` to `p` (at least a second apart).
fn implied_speed_kn(dist: f64, prev: &PositionObs, p: &PositionObs) -> f64 {
    let dt_s = ((p.time_ms - prev.time_ms) as f64 / 1000.0).max(1.0);
    dist / dt_s * 3600.0 / 1852.0
}

/// The length of the step from `prev` to `p` if it is kinematically
/// impossible (at least `min_jump_m`, faster than `max_speed_kn`), else
/// `None`. The usual short step is ruled out by [`distance_bounds_m`],
/// without trigonometry: the implied speed only grows with the distance.
pub(crate) fn impossible_jump_m(cfg: &crate::config::Spoofing, prev: &PositionObs, p: &PositionObs) -> Option<f64> {
    let (_, hi) = distance_bounds_m(prev.lat, prev.lon, p.lat, p.lon);
    if hi < cfg.min_jump_m || implied_speed_kn(hi, prev, p) <= cfg.max_speed_kn {
        return None;
    }
    let dist = distance_m(prev.lat, prev.lon, p.lat, p.lon);
    (dist >= cfg.min_jump_m && implied_speed_kn(dist, prev, p) > cfg.max_speed_kn).then_some(dist)
}

impl Spoofing {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        self.state.table_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seawarden_track::Class;

    fn at(time_ms: i64, lat: f64, lon: f64) -> PositionObs {
        PositionObs { time_ms, mmsi: 230_000_001, lat, lon, sog: None, cog: None, heading: None, status: None, class: Class::A, msg_type: 1, source: None, payload_hash: 0 }
    }

    #[test]
    fn impossible_jumps_as_the_distance_decides() {
        let cfg = crate::config::Spoofing::default();
        let mut next = crate::world::test_sequence();
        let (mut jumps, mut n) = (0, 0);
        for _ in 0..200_000 {
            let (lat, lon) = (next() * 170.0 - 85.0, next() * 360.0 - 180.0);
            // Steps from metres to a few hundred km, over 1 s to an hour:
            // many near the thresholds (2 km, 60 kn).
            let step_deg = 10f64.powf(next() * 4.0 - 5.0) * 3.0;
            let dt_ms = (10f64.powf(next() * 3.6) * 1000.0) as i64;
            let (a, b) = (at(0, lat, lon), at(dt_ms, (lat + step_deg * (next() - 0.5)).clamp(-90.0, 90.0), lon + step_deg * (next() - 0.5)));
            let dist = distance_m(a.lat, a.lon, b.lat, b.lon);
            let want = (dist >= cfg.min_jump_m && dist / (dt_ms as f64 / 1000.0).max(1.0) * 3600.0 / 1852.0 > cfg.max_speed_kn).then_some(dist);
            assert_eq!(impossible_jump_m(&cfg, &a, &b), want, "{a:?} -> {b:?}");
            jumps += usize::from(want.is_some());
            n += 1;
        }
        assert!(jumps > n / 20 && jumps < n / 2, "both kinds covered: {jumps} of {n}");
    }
}
