//! Scenario files: the world a scenario runs in, its radio network, its
//! background traffic and its scripted vessels (TOML; format in
//! `docs/evaluation.md`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// A point as `[lat, lon]` in degrees.
pub type Point = [f64; 2];

/// A scenario, loaded and checked; paths are resolved against the scenario
/// file's directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (defaults to the file stem).
    #[serde(default)]
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub title: String,
    /// Start of the simulated period, RFC 3339 UTC (`2024-12-25T06:00:00Z`).
    pub start: String,
    /// Length of the simulated period, hours.
    pub duration_h: f64,
    /// Seed used when none is given.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Infrastructure, zones and watchlists.
    #[serde(default)]
    pub world: WorldFiles,
    /// Receivers and channel impairments.
    #[serde(default)]
    pub radio: Radio,
    /// Shipping lanes.
    #[serde(default, rename = "lane")]
    pub lanes: Vec<Lane>,
    /// Ferry routes.
    #[serde(default, rename = "ferry")]
    pub ferries: Vec<Ferry>,
    /// Fishing grounds.
    #[serde(default, rename = "fishing")]
    pub fishing: Vec<Fishing>,
    /// Ships at anchor or moored in port.
    #[serde(default, rename = "anchorage")]
    pub anchorages: Vec<Anchorage>,
    /// Scripted vessels: incidents, and hard negatives.
    #[serde(default, rename = "vessel")]
    pub vessels: Vec<VesselScript>,
    /// Directory of the scenario file (set by [`Scenario::load`]).
    #[serde(skip)]
    pub dir: PathBuf,
}

fn default_seed() -> u64 {
    1
}

/// Files of the world, relative to the scenario file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldFiles {
    /// Cables and pipelines (GeoJSON lines).
    #[serde(default)]
    pub infra: Vec<String>,
    /// Zones (GeoJSON polygons).
    #[serde(default)]
    pub zones: Vec<String>,
    /// Watchlist CSVs.
    #[serde(default)]
    pub watchlist: Vec<String>,
    /// World Port Index CSV (default: the embedded northern European ports).
    #[serde(default)]
    pub ports: Option<String>,
    /// Land polygons (GeoJSON).
    #[serde(default)]
    pub land: Option<String>,
}

/// Receivers and what the channel does to messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Radio {
    /// Shore stations.
    #[serde(default)]
    pub receivers: Vec<Receiver>,
    /// Probability that a receiver in range misses a message.
    #[serde(default = "d_loss")]
    pub loss: f64,
    /// Fraction of lines corrupted (bad checksum or cut short).
    #[serde(default = "d_corrupt")]
    pub corrupt: f64,
    /// Fraction of lines a receiver sends twice.
    #[serde(default = "d_duplicate")]
    pub duplicate: f64,
    /// GNSS position noise, metres (one standard deviation).
    #[serde(default = "d_noise")]
    pub noise_m: f64,
}

fn d_loss() -> f64 {
    0.1
}
fn d_corrupt() -> f64 {
    0.001
}
fn d_duplicate() -> f64 {
    0.002
}
fn d_noise() -> f64 {
    5.0
}

impl Default for Radio {
    fn default() -> Self {
        Radio {
            receivers: Vec::new(),
            loss: d_loss(),
            corrupt: d_corrupt(),
            duplicate: d_duplicate(),
            noise_m: d_noise(),
        }
    }
}

/// A shore receiver.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// Station id, written in the `s:` field of the tag block.
    pub id: String,
    /// Position `[lat, lon]`.
    pub at: Point,
    /// Range, nautical miles (VHF from a coastal mast: 25-40 nm).
    #[serde(default = "d_range")]
    pub range_nm: f64,
    /// This receiver's own loss probability (a satellite misses most
    /// messages); default `radio.loss`.
    #[serde(default)]
    pub loss: Option<f64>,
}

fn d_range() -> f64 {
    35.0
}

/// A shipping lane: ships enter at one end and sail to the other.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lane {
    /// Name, for reports.
    #[serde(default)]
    pub name: String,
    /// Waypoints `[lat, lon]`, in the direction of travel.
    pub route: Vec<Point>,
    /// Ships entering per hour (in each direction when `both_ways`).
    pub ships_per_hour: f64,
    /// Speed range, knots.
    #[serde(default = "d_lane_speed")]
    pub speed_kn: [f64; 2],
    /// Traffic in both directions (the reverse direction is offset to
    /// starboard, as in a traffic separation scheme).
    #[serde(default = "d_true")]
    pub both_ways: bool,
    /// Half-width of the lane, metres; each direction keeps to its side.
    #[serde(default = "d_lane_width")]
    pub width_m: f64,
    /// Fraction of class B ships.
    #[serde(default)]
    pub class_b: f64,
    /// Ship types to draw from (ITU codes).
    #[serde(default = "d_types")]
    pub types: Vec<u8>,
    /// Whether the first and the last waypoint are ports: ships arriving
    /// there moor (status 5) instead of sailing on out of the area.
    #[serde(default)]
    pub ports: [bool; 2],
}

fn d_lane_speed() -> [f64; 2] {
    [10.0, 15.0]
}
fn d_true() -> bool {
    true
}
fn d_lane_width() -> f64 {
    1500.0
}
fn d_types() -> Vec<u8> {
    vec![70, 70, 70, 80, 80, 60]
}

/// A ferry route, sailed back and forth with a turnaround in port.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ferry {
    /// Name, for reports.
    #[serde(default)]
    pub name: String,
    /// Waypoints `[lat, lon]` from one port to the other.
    pub route: Vec<Point>,
    /// Ferries on the route.
    pub ships: u32,
    /// Service speed, knots.
    #[serde(default = "d_ferry_speed")]
    pub speed_kn: f64,
    /// Time in port between crossings, minutes.
    #[serde(default = "d_turnaround")]
    pub turnaround_min: f64,
}

fn d_ferry_speed() -> f64 {
    20.0
}
fn d_turnaround() -> f64 {
    60.0
}

/// A fishing ground: trawlers tow back and forth at low speed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fishing {
    /// Name, for reports.
    #[serde(default)]
    pub name: String,
    /// Centre `[lat, lon]`.
    pub center: Point,
    /// Radius of the ground, metres.
    pub radius_m: f64,
    /// Fishing vessels.
    pub ships: u32,
    /// Towing speed range, knots.
    #[serde(default = "d_tow_speed")]
    pub speed_kn: [f64; 2],
    /// Fraction of class B units.
    #[serde(default = "d_half")]
    pub class_b: f64,
}

fn d_tow_speed() -> [f64; 2] {
    [2.5, 4.0]
}
fn d_half() -> f64 {
    0.5
}

/// Ships at anchor (status 1) or moored (status 5) near a port.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchorage {
    /// Name, for reports.
    #[serde(default)]
    pub name: String,
    /// Centre `[lat, lon]`.
    pub center: Point,
    /// Radius, metres.
    pub radius_m: f64,
    /// Ships.
    pub ships: u32,
    /// Moored alongside (status 5) instead of at anchor (status 1).
    #[serde(default)]
    pub moored: bool,
}

/// A scripted vessel: identity, a start point and a list of legs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VesselScript {
    /// MMSI.
    pub mmsi: u32,
    /// Ship name.
    #[serde(default)]
    pub name: String,
    /// Call sign.
    #[serde(default)]
    pub callsign: String,
    /// IMO number.
    #[serde(default)]
    pub imo: Option<u32>,
    /// Ship type (ITU code; 30 fishing, 70 cargo, 80 tanker, 60 passenger).
    #[serde(default = "d_shiptype")]
    pub shiptype: u8,
    /// `A` or `B`.
    #[serde(default = "d_class")]
    pub class: String,
    /// Length overall, metres.
    #[serde(default = "d_length")]
    pub length_m: u16,
    /// Destination.
    #[serde(default)]
    pub destination: String,
    /// Where it is at `start_min`.
    pub start: Point,
    /// Minutes after the scenario start when it appears.
    #[serde(default)]
    pub start_min: f64,
    /// Legs, in order.
    #[serde(rename = "leg")]
    pub legs: Vec<Leg>,
    /// Part of the background (its alerts count as false alerts per
    /// vessel-hour) rather than an injected behaviour.
    #[serde(default)]
    pub background: bool,
}

fn d_shiptype() -> u8 {
    70
}
fn d_class() -> String {
    "A".into()
}
fn d_length() -> u16 {
    120
}

/// One leg of a scripted vessel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    /// Sail to this point (`[lat, lon]`); absent: stay around the current
    /// point for `minutes`.
    #[serde(default)]
    pub to: Option<Point>,
    /// Sail to `to` and back this many times in all (a trawler working
    /// across a line): 1 is a plain transit.
    #[serde(default = "d_passes")]
    pub passes: u32,
    /// Speed through the leg, knots.
    pub speed_kn: f64,
    /// Duration of a stay (no `to`), minutes.
    #[serde(default)]
    pub minutes: Option<f64>,
    /// Radius of the slow circles of a stay, metres.
    #[serde(default = "d_circle")]
    pub radius_m: f64,
    /// Navigational status (0 under way, 1 at anchor, 2 not under command,
    /// 5 moored, 7 fishing).
    #[serde(default)]
    pub status: Option<u8>,
    /// Transponder on (false: nothing is sent during this leg).
    #[serde(default = "d_true")]
    pub ais: bool,
    /// Heading differs from the course by this much (wind and current set
    /// a drifting ship sideways), degrees.
    #[serde(default)]
    pub heading_offset_deg: f64,
    /// A second transmitter under the same MMSI reports from here during
    /// the leg (`[lat, lon]`): one identity in two places.
    #[serde(default)]
    pub spoof_at: Option<Point>,
    /// Static data sent from this leg on: a new name.
    #[serde(default)]
    pub rename: Option<String>,
    /// Static data sent from this leg on: a new IMO (or another ship's).
    #[serde(default)]
    pub set_imo: Option<u32>,
    /// Behaviours this leg is ground truth for (detector kinds).
    #[serde(default)]
    pub truth: Vec<String>,
    /// Other MMSIs involved in this leg's truth (encounters, shared IMO).
    #[serde(default)]
    pub truth_with: Vec<u32>,
    /// Free-text note carried into the truth file.
    #[serde(default)]
    pub note: String,
}

fn d_passes() -> u32 {
    1
}
fn d_circle() -> f64 {
    150.0
}

/// The detector kinds a truth event may name.
pub const KINDS: [&str; 9] = [
    "loitering",
    "anchor_drag",
    "ais_gap",
    "spoofing",
    "encounter",
    "zone_entry",
    "identity_change",
    "repeated_crossing",
    "drift",
];

/// Truth kind of the damaging act of a reconstructed incident (the culprit
/// and the infrastructure it damaged), for investigations; not a detector
/// kind, so not scored.
pub const INCIDENT: &str = "incident";

impl Scenario {
    /// Reads and checks a scenario; paths inside it are relative to it.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut s: Scenario = toml::from_str(&text)
            .with_context(|| format!("invalid scenario {}", path.display()))?;
        s.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if s.name.is_empty() {
            s.name = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        s.check()
            .with_context(|| format!("invalid scenario {}", path.display()))?;
        Ok(s)
    }

    /// Parses a scenario from TOML text; relative paths resolve against `dir`.
    pub fn from_toml(text: &str, dir: impl Into<PathBuf>) -> Result<Scenario> {
        let mut s: Scenario = toml::from_str(text).context("invalid scenario")?;
        s.dir = dir.into();
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<()> {
        parse_rfc3339(&self.start).with_context(|| {
            format!(
                "start {:?} is not an RFC 3339 UTC time like 2024-12-25T06:00:00Z",
                self.start
            )
        })?;
        if !(self.duration_h.is_finite() && self.duration_h > 0.0 && self.duration_h <= 24.0 * 14.0)
        {
            bail!("duration_h must be between 0 and 336 hours");
        }
        let radio = &self.radio;
        for (what, v) in [
            ("loss", radio.loss),
            ("corrupt", radio.corrupt),
            ("duplicate", radio.duplicate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                bail!("radio.{what} must be a probability between 0 and 1");
            }
        }
        if !(radio.noise_m.is_finite() && radio.noise_m >= 0.0) {
            bail!("radio.noise_m must be a non-negative number of metres");
        }
        let mut points: Vec<(String, Point)> = Vec::new();
        for r in &radio.receivers {
            points.push((format!("receiver {}", r.id), r.at));
            if r.id.is_empty() || r.id.contains(['*', ',', '\\', '!']) {
                bail!(
                    "receiver id {:?} must be non-empty without '*', ',', '\\' or '!'",
                    r.id
                );
            }
            if r.loss.is_some_and(|l| !(0.0..=1.0).contains(&l)) {
                bail!(
                    "receiver {}: loss must be a probability between 0 and 1",
                    r.id
                );
            }
            if r.range_nm.is_nan() || r.range_nm <= 0.0 {
                bail!("receiver {} needs a positive range_nm", r.id);
            }
        }
        for l in &self.lanes {
            if l.route.len() < 2 {
                bail!("lane {:?} needs at least two waypoints", l.name);
            }
            check_speeds(&l.name, l.speed_kn)?;
            if !(l.ships_per_hour >= 0.0 && l.ships_per_hour < 1000.0) || l.types.is_empty() {
                bail!(
                    "lane {:?}: ships_per_hour must be 0-1000 and types non-empty",
                    l.name
                );
            }
            points.extend(l.route.iter().map(|p| (format!("lane {}", l.name), *p)));
        }
        for f in &self.ferries {
            if f.route.len() < 2 || f.speed_kn.is_nan() || f.speed_kn <= 0.5 {
                bail!("ferry {:?} needs two waypoints and a speed", f.name);
            }
            points.extend(f.route.iter().map(|p| (format!("ferry {}", f.name), *p)));
        }
        for f in &self.fishing {
            check_speeds(&f.name, f.speed_kn)?;
            points.push((format!("fishing {}", f.name), f.center));
        }
        for a in &self.anchorages {
            points.push((format!("anchorage {}", a.name), a.center));
        }
        let mut mmsis = std::collections::HashSet::new();
        for v in &self.vessels {
            if !(1..=999_999_999).contains(&v.mmsi) {
                bail!("vessel {:?}: MMSI {} out of range", v.name, v.mmsi);
            }
            if !mmsis.insert(v.mmsi) {
                bail!("vessel MMSI {} appears twice", v.mmsi);
            }
            if v.class != "A" && v.class != "B" {
                bail!("vessel {}: class must be \"A\" or \"B\"", v.mmsi);
            }
            if v.legs.is_empty() {
                bail!("vessel {} has no legs", v.mmsi);
            }
            points.push((format!("vessel {}", v.mmsi), v.start));
            for (i, leg) in v.legs.iter().enumerate() {
                let at = format!("vessel {} leg {}", v.mmsi, i + 1);
                if !(leg.speed_kn.is_finite() && (0.0..=60.0).contains(&leg.speed_kn)) {
                    bail!("{at}: speed_kn must be 0-60");
                }
                match (leg.to, leg.minutes) {
                    (Some(p), None) => {
                        points.push((at.clone(), p));
                        if leg.speed_kn < 0.5 {
                            bail!("{at}: a leg to a point needs a speed of at least 0.5 kn");
                        }
                        if leg.passes == 0 {
                            bail!("{at}: passes must be at least 1");
                        }
                    }
                    (None, Some(m)) if m > 0.0 && m.is_finite() => {}
                    _ => bail!("{at}: give either `to` (a point) or `minutes` (a stay)"),
                }
                if let Some(p) = leg.spoof_at {
                    points.push((at.clone(), p));
                }
                for k in &leg.truth {
                    if !KINDS.contains(&k.as_str()) && k != INCIDENT {
                        bail!(
                            "{at}: unknown truth kind {k:?} (one of {}, or {INCIDENT})",
                            KINDS.join(", ")
                        );
                    }
                }
            }
        }
        for (what, p) in points {
            if !(p[0].is_finite()
                && p[1].is_finite()
                && (-90.0..=90.0).contains(&p[0])
                && (-180.0..=180.0).contains(&p[1]))
            {
                bail!("{what}: {p:?} is not a [lat, lon] position");
            }
        }
        Ok(())
    }

    /// Start of the simulated period, milliseconds since the Unix epoch.
    pub fn start_ms(&self) -> i64 {
        parse_rfc3339(&self.start).unwrap_or(0)
    }

    /// End of the simulated period, milliseconds since the Unix epoch.
    pub fn end_ms(&self) -> i64 {
        self.start_ms() + (self.duration_h * 3_600_000.0) as i64
    }

    /// A path inside the scenario, resolved against its directory.
    pub fn resolve(&self, p: &str) -> String {
        let path = Path::new(p);
        if path.is_absolute() {
            p.to_string()
        } else {
            self.dir.join(path).to_string_lossy().into_owned()
        }
    }

    /// The world the scenario names, for `seawarden_pipeline::GeoWorld::load`.
    pub fn world_spec(&self) -> seawarden_pipeline::WorldSpec {
        let w = &self.world;
        seawarden_pipeline::WorldSpec {
            infra: w.infra.iter().map(|p| self.resolve(p)).collect(),
            zones: w.zones.iter().map(|p| self.resolve(p)).collect(),
            watchlist: w.watchlist.iter().map(|p| self.resolve(p)).collect(),
            ports: w.ports.as_ref().map(|p| self.resolve(p)),
            land: w.land.as_ref().map(|p| self.resolve(p)),
            ..Default::default()
        }
    }
}

fn check_speeds(name: &str, s: [f64; 2]) -> Result<()> {
    if !(s[0].is_finite() && s[1].is_finite() && 0.0 < s[0] && s[0] <= s[1] && s[1] <= 60.0) {
        bail!("{name:?}: speed_kn must be [low, high] knots with 0 < low <= high <= 60");
    }
    Ok(())
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` to milliseconds since the Unix epoch.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut ms = 0i64;
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let frac = std::str::from_utf8(&rest[1..1 + digits.min(3)]).ok()?;
        ms = format!("{frac:0<3}").parse().ok()?;
        rest = &rest[1 + digits..];
    }
    if rest != b"Z" && rest != b"+00:00" {
        return None;
    }
    // Days from the civil date (proleptic Gregorian).
    let (y2, m2) = if mo <= 2 {
        (y - 1, mo + 9)
    } else {
        (y, mo - 3)
    };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2024-12-25T10:26:00Z"),
            Some(1_735_122_360_000)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00.5Z"),
            Some(1_709_164_800_500)
        );
        assert_eq!(parse_rfc3339("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
