//! Alerts: explainable episodes with a score built from named factors.

use serde::Serialize;
use serde_json::{Map, Value};

/// The detector that raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Slow or circling presence in a corridor or area of interest.
    Loitering,
    /// Speed well under the ship's own cruising speed, course held, over infrastructure.
    AnchorDrag,
    /// Transponder silent much longer than its reporting interval, with coverage.
    AisGap,
    /// Impossible jumps, positions on land, one MMSI in two places.
    Spoofing,
    /// Two ships close and slow for long enough.
    Encounter,
    /// A watchlisted ship entering a zone.
    ZoneEntry,
    /// Name, call sign, IMO, flag or type changing; one IMO under two MMSIs.
    IdentityChange,
    /// The same line crossed many times in a day.
    RepeatedCrossing,
    /// Not under command or drifting near infrastructure.
    Drift,
}

impl AlertKind {
    /// Every kind.
    pub const ALL: [AlertKind; 9] = [
        AlertKind::Loitering,
        AlertKind::AnchorDrag,
        AlertKind::AisGap,
        AlertKind::Spoofing,
        AlertKind::Encounter,
        AlertKind::ZoneEntry,
        AlertKind::IdentityChange,
        AlertKind::RepeatedCrossing,
        AlertKind::Drift,
    ];

    /// The snake_case name used in alerts and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Loitering => "loitering",
            AlertKind::AnchorDrag => "anchor_drag",
            AlertKind::AisGap => "ais_gap",
            AlertKind::Spoofing => "spoofing",
            AlertKind::Encounter => "encounter",
            AlertKind::ZoneEntry => "zone_entry",
            AlertKind::IdentityChange => "identity_change",
            AlertKind::RepeatedCrossing => "repeated_crossing",
            AlertKind::Drift => "drift",
        }
    }
}

/// One factor of an alert's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// What it is, e.g. `watchlist`, `duration`.
    pub name: String,
    /// Points added (0-100 scale, summed and capped at 100).
    pub points: u8,
    /// Why, in words.
    pub detail: String,
}

/// An alert episode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Stable id: the same input gives the same id.
    pub id: String,
    /// The detector.
    pub kind: AlertKind,
    /// `start` when the episode opens, `update` when it grows, `end` when it closes.
    pub event: &'static str,
    /// The vessel.
    pub mmsi: u32,
    /// The other vessel, for encounters and shared identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_mmsi: Option<u32>,
    /// The vessel's name, when known.
    pub vessel_name: String,
    /// Episode start, RFC 3339.
    pub start: String,
    /// Episode end (so far), RFC 3339.
    pub end: String,
    /// Where, degrees.
    pub lat: f64,
    /// Where, degrees.
    pub lon: f64,
    /// Infrastructure features involved (ids).
    pub infrastructure: Vec<String>,
    /// Zones involved (ids).
    pub zones: Vec<String>,
    /// Severity 0-100, the capped sum of the factors.
    pub score: u8,
    /// The score's factors.
    pub factors: Vec<Factor>,
    /// One human sentence.
    pub summary: String,
    /// The figures behind the decision.
    pub evidence: Map<String, Value>,
}

impl Alert {
    /// The alert as one JSON line (no newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Formats milliseconds since the epoch as RFC 3339.
pub fn rfc3339(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    seawarden_ais::meta::format_rfc3339(ms, &mut s);
    s
}

/// A stable alert id from its kind, vessel(s) and start time.
pub fn alert_id(kind: AlertKind, mmsi: u32, other: Option<u32>, start_ms: i64, key: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.as_str().bytes().chain(mmsi.to_le_bytes()).chain(other.unwrap_or(0).to_le_bytes()).chain(start_ms.to_le_bytes()).chain(key.to_le_bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    format!("{}-{}-{:012x}", kind.as_str(), mmsi, h & 0xFFFF_FFFF_FFFF)
}
