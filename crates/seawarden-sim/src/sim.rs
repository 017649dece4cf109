//! The simulator: vessel plans from a scenario, ITU-R M.1371 reporting,
//! receivers, channel impairments, NMEA lines and ground truth.

use anyhow::{Context, Result};
use rand_core::{Rng, SeedableRng};
use rand_xorshift::XorShiftRng;
use seawarden_ais::encode::to_sentences;
use seawarden_ais::messages::*;
use seawarden_ais::nmea::checksum;
use seawarden_ais::{AisText, Encode};
use seawarden_geo::{load_geojson_file, FeatureKind, InfraIndex, LatLon, LoadOptions, ZoneIndex};
use serde::Serialize;

use crate::scenario::{Leg, Point, Scenario, VesselScript};
use crate::truth::TruthEvent;

const KN: f64 = 1852.0 / 3600.0; // metres per second per knot

// Spherical geometry (mean Earth radius): ships' motion and radio range
// need metres, not the ellipsoid's nanometres, and the simulator computes
// millions of positions.
const EARTH_R: f64 = 6_371_008.8;

fn geodesic_distance_m(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_R * h.sqrt().min(1.0).asin()
}

fn initial_bearing_deg(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

fn destination(a: LatLon, bearing_deg: f64, distance_m: f64) -> LatLon {
    let d = distance_m / EARTH_R;
    let th = bearing_deg.to_radians();
    let p1 = a.lat.to_radians();
    let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * th.cos())
        .clamp(-1.0, 1.0)
        .asin();
    let l2 =
        a.lon.to_radians() + (th.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
    LatLon {
        lat: p2.to_degrees(),
        lon: (l2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0,
    }
}

/// The output of one run of a scenario.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// NMEA 0183 lines with NMEA 4.0 tag blocks (`s:` receiver, `c:` receive
    /// time in Unix seconds), in receive-time order.
    pub lines: Vec<String>,
    /// The injected behaviours.
    pub truth: Vec<TruthEvent>,
    /// Every simulated vessel.
    pub vessels: Vec<VesselSummary>,
    /// Hours of background traffic heard (each background vessel from its
    /// first to its last received message).
    pub background_vessel_hours: f64,
}

/// One simulated vessel, for reports and for scoring.
#[derive(Debug, Clone, Serialize)]
pub struct VesselSummary {
    /// MMSI.
    pub mmsi: u32,
    /// Name.
    pub name: String,
    /// `lane`, `ferry`, `fishing`, `anchorage` or `scripted`.
    pub role: &'static str,
    /// Background traffic (false alerts on it count per vessel-hour).
    pub background: bool,
    /// Messages sent (each may be heard by several receivers).
    pub messages: u64,
    /// First and last receive time, ms; `None` if never heard.
    pub heard_ms: Option<(i64, i64)>,
}

/// How a vessel moves during one segment of its plan.
#[derive(Debug, Clone, Copy)]
enum Motion {
    /// From `a` to `b` along the geodesic at constant speed.
    Line { a: LatLon, b: LatLon },
    /// Slow circles of `radius_m` around `c` (anchor swing, loitering).
    Stay {
        c: LatLon,
        radius_m: f64,
        phase: f64,
    },
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    t0: i64,
    t1: i64,
    motion: Motion,
    speed_kn: f64,
    status: Option<u8>,
    ais: bool,
    heading_offset: f64,
    spoof_at: Option<LatLon>,
    /// Index of the scripted leg (for truth), if any.
    leg: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct State {
    p: LatLon,
    sog: f64,
    cog: f64,
    heading: f64,
}

impl Segment {
    fn end_point(&self) -> LatLon {
        self.state(self.t1).p
    }

    fn state(&self, t: i64) -> State {
        let f = if self.t1 > self.t0 {
            ((t - self.t0) as f64 / (self.t1 - self.t0) as f64).clamp(0.0, 1.0)
        } else {
            1.0
        };
        match self.motion {
            Motion::Line { a, b } => {
                let d = geodesic_distance_m(a, b);
                let brg = if d > 0.1 {
                    initial_bearing_deg(a, b)
                } else {
                    0.0
                };
                let p = if d > 0.1 {
                    destination(a, brg, d * f)
                } else {
                    a
                };
                let cog = if d > 0.1 && f < 1.0 {
                    initial_bearing_deg(p, b)
                } else {
                    brg
                };
                State {
                    p,
                    sog: self.speed_kn,
                    cog,
                    heading: (cog + self.heading_offset).rem_euclid(360.0),
                }
            }
            Motion::Stay { c, radius_m, phase } => {
                if self.speed_kn <= 0.0 || radius_m <= 0.0 {
                    return State {
                        p: c,
                        sog: 0.0,
                        cog: phase.to_degrees().rem_euclid(360.0),
                        heading: (phase.to_degrees() + self.heading_offset).rem_euclid(360.0),
                    };
                }
                let w = self.speed_kn * KN / radius_m;
                let theta = phase + w * (t - self.t0) as f64 / 1000.0;
                let brg = theta.to_degrees().rem_euclid(360.0);
                let p = destination(c, brg, radius_m);
                let cog = (brg + 90.0).rem_euclid(360.0);
                State {
                    p,
                    sog: self.speed_kn,
                    cog,
                    heading: (cog + self.heading_offset).rem_euclid(360.0),
                }
            }
        }
    }
}

/// Identity sent in static messages from a given time on.
#[derive(Debug, Clone)]
struct Identity {
    from_ms: i64,
    name: String,
    imo: Option<u32>,
}

#[derive(Debug, Clone)]
struct Plan {
    mmsi: u32,
    class_b: bool,
    role: &'static str,
    background: bool,
    callsign: String,
    shiptype: u8,
    length_m: u16,
    destination: String,
    identities: Vec<Identity>,
    segments: Vec<Segment>,
}

impl Plan {
    fn identity_at(&self, t: i64) -> &Identity {
        self.identities
            .iter()
            .rev()
            .find(|i| i.from_ms <= t)
            .unwrap_or(&self.identities[0])
    }
}

/// A small seeded random source (xorshift, from `rand_xorshift`): the same
/// seed gives the same traffic on every platform.
struct Rand(XorShiftRng);

impl Rand {
    fn new(seed: u64) -> Self {
        Rand(XorShiftRng::seed_from_u64(seed))
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.f() * n as f64) as usize).min(n.saturating_sub(1))
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = self.f().max(1e-12);
        let v = self.f();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn ll(p: Point) -> LatLon {
    LatLon {
        lat: p[0],
        lon: p[1],
    }
}

/// Flags (MIDs) of background traffic in northern European waters.
const MIDS: [u32; 24] = [
    230, 230, 276, 265, 266, 219, 220, 257, 258, 232, 235, 636, 538, 255, 209, 212, 248, 256, 273,
    273, 244, 211, 218, 477,
];
const NAME_A: [&str; 16] = [
    "BALTIC", "NORDIC", "POLAR", "ATLANTIC", "SEA", "NORTHERN", "AURORA", "GOLDEN", "SILVER",
    "OCEAN", "STAR", "BLUE", "GREEN", "WHITE", "GRAND", "ARCTIC",
];
const NAME_B: [&str; 16] = [
    "CARRIER", "TRADER", "SPIRIT", "WAVE", "BREEZE", "FALCON", "PIONEER", "VOYAGER", "HARMONY",
    "PRIDE", "EXPRESS", "LIGHT", "HORIZON", "ISLAND", "RIVER", "WIND",
];

struct Builder<'a> {
    sc: &'a Scenario,
    rng: Rand,
    start: i64,
    end: i64,
    next_serial: u32,
    used: std::collections::HashSet<u32>,
    plans: Vec<Plan>,
}

fn valid_imo(body: u32) -> u32 {
    let digits: Vec<u32> = format!("{body:06}")
        .bytes()
        .map(|b| (b - b'0') as u32)
        .collect();
    let check: u32 = digits
        .iter()
        .zip((2..=7).rev())
        .map(|(d, w)| d * w)
        .sum::<u32>()
        % 10;
    body * 10 + check
}

impl<'a> Builder<'a> {
    fn mmsi(&mut self) -> u32 {
        loop {
            let mid = MIDS[self.rng.below(MIDS.len())];
            self.next_serial += 1;
            let m = mid * 1_000_000 + 100_000 + (self.next_serial * 7919) % 900_000;
            if self.used.insert(m) {
                return m;
            }
        }
    }

    fn identity(&mut self, role: &str, shiptype: u8) -> (String, String, Option<u32>) {
        let name = if role == "fishing" {
            format!(
                "{} {}",
                [
                    "KALASTAJA",
                    "FISKAREN",
                    "HAVFISK",
                    "TRAWLER",
                    "KUTTER",
                    "MERI"
                ][self.rng.below(6)],
                1 + self.rng.below(99)
            )
        } else {
            format!(
                "{} {}",
                NAME_A[self.rng.below(16)],
                NAME_B[self.rng.below(16)]
            )
        };
        let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut cs = String::new();
        for _ in 0..4 {
            cs.push(letters[self.rng.below(26)] as char);
        }
        cs.push_str(&format!("{}", self.rng.below(10)));
        // IMO numbers are unique: one per ship, from a counter.
        self.next_serial += 1;
        let serial = self.next_serial;
        let imo =
            (shiptype != 30 || self.rng.chance(0.3)).then(|| valid_imo(800_000 + serial % 100_000));
        (name, cs, imo)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        mmsi: u32,
        role: &'static str,
        class_b: bool,
        shiptype: u8,
        length_m: u16,
        destination: &str,
        segments: Vec<Segment>,
    ) {
        let (name, callsign, imo) = self.identity(role, shiptype);
        self.plans.push(Plan {
            mmsi,
            class_b,
            role,
            background: true,
            callsign,
            shiptype,
            length_m,
            destination: destination.to_string(),
            identities: vec![Identity {
                from_ms: i64::MIN,
                name,
                imo,
            }],
            segments,
        });
    }

    fn seg(t0: i64, t1: i64, motion: Motion, speed_kn: f64, status: Option<u8>) -> Segment {
        Segment {
            t0,
            t1,
            motion,
            speed_kn,
            status,
            ais: true,
            heading_offset: 0.0,
            spoof_at: None,
            leg: None,
        }
    }

    /// Segments along a route from fraction `from` of its length, at `kn`,
    /// starting at `t0`; the route is shifted `offset_m` to starboard.
    fn along(route: &[LatLon], t0: i64, kn: f64, from_m: f64, status: Option<u8>) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut t = t0;
        let mut skip = from_m;
        for w in route.windows(2) {
            let d = geodesic_distance_m(w[0], w[1]);
            if skip >= d {
                skip -= d;
                continue;
            }
            let a = if skip > 0.0 {
                destination(w[0], initial_bearing_deg(w[0], w[1]), skip)
            } else {
                w[0]
            };
            let len = d - skip;
            skip = 0.0;
            let dt = (len / (kn * KN) * 1000.0) as i64;
            out.push(Self::seg(
                t,
                t + dt,
                Motion::Line { a, b: w[1] },
                kn,
                status,
            ));
            t += dt;
        }
        out
    }

    fn offset_route(route: &[Point], offset_m: f64) -> Vec<LatLon> {
        let pts: Vec<LatLon> = route.iter().map(|p| ll(*p)).collect();
        (0..pts.len())
            .map(|i| {
                let (a, b) = if i + 1 < pts.len() {
                    (pts[i], pts[i + 1])
                } else {
                    (pts[i - 1], pts[i])
                };
                let brg = initial_bearing_deg(a, b);
                if offset_m == 0.0 {
                    pts[i]
                } else {
                    destination(pts[i], brg + 90.0, offset_m)
                }
            })
            .collect()
    }

    fn lanes(&mut self) {
        for lane in self.sc.lanes.clone() {
            let dirs: Vec<bool> = if lane.both_ways {
                vec![false, true]
            } else {
                vec![false]
            };
            for reverse in dirs {
                let mut r = lane.route.clone();
                if reverse {
                    r.reverse();
                }
                let len: f64 = r
                    .windows(2)
                    .map(|w| geodesic_distance_m(ll(w[0]), ll(w[1])))
                    .sum();
                if lane.ships_per_hour <= 0.0 {
                    continue;
                }
                let gap_ms = 3_600_000.0 / lane.ships_per_hour;
                let mean_kn = (lane.speed_kn[0] + lane.speed_kn[1]) / 2.0;
                // Ships already under way at the start: spread along the
                // lane as they would be after hours of steady traffic.
                let transit_ms = len / (mean_kn * KN) * 1000.0;
                let mut t = self.start as f64 - transit_ms;
                while t < self.end as f64 {
                    let kn = self.rng.range(lane.speed_kn[0], lane.speed_kn[1]);
                    let offset = if lane.both_ways {
                        self.rng.range(0.2, 1.0) * lane.width_m
                    } else {
                        self.rng.range(-1.0, 1.0) * lane.width_m
                    };
                    let route = Self::offset_route(&r, offset);
                    let (t0, from_m) = if (t as i64) < self.start {
                        (self.start, (self.start as f64 - t) / 1000.0 * kn * KN)
                    } else {
                        (t as i64, 0.0)
                    };
                    if from_m < len {
                        let mut segs = Self::along(&route, t0, kn, from_m, Some(0));
                        // Past the lane's end the ship sails on out of the
                        // area (and out of the receivers' range): ships do
                        // not vanish in mid-sea.
                        let arrives_in_port = lane.ports[if reverse { 0 } else { 1 }];
                        if let Some(last) = segs.last().copied().filter(|_| arrives_in_port) {
                            segs.push(Self::seg(
                                last.t1,
                                self.end.max(last.t1),
                                Motion::Stay {
                                    c: last.end_point(),
                                    radius_m: 0.0,
                                    phase: 0.0,
                                },
                                0.0,
                                Some(5),
                            ));
                        } else if let Some(last) = segs.last().copied() {
                            if let Motion::Line { a, b } = last.motion {
                                let on = destination(b, initial_bearing_deg(a, b), 300_000.0);
                                let dt = (300_000.0 / (kn * KN) * 1000.0) as i64;
                                segs.push(Self::seg(
                                    last.t1,
                                    last.t1 + dt,
                                    Motion::Line { a: b, b: on },
                                    kn,
                                    Some(0),
                                ));
                            }
                        }
                        let class_b = self.rng.chance(lane.class_b);
                        let shiptype = lane.types[self.rng.below(lane.types.len())];
                        let mmsi = self.mmsi();
                        let length = if class_b {
                            15 + self.rng.below(20) as u16
                        } else {
                            80 + self.rng.below(200) as u16
                        };
                        self.push(mmsi, "lane", class_b, shiptype, length, "", segs);
                    }
                    t += gap_ms * self.rng.range(0.5, 1.5);
                }
            }
        }
    }

    fn ferries(&mut self) {
        for ferry in self.sc.ferries.clone() {
            let there: Vec<LatLon> = ferry.route.iter().map(|p| ll(*p)).collect();
            let back: Vec<LatLon> = there.iter().rev().copied().collect();
            let len: f64 = there
                .windows(2)
                .map(|w| geodesic_distance_m(w[0], w[1]))
                .sum();
            let crossing_ms = len / (ferry.speed_kn * KN) * 1000.0;
            let turn_ms = ferry.turnaround_min * 60_000.0;
            let cycle = 2.0 * (crossing_ms + turn_ms);
            for i in 0..ferry.ships {
                // Ferries evenly spaced over the timetable's cycle.
                let phase =
                    cycle * i as f64 / ferry.ships.max(1) as f64 + self.rng.range(0.0, 600_000.0);
                let mut t = self.start as f64 - phase;
                let mut segs = Vec::new();
                let mut leg = 0;
                while t < self.end as f64 {
                    let route = if leg % 2 == 0 { &there } else { &back };
                    let kn = ferry.speed_kn * self.rng.range(0.95, 1.03);
                    segs.extend(Self::along(route, t as i64, kn, 0.0, Some(0)));
                    t = segs.last().map_or(t, |s| s.t1 as f64);
                    let quay = *route.last().unwrap_or(&route[0]);
                    let stay = turn_ms * self.rng.range(0.9, 1.1);
                    segs.push(Self::seg(
                        t as i64,
                        (t + stay) as i64,
                        Motion::Stay {
                            c: quay,
                            radius_m: 0.0,
                            phase: 0.0,
                        },
                        0.0,
                        Some(5),
                    ));
                    t += stay;
                    leg += 1;
                }
                segs.retain(|s| s.t1 > self.start);
                let mmsi = self.mmsi();
                let dest = ferry.name.clone();
                let length = 180 + self.rng.below(40) as u16;
                self.push(mmsi, "ferry", false, 60, length, &dest, segs);
            }
        }
    }

    fn fishing(&mut self) {
        for ground in self.sc.fishing.clone() {
            let c = ll(ground.center);
            for _ in 0..ground.ships {
                let class_b = self.rng.chance(ground.class_b);
                let kn = self.rng.range(ground.speed_kn[0], ground.speed_kn[1]);
                let mut p = destination(
                    c,
                    self.rng.range(0.0, 360.0),
                    ground.radius_m * self.rng.f().sqrt(),
                );
                let mut t = self.start - (self.rng.range(0.0, 1.0) * 3_600_000.0) as i64;
                let mut brg = self.rng.range(0.0, 360.0);
                let mut segs = Vec::new();
                while t < self.end {
                    // A tow of 1-3 hours on a steady course, then a turn.
                    let tow_ms = self.rng.range(3_600_000.0, 3.0 * 3_600_000.0);
                    let mut dist = kn * KN * tow_ms / 1000.0;
                    let mut q = destination(p, brg, dist);
                    if geodesic_distance_m(c, q) > ground.radius_m {
                        brg = initial_bearing_deg(p, c) + self.rng.range(-40.0, 40.0);
                        dist = dist.min(ground.radius_m * 1.5);
                        q = destination(p, brg, dist);
                    }
                    let dt = (dist / (kn * KN) * 1000.0) as i64;
                    segs.push(Self::seg(
                        t,
                        t + dt,
                        Motion::Line { a: p, b: q },
                        kn,
                        Some(7),
                    ));
                    t += dt;
                    p = q;
                    brg += 180.0 + self.rng.range(-30.0, 30.0);
                }
                segs.retain(|s| s.t1 > self.start);
                let mmsi = self.mmsi();
                let length = if class_b {
                    12
                } else {
                    24 + self.rng.below(20) as u16
                };
                self.push(mmsi, "fishing", class_b, 30, length, "", segs);
            }
        }
    }

    fn anchorages(&mut self) {
        for a in self.sc.anchorages.clone() {
            for _ in 0..a.ships {
                let p = destination(
                    ll(a.center),
                    self.rng.range(0.0, 360.0),
                    a.radius_m * self.rng.f().sqrt(),
                );
                let (status, kn, swing) = if a.moored {
                    (5, 0.0, 0.0)
                } else {
                    (1, self.rng.range(0.05, 0.2), self.rng.range(30.0, 80.0))
                };
                let phase = self.rng.range(0.0, std::f64::consts::TAU);
                let segs = vec![Self::seg(
                    self.start,
                    self.end,
                    Motion::Stay {
                        c: p,
                        radius_m: swing,
                        phase,
                    },
                    kn,
                    Some(status),
                )];
                let mmsi = self.mmsi();
                let shiptype = [70, 80, 70, 80, 52][self.rng.below(5)];
                let length = 90 + self.rng.below(150) as u16;
                self.push(mmsi, "anchorage", false, shiptype, length, "", segs);
            }
        }
    }

    fn scripted(&mut self, v: &VesselScript) -> Plan {
        let mut t = self.start + (v.start_min * 60_000.0) as i64;
        let mut p = ll(v.start);
        let mut segs = Vec::new();
        let mut identities = vec![Identity {
            from_ms: i64::MIN,
            name: v.name.clone(),
            imo: v.imo,
        }];
        for (i, leg) in v.legs.iter().enumerate() {
            if leg.rename.is_some() || leg.set_imo.is_some() {
                let last = identities.last().cloned().expect("one identity");
                identities.push(Identity {
                    from_ms: t,
                    name: leg.rename.clone().unwrap_or(last.name),
                    imo: leg.set_imo.or(last.imo),
                });
            }
            let mk = |t0: i64, t1: i64, motion: Motion, leg: &Leg| Segment {
                t0,
                t1,
                motion,
                speed_kn: leg.speed_kn,
                status: leg.status,
                ais: leg.ais,
                heading_offset: leg.heading_offset_deg,
                spoof_at: leg.spoof_at.map(ll),
                leg: Some(i),
            };
            match (leg.to, leg.minutes) {
                (Some(to), _) => {
                    let to = ll(to);
                    let (mut a, mut b) = (p, to);
                    for pass in 0..leg.passes {
                        let d = geodesic_distance_m(a, b);
                        let dt = (d / (leg.speed_kn * KN) * 1000.0) as i64;
                        segs.push(mk(t, t + dt, Motion::Line { a, b }, leg));
                        t += dt;
                        if pass + 1 < leg.passes {
                            std::mem::swap(&mut a, &mut b);
                        }
                    }
                    p = b;
                }
                (None, Some(m)) => {
                    let dt = (m * 60_000.0) as i64;
                    let radius = if leg.speed_kn > 0.0 {
                        leg.radius_m
                    } else {
                        0.0
                    };
                    // Circles start where the ship is: the centre lies one
                    // radius to the north.
                    let c = if radius > 0.0 {
                        destination(p, 0.0, radius)
                    } else {
                        p
                    };
                    segs.push(mk(
                        t,
                        t + dt,
                        Motion::Stay {
                            c,
                            radius_m: radius,
                            phase: std::f64::consts::PI,
                        },
                        leg,
                    ));
                    t += dt;
                    p = segs.last().map_or(p, |s: &Segment| s.state(s.t1).p);
                }
                _ => {}
            }
        }
        // After its last leg the vessel stays where it is, moored, to the
        // end: scripted ships do not vanish in mid-sea.
        if t < self.end {
            segs.push(Segment {
                t0: t,
                t1: self.end,
                motion: Motion::Stay {
                    c: p,
                    radius_m: 0.0,
                    phase: 0.0,
                },
                speed_kn: 0.0,
                status: Some(5),
                ais: true,
                heading_offset: 0.0,
                spoof_at: None,
                leg: None,
            });
        }
        Plan {
            mmsi: v.mmsi,
            class_b: v.class == "B",
            role: "scripted",
            background: v.background,
            callsign: v.callsign.clone(),
            shiptype: v.shiptype,
            length_m: v.length_m,
            destination: v.destination.clone(),
            identities,
            segments: segs,
        }
    }
}

/// ITU-R M.1371-5 Table 1 (class A) and the class B "CS" rates: the
/// reporting interval for a speed and status, milliseconds.
pub fn reporting_interval_ms(class_b: bool, sog_kn: f64, status: Option<u8>) -> i64 {
    if class_b {
        return if sog_kn > 2.0 { 30_000 } else { 180_000 };
    }
    if matches!(status, Some(1) | Some(5)) && sog_kn <= 3.0 {
        180_000
    } else if sog_kn <= 14.0 {
        10_000
    } else if sog_kn <= 23.0 {
        6_000
    } else {
        2_000
    }
}

struct Emitter<'a> {
    sc: &'a Scenario,
    rng: Rand,
    out: Vec<(i64, u64, String)>,
    order: u64,
    seq: Vec<u8>,
    receivers: Vec<(String, LatLon, f64, f64)>,
}

impl Emitter<'_> {
    /// Sends one message: every receiver in range may hear it.
    fn send(
        &mut self,
        t_ms: i64,
        at: LatLon,
        payload: &seawarden_ais::Payload,
        channel: char,
    ) -> Option<(i64, i64)> {
        let mut heard: Option<(i64, i64)> = None;
        for r in 0..self.receivers.len() {
            let (ref id, pos, range_m, loss) = self.receivers[r];
            let d = geodesic_distance_m(pos, at);
            // Full range with the configured loss, then a fringe of 15 %
            // where reception fades out.
            let p_hear = if d <= range_m {
                1.0 - loss
            } else if d <= range_m * 1.15 {
                (1.0 - loss) * (1.0 - (d - range_m) / (0.15 * range_m))
            } else {
                0.0
            };
            if !self.rng.chance(p_hear) {
                continue;
            }
            let rx = t_ms + self.rng.range(0.0, 1500.0) as i64;
            let secs = rx.div_euclid(1000);
            let id = id.clone();
            self.seq[r] = (self.seq[r] + 1) % 10;
            let sentences = to_sentences(payload, "AI", channel, self.seq[r], 60);
            for s in sentences {
                let body = format!("s:{id},c:{secs}");
                let mut line = format!("\\{body}*{:02X}\\{s}", checksum(body.as_bytes()));
                if self.rng.chance(self.sc.radio.corrupt) {
                    line = corrupt(&mut self.rng, &line);
                }
                let twice = self.rng.chance(self.sc.radio.duplicate);
                self.order += 1;
                self.out.push((rx, self.order, line.clone()));
                if twice {
                    self.order += 1;
                    self.out.push((rx, self.order, line));
                }
            }
            heard = Some(heard.map_or((rx, rx), |(a, b)| (a.min(rx), b.max(rx))));
        }
        heard
    }
}

/// Damages a line as a noisy link does: a flipped payload character (the
/// checksum no longer matches) or a line cut short.
fn corrupt(rng: &mut Rand, line: &str) -> String {
    let bytes = line.as_bytes();
    let start = line.find('!').unwrap_or(0);
    if rng.chance(0.5) && bytes.len() > start + 20 {
        let cut = start + 10 + rng.below(bytes.len() - start - 12);
        line[..cut].to_string()
    } else {
        let mut b = bytes.to_vec();
        let at = start + 15 + rng.below(b.len().saturating_sub(start + 20).max(1));
        let at = at.min(b.len() - 1);
        b[at] = if b[at] == b'w' { b'0' } else { b'w' };
        String::from_utf8(b).unwrap_or_default()
    }
}

fn text<const N: usize>(s: &str) -> AisText<N> {
    let clean: String = s
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .take(N)
        .collect();
    AisText::from(clean.as_str())
}

fn position_payload(
    plan: &Plan,
    st: &State,
    status: Option<u8>,
    t_ms: i64,
    radio: u32,
) -> seawarden_ais::Payload {
    let second = Some(((t_ms / 1000) % 60) as u8);
    if plan.class_b {
        ClassBPosition {
            header: Header {
                msg_type: 18,
                repeat: 0,
                mmsi: plan.mmsi,
            },
            reserved: 0,
            speed: Some(st.sog as f32),
            accuracy: false,
            lon: Some(st.p.lon),
            lat: Some(st.p.lat),
            course: Some(st.cog as f32),
            heading: None,
            second,
            regional: 0,
            cs: true,
            display: false,
            dsc: true,
            band: true,
            msg22: true,
            assigned: false,
            raim: false,
            radio: 393_222,
        }
        .encode()
    } else {
        PositionReport {
            header: Header {
                msg_type: 1,
                repeat: 0,
                mmsi: plan.mmsi,
            },
            status: Some(status.unwrap_or(0)),
            rot: Some(0),
            speed: Some(st.sog as f32),
            accuracy: false,
            lon: Some(st.p.lon),
            lat: Some(st.p.lat),
            course: Some(st.cog as f32),
            heading: Some(st.heading.round() as u16 % 360),
            second,
            maneuver: None,
            spare: 0,
            raim: false,
            radio,
        }
        .encode()
    }
}

fn static_payloads(plan: &Plan, t_ms: i64) -> Vec<seawarden_ais::Payload> {
    let id = plan.identity_at(t_ms);
    let bow = plan.length_m * 4 / 5;
    let dims = Dimensions {
        to_bow: Some(bow),
        to_stern: Some(plan.length_m - bow),
        to_port: Some((plan.length_m / 14).max(2) as u8),
        to_starboard: Some((plan.length_m / 14).max(2) as u8),
    };
    if plan.class_b {
        vec![
            StaticDataReport {
                header: Header {
                    msg_type: 24,
                    repeat: 0,
                    mmsi: plan.mmsi,
                },
                part: StaticDataPart::A {
                    shipname: text(&id.name),
                },
            }
            .encode(),
            StaticDataReport {
                header: Header {
                    msg_type: 24,
                    repeat: 0,
                    mmsi: plan.mmsi,
                },
                part: StaticDataPart::B {
                    shiptype: Some(plan.shiptype),
                    vendorid: text("SIM"),
                    model: 1,
                    serial: plan.mmsi % 1_000_000,
                    callsign: text(&plan.callsign),
                    dimensions_or_mothership: DimensionsOrMothership::Dimensions(dims),
                    epfd: Some(1),
                },
            }
            .encode(),
        ]
    } else {
        vec![StaticVoyageData {
            header: Header {
                msg_type: 5,
                repeat: 0,
                mmsi: plan.mmsi,
            },
            ais_version: 2,
            imo: id.imo,
            callsign: text(&plan.callsign),
            shipname: text(&id.name),
            shiptype: Some(plan.shiptype),
            dimensions: dims,
            epfd: Some(1),
            eta: Eta::default(),
            draught: Some((plan.length_m as f32 / 25.0).clamp(2.0, 15.0)),
            destination: text(&plan.destination),
            dte: false,
            spare: false,
        }
        .encode()]
    }
}

/// The world's geometry needed for truth: infrastructure and zones.
pub(crate) struct Geo {
    infra: InfraIndex,
    zones: ZoneIndex,
}

fn options_for(path: &str) -> LoadOptions {
    let name = std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.contains("cable-geo") {
        LoadOptions::telegeography()
    } else if name.contains("pipline") {
        LoadOptions::sodir_pipelines()
    } else if name.contains("countries-maritime") {
        LoadOptions::countries_maritime()
    } else {
        LoadOptions {
            zone_kind: FeatureKind::TerritorialSea,
            ..LoadOptions::default()
        }
    }
}

impl Geo {
    fn load(sc: &Scenario) -> Result<Geo> {
        let spec = sc.world_spec();
        let mut lines = Vec::new();
        let mut zones = Vec::new();
        for path in spec.infra.iter().chain(&spec.zones) {
            let layer = load_geojson_file(path, &options_for(path))
                .with_context(|| format!("cannot load {path}"))?;
            lines.extend(layer.lines);
            zones.extend(layer.zones);
        }
        Ok(Geo {
            infra: InfraIndex::new(lines),
            zones: ZoneIndex::new(zones),
        })
    }
}

impl Scenario {
    /// Simulates the scenario with `seed`: the same scenario and seed give
    /// the same lines and truth, byte for byte.
    ///
    /// # Errors
    /// When a world file the scenario names cannot be read.
    pub fn simulate(&self, seed: u64) -> Result<Simulation> {
        let geo = Geo::load(self)?;
        let start = self.start_ms();
        let end = self.end_ms();
        let mut b = Builder {
            sc: self,
            rng: Rand::new(seed ^ 0x5EA_3A2D),
            start,
            end,
            next_serial: 0,
            used: self.vessels.iter().map(|v| v.mmsi).collect(),
            plans: Vec::new(),
        };
        b.lanes();
        b.ferries();
        b.fishing();
        b.anchorages();
        for v in &self.vessels {
            let plan = b.scripted(v);
            b.plans.push(plan);
        }
        let plans = b.plans;
        let mut receivers: Vec<(String, LatLon, f64, f64)> = self
            .radio
            .receivers
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    ll(r.at),
                    r.range_nm * 1852.0,
                    r.loss.unwrap_or(self.radio.loss),
                )
            })
            .collect();
        if receivers.is_empty() {
            receivers.push((
                "SIM".into(),
                LatLon { lat: 0.0, lon: 0.0 },
                1e9,
                self.radio.loss,
            ));
        }
        let n_rx = receivers.len();
        let mut em = Emitter {
            sc: self,
            rng: Rand::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xA15),
            out: Vec::new(),
            order: 0,
            seq: vec![0; n_rx],
            receivers,
        };
        let mut vessels = Vec::new();
        for plan in &plans {
            vessels.push(emit_vessel(&mut em, plan, start, end));
        }
        em.out.sort_by_key(|(t, o, _)| (*t, *o));
        let lines = em.out.into_iter().map(|(_, _, l)| l).collect();
        let background_vessel_hours = vessels
            .iter()
            .filter(|v| v.background)
            .filter_map(|v| v.heard_ms)
            .map(|(a, b)| (b - a) as f64 / 3_600_000.0)
            .sum();
        let truth = crate::truth::truth_events(self, &plans_truth(&plans), &geo);
        Ok(Simulation {
            lines,
            truth,
            vessels,
            background_vessel_hours,
        })
    }
}

fn emit_vessel(em: &mut Emitter<'_>, plan: &Plan, start: i64, end: i64) -> VesselSummary {
    let mut heard: Option<(i64, i64)> = None;
    let mut messages = 0u64;
    let mut note = |h: Option<(i64, i64)>| {
        if let Some((a, b)) = h {
            heard = Some(heard.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        }
    };
    let Some(first) = plan.segments.first() else {
        return VesselSummary {
            mmsi: plan.mmsi,
            name: plan.identities[0].name.clone(),
            role: plan.role,
            background: plan.background,
            messages,
            heard_ms: None,
        };
    };
    let last_t = plan.segments.last().map_or(end, |s| s.t1).min(end);
    // SOTDMA slots: each ship keeps its own phase.
    let mut t = first.t0.max(start) + em.rng.range(0.0, 10_000.0) as i64;
    let mut next_static = t + em.rng.range(0.0, 360_000.0) as i64;
    let mut seg_i = 0;
    let mut channel = if em.rng.chance(0.5) { 'A' } else { 'B' };
    let noise = em.sc.radio.noise_m;
    let radio_state = plan.mmsi % 0x7FFFF;
    let mut spoof_turn = false;
    while t <= last_t {
        while seg_i + 1 < plan.segments.len() && plan.segments[seg_i].t1 <= t {
            seg_i += 1;
        }
        let seg = plan.segments[seg_i];
        if t < seg.t0 {
            t = seg.t0;
            continue;
        }
        let mut st = seg.state(t);
        let interval = reporting_interval_ms(plan.class_b, st.sog, seg.status);
        if seg.ais {
            // GNSS noise on the position, sensor noise on speed and course.
            let (n, e) = (em.rng.normal() * noise, em.rng.normal() * noise);
            let p = destination(st.p, e.atan2(n).to_degrees(), n.hypot(e));
            st.p = p;
            st.sog = (st.sog + em.rng.normal() * 0.1 * st.sog.min(1.0)).max(0.0);
            st.sog = (st.sog * 10.0).round() / 10.0;
            let cog_sd = if st.sog < 1.0 { 5.0 } else { 1.0 };
            st.cog = (st.cog + em.rng.normal() * cog_sd).rem_euclid(360.0);
            st.heading = (st.heading + em.rng.normal()).rem_euclid(360.0);
            let payload = position_payload(plan, &st, seg.status, t, radio_state);
            channel = if channel == 'A' { 'B' } else { 'A' };
            messages += 1;
            let h = em.send(t, st.p, &payload, channel);
            note(h);
            if let Some(other) = seg.spoof_at {
                // The second transmitter under the same MMSI, every other
                // report, a few seconds later.
                spoof_turn = !spoof_turn;
                if spoof_turn {
                    let q = destination(other, em.rng.range(0.0, 360.0), em.rng.range(0.0, 200.0));
                    let ts = t + 3_000;
                    let fake = State {
                        p: q,
                        sog: em.rng.range(0.0, 1.0),
                        cog: em.rng.range(0.0, 360.0),
                        heading: em.rng.range(0.0, 360.0),
                    };
                    let payload =
                        position_payload(plan, &fake, seg.status, ts, radio_state ^ 0x155);
                    messages += 1;
                    let h = em.send(ts, q, &payload, channel);
                    note(h);
                }
            }
            if t >= next_static {
                for payload in static_payloads(plan, t) {
                    messages += 1;
                    let h = em.send(t + 1_000, st.p, &payload, channel);
                    note(h);
                }
                // Every six minutes on the unit's own schedule.
                while next_static <= t {
                    next_static += 360_000;
                }
            }
        }
        let jitter = em.rng.range(-0.02, 0.02) * interval as f64;
        t += (interval as f64 + jitter) as i64;
    }
    VesselSummary {
        mmsi: plan.mmsi,
        name: plan.identities[0].name.clone(),
        role: plan.role,
        background: plan.background,
        messages,
        heard_ms: heard,
    }
}

/// What truth needs from a scripted plan: per leg, its time span and the
/// true positions sampled through it.
pub(crate) struct LegSpan {
    pub mmsi: u32,
    pub name: String,
    pub leg: usize,
    pub t0: i64,
    pub t1: i64,
    /// True positions every 30 s through the leg (with their times).
    pub track: Vec<(i64, LatLon)>,
}

fn plans_truth(plans: &[Plan]) -> Vec<LegSpan> {
    let mut out = Vec::new();
    for plan in plans.iter().filter(|p| p.role == "scripted") {
        let mut spans: Vec<LegSpan> = Vec::new();
        for s in &plan.segments {
            let Some(leg) = s.leg else { continue };
            let mut track = Vec::new();
            let mut t = s.t0;
            while t < s.t1 {
                track.push((t, s.state(t).p));
                t += 30_000;
            }
            track.push((s.t1, s.state(s.t1).p));
            match spans.last_mut() {
                Some(last) if last.leg == leg => {
                    last.t1 = s.t1;
                    last.track.extend(track);
                }
                _ => spans.push(LegSpan {
                    mmsi: plan.mmsi,
                    name: plan.identities[0].name.clone(),
                    leg,
                    t0: s.t0,
                    t1: s.t1,
                    track,
                }),
            }
        }
        out.extend(spans);
    }
    out
}

impl Geo {
    pub(crate) fn infra_along(&self, track: &[(i64, LatLon)]) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut hits = Vec::new();
        let mut cross = Vec::new();
        for (i, (_, p)) in track.iter().enumerate() {
            hits.clear();
            self.infra.near(*p, &mut hits);
            for h in &hits {
                if let Some(f) = self.infra.feature(h.feature) {
                    ids.push(f.id.clone());
                }
            }
            if i > 0 {
                cross.clear();
                self.infra.crossings(track[i - 1].1, *p, &mut cross);
                for c in &cross {
                    if let Some(f) = self.infra.feature(c.feature) {
                        ids.push(f.id.clone());
                    }
                }
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }

    /// The first time along `track` the ship enters a territorial sea (or
    /// any zone kind in `kinds`) it was not in at the start.
    pub(crate) fn zone_entry(
        &self,
        track: &[(i64, LatLon)],
        kinds: &[&str],
    ) -> Option<(i64, String)> {
        let mut ids = Vec::new();
        let mut before: Option<Vec<u32>> = None;
        for (t, p) in track {
            ids.clear();
            self.zones.zones_at(*p, &mut ids);
            let now: Vec<u32> = ids
                .iter()
                .filter(|z| {
                    self.zones
                        .feature(**z)
                        .is_some_and(|f| kinds.contains(&f.kind.as_str()))
                })
                .map(|z| z.0)
                .collect();
            if let Some(b) = &before {
                if let Some(z) = now.iter().find(|z| !b.contains(z)) {
                    let id = self
                        .zones
                        .feature(seawarden_geo::FeatureId(*z))
                        .map(|f| f.id.clone())
                        .unwrap_or_default();
                    return Some((*t, id));
                }
            }
            before = Some(now);
        }
        None
    }
}
