//! `zone_entry`: a watchlisted ship entering a zone.
//!
//! Definition: a ship on a watchlist (by MMSI, IMO or name) moves from
//! outside to inside a zone whose kind is listed in `kinds` (by default
//! territorial seas, areas of interest and exclusion zones), or into any zone
//! whose GeoJSON properties set `alert_on_entry`.

use seawarden_track::PerVessel;

use seawarden_track::PositionObs;
use serde_json::json;

use super::key_of;
use crate::alert::AlertKind;
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::World;

/// Zones each vessel is in.
#[derive(Default)]
pub struct ZoneEntry {
    inside: PerVessel<Option<Vec<u32>>>,
}

impl ZoneEntry {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        // Most positions change nothing: compare before allocating.
        let inside = self.inside.at(cx.slot).get_or_insert_with(|| {
            let mut v = place.zones.clone();
            v.push(u32::MAX); // marks "first position": no entry alerts yet
            v
        });
        let first = inside.last() == Some(&u32::MAX);
        if !first && *inside == place.zones {
            return;
        }
        let before = std::mem::replace(inside, place.zones.clone());
        if first {
            return;
        }
        let Some(watch) = cx.facts.watch.clone() else { return };
        for &z in place.zones.iter().filter(|z| !before.contains(z)) {
            let kind = cx.world.zone_kind(z);
            if !cx.config.zone_entry.kinds.iter().any(|k| k == kind) {
                continue;
            }
            let zone_name = cx.world.zone_name(z).to_string();
            let mut factors = cx.factors(AlertKind::ZoneEntry, 30, format!("entered {zone_name} ({kind})"), Some(place));
            factors.retain(|f| f.name != "watchlist");
            factors.push(crate::alert::Factor { name: "watchlist".into(), points: 30, detail: format!("on {} (matched by {}): {}", watch.list, watch.matched_on, watch.reason) });
            let mut evidence = cx.base_evidence();
            evidence.insert("zone".into(), json!({"id": cx.world.zone_id(z), "name": zone_name, "kind": kind}));
            evidence.insert("speed_kn".into(), json!(p.sog));
            evidence.insert("course_deg".into(), json!(p.cog));
            let name = cx.vessel.name().to_string();
            let summary = format!("Watchlisted {} ({}) entered {} ({kind}); listed on {}", if name.is_empty() { "vessel" } else { &name }, p.mmsi, zone_name, watch.list);
            cx.episodes.instant(
                EpisodeKey { kind: AlertKind::ZoneEntry, mmsi: p.mmsi, other: None, key: key_of(cx.world.zone_id(z)) ^ p.time_ms as u64 },
                Observation { start_ms: p.time_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: cx.infra_ids(place), zones: vec![cx.world.zone_id(z).to_string()], factors, summary, evidence, vessel_name: name },
            );
        }
    }
}

impl ZoneEntry {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        self.inside.table_bytes() + self.inside.iter().map(|(_, v)| v.as_ref().map_or(0, |v| v.capacity() * 4)).sum::<usize>()
    }
}
