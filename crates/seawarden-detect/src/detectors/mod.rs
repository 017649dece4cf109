//! The detectors. Each module holds one detector: its definition, its
//! per-vessel state, and its tests. The engine calls them for every new
//! position, every static report, and once a minute of data time.

mod ais_gap;
mod anchor_drag;
mod drift;
mod encounter;
mod identity_change;
mod loitering;
mod repeated_crossing;
mod speed_history;
mod spoofing;
pub(crate) use spoofing::impossible_jump_m;
mod zone_entry;


use seawarden_track::{IdentityChange, PositionObs, Tracker};

use crate::config::Config;
use crate::engine::{Cx, Place, VesselFacts};
use crate::episode::Episodes;
use crate::world::World;

/// Every detector's state.
#[derive(Default)]
pub struct Detectors {
    loitering: loitering::Loitering,
    anchor_drag: anchor_drag::AnchorDrag,
    ais_gap: ais_gap::AisGap,
    spoofing: spoofing::Spoofing,
    encounter: encounter::Encounter,
    zone_entry: zone_entry::ZoneEntry,
    identity_change: identity_change::IdentityChangeDetector,
    repeated_crossing: repeated_crossing::RepeatedCrossing,
    drift: drift::Drift,
}

impl Detectors {
    /// A new position of `cx.vessel`.
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, prev: Option<&PositionObs>, place: &Place, on_land: bool) {
        self.spoofing.on_position(cx, p, prev, place, on_land);
        if on_land {
            return;
        }
        self.ais_gap.on_position(cx, p, prev, place);
        self.loitering.on_position(cx, p, place);
        self.anchor_drag.on_position(cx, p, place);
        self.encounter.on_position(cx, p, place);
        self.zone_entry.on_position(cx, p, place);
        self.repeated_crossing.on_position(cx, p, place);
        self.drift.on_position(cx, p, place);
    }

    /// Bytes of per-vessel state held by all detectors.
    pub fn heap_bytes(&self) -> usize {
        self.loitering.heap_bytes()
            + self.anchor_drag.heap_bytes()
            + self.ais_gap.heap_bytes()
            + self.spoofing.heap_bytes()
            + self.encounter.heap_bytes()
            + self.zone_entry.heap_bytes()
            + self.identity_change.heap_bytes()
            + self.repeated_crossing.heap_bytes()
            + self.drift.heap_bytes()
    }

    /// New identity data for `cx.vessel`.
    pub fn on_static<W: World>(&mut self, cx: &mut Cx<'_, W>, changes: &[IdentityChange], now_ms: i64) {
        self.identity_change.on_static(cx, changes, now_ms);
    }

    /// Once a minute of data time.
    pub fn on_tick<W: World>(&mut self, world: &W, config: &Config, tracker: &Tracker, facts: &[VesselFacts], episodes: &mut Episodes, now_ms: i64) {
        self.ais_gap.on_tick(world, config, tracker, facts, episodes, now_ms);
    }
}

/// Median of a small sample (modifies the order of `v`).
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    Some(*m)
}

/// Hours as a short text: `2.5 h`, `40 min`.
pub(crate) fn duration_text(ms: i64) -> String {
    if ms >= 3_600_000 {
        format!("{:.1} h", ms as f64 / 3_600_000.0)
    } else {
        format!("{} min", ms / 60_000)
    }
}

/// The point `dist_m` metres from (`lat`, `lon`) on `course_deg` (planar
/// offsets: exact enough over the tens of kilometres detectors project).
pub(crate) fn ahead(lat: f64, lon: f64, course_deg: f64, dist_m: f64) -> (f64, f64) {
    let c = course_deg.to_radians();
    let lat2 = (lat + dist_m * c.cos() / 111_320.0).clamp(-89.9, 89.9);
    let lon2 = lon + dist_m * c.sin() / (111_320.0 * lat.to_radians().cos().max(0.01));
    (lat2, (lon2 + 540.0).rem_euclid(360.0) - 180.0)
}

/// A 64-bit key from a string (feature ids in episode keys).
pub(crate) fn key_of(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}
