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
    /// One sample per 30 s over the window.
    samples: Samples,
    /// Running sums over `samples`: speeds, and path length (excluding the
    /// first sample's step, which leads into the window).
    speed_sum: f64,
    path_m: f64,
}

/// A sample of a stay: time (ms), speed (knots), latitude, longitude.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    time_ms: i64,
    sog: f32,
    lat: f64,
    lon: f64,
}

impl Sample {
    /// The distance from `prev`, the sample before it, metres: the step
    /// into this sample (computed again when needed rather than stored).
    fn step_from(&self, prev: &Sample) -> f64 {
        distance_m(prev.lat, prev.lon, self.lat, self.lon)
    }
}

/// A sample in 16 bytes: time as milliseconds after the stay's base,
/// position in AIS units (1/10,000 minute), which give back the decoded
/// degrees exactly.
#[derive(Debug, Clone, Copy)]
struct Packed {
    dt_ms: u32,
    sog: f32,
    lat: i32,
    lon: i32,
}

/// A stay's samples, oldest first: packed in 16 bytes each while every
/// sample's time and position fit exactly (always for decoded AIS within
/// 49 days of the stay's start), else in 32 bytes each.
enum Samples {
    Packed { base_ms: i64, q: VecDeque<Packed> },
    Wide(VecDeque<Sample>),
}

impl Default for Samples {
    fn default() -> Self {
        Samples::Packed { base_ms: 0, q: VecDeque::new() }
    }
}

/// `deg` in AIS units, if they give back exactly `deg`.
fn ais_units(deg: f64) -> Option<i32> {
    let raw = (deg * 600_000.0).round();
    (raw.abs() <= 108_600_000.0 && raw * seawarden_ais::DEG_PER_1E4_MIN == deg).then_some(raw as i32)
}

impl Samples {
    fn unpack(base_ms: i64, p: &Packed) -> Sample {
        Sample { time_ms: base_ms + p.dt_ms as i64, sog: p.sog, lat: p.lat as f64 * seawarden_ais::DEG_PER_1E4_MIN, lon: p.lon as f64 * seawarden_ais::DEG_PER_1E4_MIN }
    }

    fn len(&self) -> usize {
        match self {
            Samples::Packed { q, .. } => q.len(),
            Samples::Wide(q) => q.len(),
        }
    }

    /// The sample at `i` (0: the oldest).
    fn get(&self, i: usize) -> Option<Sample> {
        match self {
            Samples::Packed { base_ms, q } => q.get(i).map(|p| Self::unpack(*base_ms, p)),
            Samples::Wide(q) => q.get(i).copied(),
        }
    }

    fn front(&self) -> Option<Sample> {
        self.get(0)
    }

    fn back(&self) -> Option<Sample> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    fn pop_front(&mut self) -> Option<Sample> {
        match self {
            Samples::Packed { base_ms, q } => q.pop_front().map(|p| Self::unpack(*base_ms, &p)),
            Samples::Wide(q) => q.pop_front(),
        }
    }

    fn push_back(&mut self, s: Sample) {
        if let Samples::Packed { base_ms, q } = self {
            if q.is_empty() {
                *base_ms = s.time_ms;
            }
            let packed = u32::try_from(s.time_ms - *base_ms).ok().zip(ais_units(s.lat)).zip(ais_units(s.lon));
            if let Some(((dt_ms, lat), lon)) = packed {
                q.push_back(Packed { dt_ms, sog: s.sog, lat, lon });
                return;
            }
            let base_ms = *base_ms;
            *self = Samples::Wide(q.iter().map(|p| Self::unpack(base_ms, p)).collect());
        }
        if let Samples::Wide(q) = self {
            q.push_back(s);
        }
    }

    /// Bytes held on the heap.
    fn heap_bytes(&self) -> usize {
        match self {
            Samples::Packed { q, .. } => q.capacity() * std::mem::size_of::<Packed>(),
            Samples::Wide(q) => q.capacity() * std::mem::size_of::<Sample>(),
        }
    }
}

/// The longest hole in the reports allowed in the early window, ms.
const OBSERVED_HOLE_MS: i64 = 9 * 60_000;

/// Per-vessel stays inside corridors and AOIs.
#[derive(Default)]
pub struct Loitering {
    /// Boxed: most ships are in no corridor, and a slot is kept for every ship.
    stays: PerVessel<Option<Box<Stay>>>,
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
        let stay = self.stays.at(cx.slot).get_or_insert_with(|| Box::new(Stay { since_ms: p.time_ms, key, ..Stay::default() }));
        // One sample per 30 s is plenty and bounds memory; the window's mean
        // speed and path length are kept as running sums.
        let back = stay.samples.back();
        let sampled = back.is_none_or(|s| p.time_ms - s.time_ms >= 30_000);
        if sampled {
            let sog = p.sog.unwrap_or(0.0);
            let sample = Sample { time_ms: p.time_ms, sog, lat: p.lat, lon: p.lon };
            if let Some(b) = back {
                stay.path_m += sample.step_from(&b);
            }
            stay.speed_sum += sog as f64;
            stay.samples.push_back(sample);
        }
        let watch = cx.facts.watch.is_some();
        let need_ms = 1000 * if watch { cfg.watchlisted_min_duration_s } else { cfg.min_duration_s };
        let early_ms = if cfg.early_min_duration_s > 0 { need_ms.min(cfg.early_min_duration_s * 1000) } else { need_ms };
        while stay.samples.len() > 2 && stay.samples.front().is_some_and(|s| p.time_ms - s.time_ms > need_ms) {
            if let Some(old) = stay.samples.pop_front() {
                stay.speed_sum -= old.sog as f64;
                if let Some(first) = stay.samples.front() {
                    stay.path_m -= first.step_from(&old);
                }
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
            // The recent samples are those from `k` on (read in place, newest
            // first, as the sums below add them).
            let (samples, n) = (&stay.samples, stay.samples.len());
            let at = |i: usize| samples.get(i).expect("a sample below len");
            let mut k = n;
            while k > 0 && at(k - 1).time_ms >= from {
                k -= 1;
            }
            // Observed throughout: from the window's start, with no hole
            // longer than three 3-minute reporting intervals (a feed outage
            // is not half an hour of slow presence).
            let observed = n - k >= 3 && at(k).time_ms - from <= OBSERVED_HOLE_MS && (k + 1..n).all(|i| at(i).time_ms - at(i - 1).time_ms <= OBSERVED_HOLE_MS);
            if !observed {
                return;
            }
            let mean = (k..n).rev().map(|i| at(i).sog as f64).sum::<f64>() / (n - k) as f64;
            // Too fast: not slow, and circling is not judged on the early
            // window, so the path (a distance per sample) is not needed.
            if mean >= cfg.max_mean_speed_kn {
                return;
            }
            // Steps into each sample but the oldest one's.
            let path: f64 = (k + 1..n).rev().map(|i| at(i).step_from(&at(i - 1))).sum();
            (mean, path, at(k), at(n - 1))
        } else {
            let n = stay.samples.len() as f64;
            (stay.speed_sum / n, stay.path_m.max(0.0), stay.samples.front().expect("3 samples"), stay.samples.back().expect("3 samples"))
        };
        let net = distance_m(first.lat, first.lon, last.lat, last.lon).max(1.0);
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
        self.stays.table_bytes() + self.stays.iter().filter_map(|(_, s)| s.as_ref()).map(|s| std::mem::size_of::<Stay>() + s.samples.heap_bytes()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(time_ms: i64, lat: f64, lon: f64) -> Sample {
        Sample { time_ms, sog: 0.3, lat, lon }
    }

    /// Decoded positions and times within 49 days are packed, and read back
    /// exactly; anything else turns the stay's samples wide, still exact.
    #[test]
    fn samples_are_packed_when_exact_and_wide_otherwise() {
        let raw_lat = 35_880_123;
        let decoded = |raw: i32| raw as f64 * seawarden_ais::DEG_PER_1E4_MIN;
        let mut s = Samples::default();
        let a = sample(1_700_000_000_000, decoded(raw_lat), decoded(-7_654_321));
        let b = sample(a.time_ms + 30_000, decoded(raw_lat + 1), 12.5);
        s.push_back(a);
        s.push_back(b);
        assert!(matches!(s, Samples::Packed { .. }));
        assert_eq!((s.front(), s.back(), s.len()), (Some(a), Some(b), 2));
        if let Samples::Packed { q, .. } = &s {
            assert_eq!(s.heap_bytes(), q.capacity() * 16);
        }
        // A position that AIS units do not give back exactly.
        let c = sample(b.time_ms + 30_000, 59.123_456_789_1, 24.8);
        s.push_back(c);
        assert!(matches!(s, Samples::Wide(_)));
        assert_eq!([s.get(0), s.get(1), s.get(2)], [Some(a), Some(b), Some(c)]);
        assert_eq!(s.pop_front(), Some(a));
        // 50 days after the base: wide as well.
        let mut t = Samples::default();
        t.push_back(a);
        t.push_back(sample(a.time_ms + 50 * 86_400_000, a.lat, a.lon));
        assert!(matches!(t, Samples::Wide(_)));
        assert_eq!(t.back().map(|s| s.time_ms), Some(a.time_ms + 50 * 86_400_000));
        assert_eq!(std::mem::size_of::<Packed>(), 16);
    }
}
