//! Episodes: a condition that holds over time becomes one alert that starts,
//! may grow, and ends, instead of one line per message.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::alert::{alert_id, rfc3339, Alert, AlertKind, Factor};

/// Identifies an episode: the detector, the vessel(s) and a detector key
/// (e.g. the infrastructure feature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpisodeKey {
    /// Detector.
    pub kind: AlertKind,
    /// Vessel.
    pub mmsi: u32,
    /// Other vessel, if any.
    pub other: Option<u32>,
    /// Detector-specific key.
    pub key: u64,
}

/// What a detector reports while its condition holds.
#[derive(Debug, Clone)]
pub struct Observation {
    /// When the condition began, ms.
    pub start_ms: i64,
    /// Now, ms.
    pub now_ms: i64,
    /// Where, degrees.
    pub lat: f64,
    /// Where, degrees.
    pub lon: f64,
    /// Infrastructure ids involved.
    pub infrastructure: Vec<String>,
    /// Zone ids involved.
    pub zones: Vec<String>,
    /// Score factors.
    pub factors: Vec<Factor>,
    /// One human sentence.
    pub summary: String,
    /// Figures behind the decision.
    pub evidence: Map<String, Value>,
    /// Vessel name.
    pub vessel_name: String,
}

struct Open {
    alert: Alert,
    last_ms: i64,
    /// When the evidence was last rebuilt.
    refreshed_ms: i64,
}

/// Evidence of an open episode is rebuilt at most this often (data time);
/// in between, new positions only extend it.
const REFRESH_MS: i64 = 60_000;

/// Open episodes, emitting alert events as they start, grow and end.
pub struct Episodes {
    open: BTreeMap<EpisodeKey, Open>,
    idle_close_ms: i64,
    out: Vec<Alert>,
}

/// Sums factor points, capped at 100.
pub fn total_score(factors: &[Factor]) -> u8 {
    factors.iter().map(|f| f.points as u32).sum::<u32>().min(100) as u8
}

impl Episodes {
    /// Episodes closed after `idle_close_ms` without new evidence.
    pub fn new(idle_close_ms: i64) -> Self {
        Episodes { open: BTreeMap::new(), idle_close_ms, out: Vec::new() }
    }

    /// The condition `key` holds. Opens an episode (emitting `start`) or
    /// extends it (emitting `update` when its score rises).
    pub fn hold(&mut self, key: EpisodeKey, o: Observation) {
        let score = total_score(&o.factors);
        match self.open.get_mut(&key) {
            Some(open) => {
                open.last_ms = o.now_ms;
                open.refreshed_ms = o.now_ms;
                let a = &mut open.alert;
                a.end = rfc3339(o.now_ms);
                let rose = score >= a.score.saturating_add(10);
                for i in o.infrastructure {
                    if !a.infrastructure.contains(&i) {
                        a.infrastructure.push(i);
                    }
                }
                for z in o.zones {
                    if !a.zones.contains(&z) {
                        a.zones.push(z);
                    }
                }
                if score >= a.score {
                    a.score = score;
                    a.factors = o.factors;
                    a.summary = o.summary;
                    a.evidence = o.evidence;
                    a.lat = o.lat;
                    a.lon = o.lon;
                }
                if rose {
                    a.event = "update";
                    self.out.push(a.clone());
                }
            }
            None => {
                let alert = Alert {
                    id: alert_id(key.kind, key.mmsi, key.other, o.start_ms, key.key),
                    kind: key.kind,
                    event: "start",
                    mmsi: key.mmsi,
                    other_mmsi: key.other,
                    vessel_name: o.vessel_name,
                    start: rfc3339(o.start_ms),
                    end: rfc3339(o.now_ms),
                    lat: o.lat,
                    lon: o.lon,
                    infrastructure: o.infrastructure,
                    zones: o.zones,
                    score,
                    factors: o.factors,
                    summary: o.summary,
                    evidence: o.evidence,
                };
                self.out.push(alert.clone());
                self.open.insert(key, Open { alert, last_ms: o.now_ms, refreshed_ms: o.now_ms });
            }
        }
    }

    /// A point event: opens and closes at once (identity changes, jumps).
    pub fn instant(&mut self, key: EpisodeKey, o: Observation) {
        let now = o.now_ms;
        self.hold(key, o);
        self.end(key, now);
    }

    /// The condition `key` no longer holds: closes its episode (`end`).
    pub fn end(&mut self, key: EpisodeKey, now_ms: i64) {
        if let Some(mut open) = self.open.remove(&key) {
            open.alert.event = "end";
            open.alert.end = rfc3339(open.last_ms.max(now_ms.min(open.last_ms)));
            self.out.push(open.alert);
        }
    }

    /// If the episode is open and its evidence was rebuilt less than a minute
    /// ago, extends it to `now_ms` and returns true: the detector need not
    /// build a new observation (which allocates) for every position.
    pub fn extend_if_fresh(&mut self, key: &EpisodeKey, now_ms: i64) -> bool {
        match self.open.get_mut(key) {
            Some(open) if now_ms - open.refreshed_ms < REFRESH_MS => {
                open.last_ms = open.last_ms.max(now_ms);
                true
            }
            _ => false,
        }
    }

    /// True if the episode is open.
    pub fn is_open(&self, key: &EpisodeKey) -> bool {
        self.open.contains_key(key)
    }

    /// Closes episodes idle since before `now_ms - idle`.
    pub fn close_idle(&mut self, now_ms: i64) {
        let cutoff = now_ms - self.idle_close_ms;
        let idle: Vec<EpisodeKey> = self.open.iter().filter(|(_, o)| o.last_ms < cutoff).map(|(k, _)| *k).collect();
        for k in idle {
            self.end(k, now_ms);
        }
    }

    /// Closes every open episode (end of input).
    pub fn close_all(&mut self, now_ms: i64) {
        let keys: Vec<EpisodeKey> = self.open.keys().copied().collect();
        for k in keys {
            self.end(k, now_ms);
        }
    }

    /// Takes the alert events emitted so far.
    pub fn drain(&mut self) -> Vec<Alert> {
        std::mem::take(&mut self.out)
    }

    /// Open episodes.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }
}
