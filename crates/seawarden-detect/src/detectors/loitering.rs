//! `loitering`: slow or circling presence inside an infrastructure corridor or
//! an area of interest for too long.
//!
//! Definition: while a ship is inside a corridor or an `aoi` zone (and not in
//! port), its samples of the last `min_duration_s` are kept. It loiters when
//! it has stayed at least `min_duration_s` (30 min for watchlisted ships) and
//! either its mean speed over that time is under `max_mean_speed_kn` (Global
//! Fishing Watch's loitering speed, 2 kn) or its path is `circling_ratio`
//! times longer than its net displacement (circling, at any speed).
//!
//! Early warning: a mean speed under `max_mean_speed_kn` over the last
//! `early_min_duration_s` (30 min) of a stay opens the episode with a lower
//! score (15 base points instead of 25; circling is not judged on so short
//! a window: one turn looks like it); it
//! is upgraded, with an `update` and the same id, when the stay reaches
//! `min_duration_s`. Watchlisted ships need only 30 minutes anyway.

use std::collections::VecDeque;

use seawarden_track::PerVessel;

use seawarden_track::PositionObs;
use serde_json::json;

use super::{duration_text, key_of};
use crate::alert::AlertKind;
use crate::engine::{Cx, Place};
use crate::episode::{EpisodeKey, Observation};
use crate::world::{distance_m, World};

#[derive(Default)]
struct Stay {
    since_ms: i64,
    key: u64,
    /// (time, speed, lat, lon, distance from the previous sample).
    samples: VecDeque<(i64, f32, f64, f64, f64)>,
    /// Running sums over `samples`: speeds, and path length (excluding the
    /// first sample's step, which leads into the window).
    speed_sum: f64,
    path_m: f64,
}

/// The longest hole in the reports allowed in the early window, ms.
const OBSERVED_HOLE_MS: i64 = 9 * 60_000;

/// Per-vessel stays inside corridors and AOIs.
#[derive(Default)]
pub struct Loitering {
    stays: PerVessel<Option<Stay>>,
}

impl Loitering {
    pub fn on_position<W: World>(&mut self, cx: &mut Cx<'_, W>, p: &PositionObs, place: &Place) {
        let cfg = &cx.config.loitering;
        let aoi = place.zones.iter().find(|&&z| cx.world.zone_kind(z) == "aoi").copied();
        // A ship reporting "not under command" is not choosing to stay: its
        // slow presence is `drift`'s case (as for `anchor_drag`).
        let inside = (!place.infra.is_empty() || aoi.is_some()) && !place.in_port && cx.vessel.class.is_ship() && p.status != Some(2);
        if !inside {
            if let Some(stay) = self.stays.at(cx.slot).take() {
                cx.episodes.end(EpisodeKey { kind: AlertKind::Loitering, mmsi: p.mmsi, other: None, key: stay.key }, p.time_ms);
            }
            return;
        }
        let key = match (place.infra.first(), aoi) {
            (Some(c), _) => key_of(cx.world.infra_id(c.feature)),
            (None, Some(z)) => key_of(cx.world.zone_id(z)),
            _ => 0,
        };
        let stay = self.stays.at(cx.slot).get_or_insert_with(|| Stay { since_ms: p.time_ms, key, ..Stay::default() });
        // One sample per 30 s is plenty and bounds memory; the window's mean
        // speed and path length are kept as running sums.
        let sampled = stay.samples.back().is_none_or(|s| p.time_ms - s.0 >= 30_000);
        if sampled {
            let step = stay.samples.back().map_or(0.0, |b| distance_m(b.2, b.3, p.lat, p.lon));
            let sog = p.sog.unwrap_or(0.0);
            if !stay.samples.is_empty() {
                stay.path_m += step;
            }
            stay.speed_sum += sog as f64;
            stay.samples.push_back((p.time_ms, sog, p.lat, p.lon, step));
        }
        let watch = cx.facts.watch.is_some();
        let need_ms = 1000 * if watch { cfg.watchlisted_min_duration_s } else { cfg.min_duration_s };
        let early_ms = if cfg.early_min_duration_s > 0 { need_ms.min(cfg.early_min_duration_s * 1000) } else { need_ms };
        while stay.samples.len() > 2 && stay.samples.front().is_some_and(|s| p.time_ms - s.0 > need_ms) {
            if let Some(old) = stay.samples.pop_front() {
                stay.speed_sum -= old.1 as f64;
            }
            if let Some(first) = stay.samples.front() {
                stay.path_m -= first.4;
            }
        }
        let stayed = p.time_ms - stay.since_ms;
        if stayed < early_ms || stay.samples.len() < 3 {
            return;
        }
        let early = stayed < need_ms;
        let key = EpisodeKey { kind: AlertKind::Loitering, mmsi: p.mmsi, other: None, key: stay.key };
        if cx.episodes.extend_if_fresh(&key, p.time_ms) || (early && !sampled) {
            return;
        }
        // The full test judges the window of `need_ms` (running sums); the
        // early one the last `early_ms` only, so that the approach into the
        // corridor at sea speed does not hide a ship now stopped in it.
        let (mean, path, first, last) = if early {
            let from = p.time_ms - early_ms;
            let recent: Vec<&(i64, f32, f64, f64, f64)> = stay.samples.iter().rev().take_while(|s| s.0 >= from).collect();
            // Observed throughout: from the window's start, with no hole
            // longer than three 3-minute reporting intervals (a feed outage
            // is not half an hour of slow presence).
            let observed = recent.len() >= 3 && recent[recent.len() - 1].0 - from <= OBSERVED_HOLE_MS && recent.windows(2).all(|w| w[0].0 - w[1].0 <= OBSERVED_HOLE_MS);
            if !observed {
                return;
            }
            let mean = recent.iter().map(|s| s.1 as f64).sum::<f64>() / recent.len() as f64;
            // Steps into each sample but the oldest one's.
            let path: f64 = recent[..recent.len() - 1].iter().map(|s| s.4).sum();
            (mean, path, *recent[recent.len() - 1], *recent[0])
        } else {
            let n = stay.samples.len() as f64;
            (stay.speed_sum / n, stay.path_m.max(0.0), *stay.samples.front().expect("3 samples"), *stay.samples.back().expect("3 samples"))
        };
        let net = distance_m(first.2, first.3, last.2, last.3).max(1.0);
        let ratio = path / net;
        let slow = mean < cfg.max_mean_speed_kn;
        // Circling is judged on the full window only: over half an hour a
        // single turn (a trawler at the end of a haul) already makes the
        // path three times the displacement; repeated circling takes longer
        // to show.
        let circling = !early && ratio > cfg.circling_ratio && path > 2_000.0;
        if !(slow || circling) {
            return;
        }
        let place_name = match place.infra.first() {
            Some(c) => cx.world.infra_name(c.feature).to_string(),
            None => aoi.map(|z| cx.world.zone_name(z).to_string()).unwrap_or_default(),
        };
        let how = if slow { format!("at a mean {mean:.1} kn") } else { format!("circling ({ratio:.1}x path/displacement)") };
        let base = if early { 15 } else { 25 + ((stayed - need_ms) / 3_600_000 * 5).min(15) as u8 };
        let detail = if early { format!("{} inside {} (full score at {})", duration_text(stayed), place_name, duration_text(need_ms)) } else { format!("{} inside {}", duration_text(stayed), place_name) };
        let mut factors = cx.factors(AlertKind::Loitering, base, detail, Some(place));
        if watch {
            factors.push(crate::alert::Factor { name: "watchlist_threshold".into(), points: 0, detail: "shorter threshold for watchlisted ships".into() });
        }
        let mut evidence = cx.base_evidence();
        evidence.insert("duration_s".into(), json!(stayed / 1000));
        evidence.insert("mean_speed_kn".into(), json!((mean * 10.0).round() / 10.0));
        evidence.insert("path_m".into(), json!(path.round()));
        evidence.insert("net_displacement_m".into(), json!(net.round()));
        evidence.insert("threshold_s".into(), json!(need_ms / 1000));
        let name = cx.vessel.name().to_string();
        let summary = format!("{} ({}) has stayed {} {} in {}", if name.is_empty() { "Vessel" } else { &name }, p.mmsi, duration_text(stayed), how, place_name);
        cx.episodes.hold(
            key,
            Observation { start_ms: stay.since_ms, now_ms: p.time_ms, lat: p.lat, lon: p.lon, infrastructure: cx.infra_ids(place), zones: cx.zone_ids(place), factors, summary, evidence, vessel_name: name },
        );
    }
}

impl Loitering {
    /// Bytes of per-vessel state held (tables and buffers).
    pub fn heap_bytes(&self) -> usize {
        self.stays.table_bytes() + self.stays.iter().filter_map(|(_, s)| s.as_ref()).map(|s| s.samples.capacity() * std::mem::size_of::<(i64, f32, f64, f64, f64)>()).sum::<usize>()
    }
}
