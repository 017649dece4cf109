//! `repeated_crossing`: the same cable or pipeline crossed many times in a day.
//!
//! Definition: at least `min_crossings` crossings of one line by one ship
//! within `window_s` (24 h). A crossing is the straight path between two
//! consecutive positions intersecting the line. The Svalbard cable was
//! crossed more than 140 times by one trawler around its January 2022
//! failure (Norwegian police investigation, reported by NRK); a ferry on a
//! fixed route crosses a cable a few times a day, so the default is 6 and
//! ferries on scheduled routes may need an exception list.

use std::collections::VecDeque;

use seawarden_track::FastMap;

use seawarden_track::PositionObs;
use serde_json::json;

use super::key_of;
use crate::alert::{rfc3339, AlertKind};
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::World;

/// A crossing: time and point.
type CrossingAt = (i64, f64, f64);

/// Crossing times per (vessel, feature).
#[derive(Default)]
pub struct RepeatedCrossing {
    crossings: FastMap<(u32, u32), VecDeque<CrossingAt>>,
}

impl RepeatedCrossing {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        let cfg = &cx.config.repeated_crossing;
        if p.sog.is_some_and(|s| s as f64 > cfg.max_speed_kn) {
            return;
        }
        for c in &place.crossings {
            let q = self.crossings.entry((p.mmsi, c.feature)).or_default();
            q.push_back((p.time_ms, c.lat, c.lon));
            while q.front().is_some_and(|x| p.time_ms - x.0 > cfg.window_s * 1000) {
                q.pop_front();
            }
            if (q.len() as u32) < cfg.min_crossings {
                continue;
            }
            let n = q.len();
            let first = q.front().expect("non-empty").0;
            let line = cx.world.infra_name(c.feature).to_string();
            let id = cx.world.infra_id(c.feature).to_string();
            let mut factors = cx.factors(AlertKind::RepeatedCrossing, 35, format!("crossed {line} {n} times since {}", rfc3339(first)), Some(place));
            if n as u32 >= cfg.min_crossings * 3 {
                factors.push(crate::alert::Factor { name: "many_crossings".into(), points: 15, detail: format!("{n} crossings") });
            }
            let mut evidence = cx.base_evidence();
            evidence.insert("crossings".into(), json!(n));
            evidence.insert("window_s".into(), json!(cfg.window_s));
            evidence.insert("crossing_points".into(), json!(q.iter().map(|x| json!({"time": rfc3339(x.0), "lat": x.1, "lon": x.2})).collect::<Vec<_>>()));
            let name = cx.vessel.name().to_string();
            let summary = format!("{} ({}) has crossed {} {} times within {} h", if name.is_empty() { "Vessel" } else { &name }, p.mmsi, line, n, cfg.window_s / 3600);
            cx.episodes.hold(
                EpisodeKey { kind: AlertKind::RepeatedCrossing, mmsi: p.mmsi, other: None, key: key_of(&id) },
                Observation { start_ms: first, now_ms: p.time_ms, lat: c.lat, lon: c.lon, infrastructure: vec![id], zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name },
            );
        }
    }
}

impl RepeatedCrossing {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        seawarden_track::map_table_bytes(&self.crossings) + self.crossings.values().map(|q| q.capacity() * std::mem::size_of::<CrossingAt>()).sum::<usize>()
    }
}
