//! `drift`: a ship not under command, or drifting with no way on, near
//! infrastructure.
//!
//! Definition: inside an infrastructure corridor and away from port, the ship
//! reports navigational status 2 ("not under command") or moves at
//! `min_speed_kn`-`max_speed_kn` with its heading more than
//! `min_heading_course_diff_deg` off its course over ground (moving sideways
//! or backwards: pushed by wind and current), continuously for
//! `min_duration_s`. A drifting ship may drop its anchor in an emergency.

use seawarden_track::PerVessel;

use seawarden_track::PositionObs;
use serde_json::json;

use super::{duration_text, key_of};
use crate::alert::AlertKind;
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::{angle_diff, World};

/// When each vessel started drifting.
#[derive(Default)]
pub struct Drift {
    since: PerVessel<Option<(i64, u64)>>,
}

impl Drift {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        let cfg = &cx.config.drift;
        let nuc = p.status == Some(2);
        let sideways = match (p.sog, p.cog, p.heading) {
            (Some(s), Some(c), Some(h)) => (s as f64) >= cfg.min_speed_kn && (s as f64) <= cfg.max_speed_kn && angle_diff(c as f64, h as f64) > cfg.min_heading_course_diff_deg,
            _ => false,
        };
        let drifting = (nuc || sideways) && !place.infra.is_empty() && !place.in_port && cx.vessel.class.is_ship();
        if !drifting {
            if let Some((_, key)) = self.since.at(cx.slot).take() {
                cx.episodes.end(EpisodeKey { kind: AlertKind::Drift, mmsi: p.mmsi, other: None, key }, p.time_ms);
            }
            return;
        }
        let (since, key) = *self.since.at(cx.slot).get_or_insert_with(|| (p.time_ms, key_of(cx.world.infra_id(place.infra[0].feature))));
        let dur = p.time_ms - since;
        if dur < cfg.min_duration_s * 1000 {
            return;
        }
        if cx.episodes.extend_if_fresh(&EpisodeKey { kind: AlertKind::Drift, mmsi: p.mmsi, other: None, key }, p.time_ms) {
            return;
        }
        let why = if nuc { "reports \"not under command\"".to_string() } else { format!("moves at {:.1} kn with heading {}° and course {:.0}°", p.sog.unwrap_or(0.0), p.heading.unwrap_or(0), p.cog.unwrap_or(0.0)) };
        let line = cx.world.infra_name(place.infra[0].feature).to_string();
        let factors = cx.factors(AlertKind::Drift, 20, format!("{why} for {} over {line}", duration_text(dur)), Some(place));
        let mut evidence = cx.base_evidence();
        evidence.insert("status".into(), json!(p.status));
        evidence.insert("speed_kn".into(), json!(p.sog));
        evidence.insert("course_deg".into(), json!(p.cog));
        evidence.insert("heading_deg".into(), json!(p.heading));
        evidence.insert("duration_s".into(), json!(dur / 1000));
        let name = cx.vessel.name().to_string();
        let summary = format!("{} ({}) {why} over {line} for {}", if name.is_empty() { "Vessel" } else { &name }, p.mmsi, duration_text(dur));
        cx.episodes.hold(
            EpisodeKey { kind: AlertKind::Drift, mmsi: p.mmsi, other: None, key },
            Observation { start_ms: since, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: cx.infra_ids(place), zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name },
        );
    }
}

impl Drift {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        self.since.table_bytes()
    }
}
