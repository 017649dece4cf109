//! `identity_change`: name, call sign, IMO or ship type changing for one
//! MMSI, and one IMO number appearing under two MMSIs (a changed flag, or a
//! stolen identity).

use seawarden_track::FastMap;

use seawarden_track::IdentityChange;
use serde_json::json;

use super::key_of;
use crate::alert::AlertKind;
use crate::engine::Cx;
use crate::episode::{EpisodeKey, Observation};
use crate::world::World;

/// The MMSI last seen with each IMO number.
#[derive(Default)]
pub struct IdentityChangeDetector {
    imo_owner: FastMap<u32, (u32, i64)>,
    /// (IMO, lower MMSI, higher MMSI) already reported as sharing the IMO:
    /// two ships broadcasting one IMO is one finding, not one per message.
    shared_reported: FastMap<(u32, u32, u32), ()>,
}

impl IdentityChangeDetector {
    pub fn on_static<W: World>(&mut self, cx: &mut Cx<'_, W>, changes: &[IdentityChange], now_ms: i64) {
        let v = cx.vessel;
        let (lat, lon) = v.last.map_or((f64::NAN, f64::NAN), |l| (l.lat, l.lon));
        let name = v.name();
        for c in changes.iter().filter(|c| cx.config.identity_change.fields.iter().any(|f| f == c.field)) {
            let mut evidence = cx.base_evidence();
            evidence.insert("field".into(), json!(c.field));
            evidence.insert("before".into(), json!(c.before));
            evidence.insert("after".into(), json!(c.after));
            let points = if c.field == "imo" { 30 } else { 20 };
            let factors = cx.factors(AlertKind::IdentityChange, points, format!("{} changed from {} to {}", c.field, c.before, c.after), None);
            let summary = format!("{} changed its {} from {} to {}", cx.who(), c.field, c.before, c.after);
            cx.episodes.instant(
                EpisodeKey { kind: AlertKind::IdentityChange, mmsi: v.mmsi, other: None, key: key_of(c.field) ^ key_of(&c.after) ^ now_ms as u64 },
                Observation { start_ms: now_ms, now_ms, lat, lon, infrastructure: vec![], zones: vec![], factors, summary, evidence, vessel_name: name.to_string() },
            );
        }
        let Some(imo) = v.identity().imo else { return };
        let previous = self.imo_owner.insert(imo, (v.mmsi, now_ms));
        let pair = previous.map(|(m, _)| (imo, m.min(v.mmsi), m.max(v.mmsi)));
        if let Some((other, seen)) = previous.filter(|(m, _)| *m != v.mmsi && pair.is_some_and(|k| self.shared_reported.insert(k, ()).is_none())) {
            let other_flag = cx.world.flag(other);
            let mut evidence = cx.base_evidence();
            evidence.insert("imo".into(), json!(imo));
            evidence.insert("other_mmsi".into(), json!(other));
            evidence.insert("other_flag".into(), json!(other_flag));
            evidence.insert("other_last_seen".into(), json!(crate::alert::rfc3339(seen)));
            let flag = cx.flag();
            let flag_changed = other_flag.is_some() && other_flag != flag;
            let detail = if flag_changed { format!("IMO {imo} moved from MMSI {other} ({}) to {} ({}): flag change", other_flag.clone().unwrap_or_default(), v.mmsi, flag.unwrap_or_default()) } else { format!("IMO {imo} is also used by MMSI {other}") };
            let factors = cx.factors(AlertKind::IdentityChange, 30, detail.clone(), None);
            let summary = format!("{}: {detail}", cx.who());
            cx.episodes.instant(
                EpisodeKey { kind: AlertKind::IdentityChange, mmsi: v.mmsi, other: Some(other), key: imo as u64 },
                Observation { start_ms: now_ms, now_ms, lat, lon, infrastructure: vec![], zones: vec![], factors, summary, evidence, vessel_name: name.to_string() },
            );
        }
    }
}

impl IdentityChangeDetector {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        seawarden_track::map_table_bytes(&self.imo_owner) + seawarden_track::map_table_bytes(&self.shared_reported)
    }
}
