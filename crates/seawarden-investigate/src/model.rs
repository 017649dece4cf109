//! The findings: suspects, their crossings, gaps and reasons (the JSON
//! output is these structures serialised).

use serde::Serialize;

/// One pass of a ship over the target line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    /// Id of the crossed cable or pipeline.
    pub feature: String,
    /// When the track crossed the line (interpolated between the two
    /// reports around it), ms since the Unix epoch.
    pub time_ms: i64,
    /// The same time, RFC 3339 UTC.
    pub time: String,
    /// Where the track crossed the line.
    pub lat: f64,
    /// Longitude of the crossing, degrees.
    pub lon: f64,
    /// Median speed over ground from 60 to 10 minutes before, knots.
    pub sog_before: Option<f32>,
    /// Median speed over ground within 10 minutes of the crossing, knots
    /// (`None` across an AIS gap: see `implied_kn`).
    pub sog_at: Option<f32>,
    /// Lowest reported speed within 10 minutes of the crossing, knots.
    pub sog_min: Option<f32>,
    /// Median speed over ground from 10 to 60 minutes after, knots.
    pub sog_after: Option<f32>,
    /// Change of course over ground from before to after, degrees in
    /// [-180, 180] (positive: to starboard).
    pub cog_change: Option<f32>,
    /// True if no report was received while crossing: the crossing is
    /// inferred from the straight line between the reports either side of
    /// an AIS gap.
    pub inferred_dark: bool,
    /// Time between the reports either side of the crossing, seconds.
    pub gap_s: f64,
    /// Distance over that time divided by the time, knots.
    pub implied_kn: f64,
    /// Navigational status reported nearest the crossing.
    pub status: Option<u8>,
    /// True if the reports either side were in port (moored, or within
    /// 3 km of a port): listed, but scores nothing.
    pub in_port: bool,
}

/// A silence of a ship's AIS in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Last report before the gap, ms since the Unix epoch.
    pub start_ms: i64,
    /// The same time, RFC 3339 UTC.
    pub start: String,
    /// First report after, ms.
    pub end_ms: i64,
    /// Gap length, seconds.
    pub duration_s: f64,
    /// Position before.
    pub from: [f64; 2],
    /// Position after.
    pub to: [f64; 2],
    /// Straight-line speed implied over the gap, knots.
    pub implied_kn: f64,
    /// True if the straight line across the gap crosses the target.
    pub crosses_target: bool,
    /// Nearest distance of either end to the target, metres.
    pub distance_to_target_m: f64,
}

/// A port where the ship was last seen stopped before the crossing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortCall {
    /// Port name (World Port Index).
    pub port: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Last stopped report there, ms since the Unix epoch.
    pub time_ms: i64,
    /// The same time, RFC 3339 UTC.
    pub time: String,
    /// True if the port is in the ports-of-interest list.
    pub of_interest: bool,
}

/// A watchlist entry the ship matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchHit {
    /// List name (e.g. `EU-833-XLII`).
    pub list: String,
    /// Why the ship is listed.
    pub reason: String,
    /// What matched: `mmsi`, `imo` or `name`.
    pub matched_on: String,
}

/// An alert a detector raised earlier about the ship (from the store),
/// shown with the evidence. It scores nothing: the detectors judge the same
/// behaviours the factors already weigh.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorAlert {
    /// Detector (`anchor_drag`, `ais_gap`, ...).
    pub kind: String,
    /// The vessel.
    pub mmsi: u32,
    /// Episode start, ms since the Unix epoch.
    pub start_ms: i64,
    /// Episode end (so far), ms.
    pub end_ms: i64,
    /// The detector's score, 0-100.
    pub score: u8,
    /// One sentence.
    pub summary: String,
}

/// One named factor of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// Factor name (see `docs/investigate.md`).
    pub factor: &'static str,
    /// Points given, between 0 and the factor's cap.
    pub points: f64,
    /// The evidence, in words and numbers.
    pub detail: String,
}

/// A sample of a ship's track, for the report's map and plots.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    /// ms since the Unix epoch.
    pub time_ms: i64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
}

/// A ship whose track crossed or came within the corridor of the target in
/// the window, with what it did there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// Rank, 1 for the highest score.
    pub rank: usize,
    /// MMSI.
    pub mmsi: u32,
    /// Ship name as last reported.
    pub name: Option<String>,
    /// IMO number.
    pub imo: Option<u32>,
    /// Call sign.
    pub callsign: Option<String>,
    /// Ship type (ITU-R M.1371-5 Table 53).
    pub shiptype: Option<u8>,
    /// Reported destination.
    pub destination: Option<String>,
    /// Flag state from the MMSI's MID (ISO 3166-1 alpha-2).
    pub flag: Option<String>,
    /// Flag state, in words.
    pub flag_country: Option<String>,
    /// Score, 0 to 100: the capped sum of the reasons' points.
    pub score: f64,
    /// Every crossing of the target in the window, in time order.
    pub crossings: Vec<Crossing>,
    /// The factors of the score, highest first.
    pub reasons: Vec<Reason>,
    /// Cruising speed: 90th percentile of the ship's own reported speeds
    /// of 3 kn or more, over all the reports given (none if fewer than 20
    /// or under a tenth of its reports); knots.
    pub baseline_sog: Option<f32>,
    /// Time inside the corridor in the window, minutes.
    pub corridor_minutes: f64,
    /// Time inside the corridor at under 1 kn, minutes.
    pub loiter_minutes: f64,
    /// Longest run of slow steady-course sailing (anchor-drag-like) that
    /// touches the corridor, minutes.
    pub drag_minutes: f64,
    /// Navigational statuses reported inside the corridor.
    pub statuses: Vec<u8>,
    /// AIS gaps in the window.
    pub gaps: Vec<Gap>,
    /// Last port of call before the first crossing or corridor entry.
    pub last_port: Option<PortCall>,
    /// Watchlist entries matched.
    pub watchlist: Vec<WatchHit>,
    /// Detector alerts about the ship overlapping the window.
    pub alerts: Vec<PriorAlert>,
    /// Reports of the ship used (after removing duplicates).
    pub positions: usize,
    /// The track in the window (plus the profile margin), for the report.
    #[serde(skip)]
    pub track: Vec<TrackPoint>,
}

/// The outcome of an investigation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Investigation {
    /// Suspects, ranked.
    pub suspects: Vec<Suspect>,
    /// Ships with reports given.
    pub ships: usize,
    /// Position reports given.
    pub positions: usize,
    /// Reports at a time already reported by the same ship (copies heard by
    /// several receivers), used once.
    pub repeated: usize,
    /// Reports dropped: invalid positions, implausible jumps.
    pub dropped: usize,
}

/// Navigational status in words (ITU-R M.1371-5 Table 45).
pub fn status_name(s: u8) -> &'static str {
    match s {
        0 => "under way using engine",
        1 => "at anchor",
        2 => "not under command",
        3 => "restricted manoeuvrability",
        4 => "constrained by her draught",
        5 => "moored",
        6 => "aground",
        7 => "engaged in fishing",
        8 => "under way sailing",
        14 => "AIS-SART",
        15 => "not defined",
        _ => "reserved",
    }
}

/// RFC 3339 UTC of ms since the Unix epoch.
pub fn rfc3339(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    seawarden_ais::meta::format_rfc3339(ms, &mut s);
    s
}
