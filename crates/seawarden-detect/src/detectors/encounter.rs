//! `encounter`: two ships close together and slow for long enough, away from
//! ports and anchorages.
//!
//! Definition (after Global Fishing Watch's encounter events): two ships
//! within `max_distance_m` (500 m) of each other, both under `max_speed_kn`
//! (2 kn), outside port areas and anchorages, continuously for
//! `min_duration_s` (2 h), or `near_infra_min_duration_s` (30 min) when
//! either is inside an infrastructure corridor. Positions of the other ship
//! older than 10 minutes do not count.

use seawarden_track::FastMap;

use seawarden_track::PositionObs;
use serde_json::json;

use super::duration_text;
use crate::alert::AlertKind;
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::{distance_m, World};

const FRESH_MS: i64 = 10 * 60_000;

#[derive(Clone, Copy)]
struct Pair {
    since_ms: i64,
    last_ms: i64,
    min_distance_m: f64,
}

/// Pairs of ships currently together.
#[derive(Default)]
pub struct Encounter {
    pairs: FastMap<(u32, u32), Pair>,
    partners: FastMap<u32, Vec<u32>>,
}

impl Encounter {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        let cfg = &cx.config.encounter;
        let slow = p.sog.is_some_and(|s| (s as f64) < cfg.max_speed_kn);
        if !cx.vessel.class.is_ship() {
            return;
        }
        let mut close = Vec::new();
        if slow && !place.in_port {
            cx.tracker.around(p.lat, p.lon, cfg.max_distance_m, |e| {
                // The grid's cells are wider than the distance: most ships
                // in them are ruled out by latitude alone.
                if e.mmsi != p.mmsi && p.time_ms - e.time_ms <= FRESH_MS && e.sog.is_some_and(|s| (s as f64) < cfg.max_speed_kn) && crate::world::distance_bounds_m(p.lat, p.lon, e.lat, e.lon).0 <= cfg.max_distance_m {
                    let d = distance_m(p.lat, p.lon, e.lat, e.lon);
                    if d <= cfg.max_distance_m {
                        close.push((e.mmsi, d));
                    }
                }
            });
        }
        // End pairs of this vessel that are no longer together.
        let partners = self.partners.get(&p.mmsi).cloned().unwrap_or_default();
        for other in partners {
            if close.iter().any(|c| c.0 == other) {
                continue;
            }
            let k = (p.mmsi.min(other), p.mmsi.max(other));
            for (a, b) in [(p.mmsi, other), (other, p.mmsi)] {
                if let Some(v) = self.partners.get_mut(&a) {
                    v.retain(|&x| x != b);
                    if v.is_empty() {
                        self.partners.remove(&a);
                    }
                }
            }
            if let Some(pair) = self.pairs.remove(&k) {
                cx.episodes.end(EpisodeKey { kind: AlertKind::Encounter, mmsi: k.0, other: Some(k.1), key: 0 }, pair.last_ms);
            }
        }
        for (other, d) in close {
            let Some(ov) = cx.tracker.vessel(other) else { continue };
            if !ov.class.is_ship() {
                continue;
            }
            let k = (p.mmsi.min(other), p.mmsi.max(other));
            if !self.pairs.contains_key(&k) {
                self.partners.entry(p.mmsi).or_default().push(other);
                self.partners.entry(other).or_default().push(p.mmsi);
            }
            let pair = self.pairs.entry(k).or_insert(Pair { since_ms: p.time_ms, last_ms: p.time_ms, min_distance_m: d });
            pair.last_ms = p.time_ms;
            pair.min_distance_m = pair.min_distance_m.min(d);
            let near_infra = !place.infra.is_empty();
            let need = 1000 * if near_infra { cfg.near_infra_min_duration_s } else { cfg.min_duration_s };
            let together = p.time_ms - pair.since_ms;
            if together < need {
                continue;
            }
            let pair = *pair;
            let ekey = EpisodeKey { kind: AlertKind::Encounter, mmsi: k.0, other: Some(k.1), key: 0 };
            if cx.episodes.extend_if_fresh(&ekey, p.time_ms) {
                continue;
            }
            let mut factors = cx.factors(AlertKind::Encounter, 25, format!("within {:.0} m of {} for {}", d, other, duration_text(together)), Some(place));
            if let Some(w) = cx.world.watch(other, ov.identity().imo, ov.name()) {
                factors.push(crate::alert::Factor { name: "other_watchlist".into(), points: 20, detail: format!("the other ship is on {}: {}", w.list, w.reason) });
            }
            let mut evidence = cx.base_evidence();
            evidence.insert("other_mmsi".into(), json!(other));
            evidence.insert("other_name".into(), json!(ov.name()));
            evidence.insert("distance_m".into(), json!(d.round()));
            evidence.insert("min_distance_m".into(), json!(pair.min_distance_m.round()));
            evidence.insert("duration_s".into(), json!(together / 1000));
            evidence.insert("threshold_s".into(), json!(need / 1000));
            let name = cx.vessel.name().to_string();
            let summary = format!(
                "{} ({}) and {} ({}) have been within {:.0} m of each other at under {} kn for {}",
                if name.is_empty() { "Vessel" } else { &name },
                p.mmsi,
                if ov.name().is_empty() { "vessel" } else { ov.name() },
                other,
                pair.min_distance_m.max(d),
                cfg.max_speed_kn,
                duration_text(together)
            );
            cx.episodes.hold(
                EpisodeKey { kind: AlertKind::Encounter, mmsi: k.0, other: Some(k.1), key: 0 },
                Observation { start_ms: pair.since_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: cx.infra_ids(place), zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name },
            );
        }
    }
}

impl Encounter {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        seawarden_track::map_table_bytes(&self.pairs) + seawarden_track::map_table_bytes(&self.partners) + self.partners.values().map(|v| v.capacity() * 4).sum::<usize>()
    }
}
