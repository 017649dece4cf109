//! The analysis: one pass over each ship's reports, linear in their number.

use std::collections::HashMap;

use seawarden_geo::{equirectangular_distance_m, Crossing as GeoCrossing, InfraHit, LatLon};
use seawarden_registry::{Ports, Watchlist};
use seawarden_track::{Identity, PositionObs, StaticObs};

use crate::model::{
    rfc3339, Crossing, Gap, Investigation, PortCall, PriorAlert, Suspect, TrackPoint, WatchHit,
};
use crate::score::score;
use crate::target::{boxes_meet, Query, Target};

const MIN: i64 = 60_000;
const KN: f64 = 1852.0 / 3600.0; // m/s per knot

/// Thresholds of the analysis and of the score (defaults in brackets; their
/// reasons in `docs/investigate.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// A silence at least this long is a gap; a crossing inside one is
    /// "dark" [900 s: class A ships under way report every 2 to 10 s, at
    /// anchor every 3 minutes].
    pub dark_gap_s: f64,
    /// Reports implying a faster jump from the previous one are dropped as
    /// bad fixes or spoofing [50 kn].
    pub max_speed_kn: f64,
    /// Speeds above this are "under way" and make the cruising baseline [3 kn].
    pub underway_kn: f32,
    /// Under this speed inside the corridor is loitering: at anchor,
    /// drifting, stopped [1 kn].
    pub loiter_kn: f32,
    /// Anchor-drag-like: speed between `drag_min_kn` and this fraction of
    /// the baseline... [0.75]
    pub drag_ratio: f32,
    /// ...and above this [1 kn]...
    pub drag_min_kn: f32,
    /// ...with the course within this of the run's first course [30°].
    pub drag_course_deg: f32,
    /// A port of call is a stop (speed at most 0.5 kn, or moored) within
    /// this distance of a World Port Index port [10 km].
    pub port_radius_km: f64,
    /// Reports within this of a World Port Index port, or moored, are in
    /// port: berthing ships are left out of corridor time, loitering,
    /// status and speed profiles, and their crossings score nothing [3 km].
    pub in_port_km: f64,
    /// Gaps whose ends are within this of the target are listed [20 km].
    pub gap_near_m: f64,
    /// Track kept for the report's plots before and after the window [1 h].
    pub margin_ms: i64,
    /// Report track samples per ship, at most [3000].
    pub max_track_points: usize,
    /// Ports of interest (names as in the World Port Index or common names,
    /// e.g. `Ust-Luga`) [the Russian Baltic and Arctic oil and cargo ports:
    /// `seawarden_registry::RUSSIAN_PORTS_OF_INTEREST`].
    pub ports_of_interest: Vec<String>,
    /// Flags of interest, ISO 3166-1 alpha-2 [none].
    pub flags_of_interest: Vec<String>,
    /// Threads for inputs of 100 000 reports or more; 0: one per core [0].
    pub threads: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            dark_gap_s: 900.0,
            max_speed_kn: 50.0,
            underway_kn: 3.0,
            loiter_kn: 1.0,
            drag_ratio: 0.75,
            drag_min_kn: 1.0,
            drag_course_deg: 30.0,
            port_radius_km: 10.0,
            in_port_km: 3.0,
            gap_near_m: 20_000.0,
            margin_ms: 60 * MIN,
            max_track_points: 3000,
            ports_of_interest: seawarden_registry::RUSSIAN_PORTS_OF_INTEREST
                .iter()
                .map(|(n, _)| n.to_string())
                .collect(),
            flags_of_interest: Vec::new(),
            threads: 0,
        }
    }
}

/// Reference data: ports for the last port of call, watchlists.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// Ports (World Port Index); `None`: no last port of call.
    pub ports: Option<&'a Ports>,
    /// Watchlist; `None`: no watchlist factor.
    pub watchlist: Option<&'a Watchlist>,
    /// Alerts raised earlier (e.g. stored by `seawarden replay --data`),
    /// any order: those of a suspect overlapping the window are listed.
    pub alerts: &'a [PriorAlert],
}

/// A cleaned report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct P {
    pub t: i64,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f32>,
    pub cog: Option<f32>,
    pub status: Option<u8>,
}

/// What one ship did, before scoring.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evidence {
    pub crossings: Vec<Crossing>,
    pub features_crossed: usize,
    pub baseline: Option<f32>,
    pub corridor_min: f64,
    pub loiter_min: f64,
    pub drag_min: f64,
    pub drag_detail: String,
    pub statuses: Vec<u8>,
    pub gaps: Vec<Gap>,
    pub last_port: Option<PortCall>,
    pub watch: Vec<WatchHit>,
    pub flag: Option<(String, String)>,
    pub corridor_m: f64,
}

/// Runs the investigation: every ship whose reports cross or enter the
/// target's corridor in the window (near the fault if one is given),
/// analysed and ranked.
///
/// `positions` should be sorted by MMSI then time (as the store returns
/// them); other orders are sorted first. Reports outside the window are
/// used for the ship's cruising baseline, its last port of call and the
/// report's plots, so pass a margin either side (hours) when you can.
/// `statics` may come in any order.
pub fn investigate(
    target: &Target,
    query: &Query,
    positions: &[PositionObs],
    statics: &[StaticObs],
    ctx: Context<'_>,
    params: &Params,
) -> Investigation {
    let sorted_owned;
    let positions = if positions
        .windows(2)
        .all(|w| (w[0].mmsi, w[0].time_ms) <= (w[1].mmsi, w[1].time_ms))
    {
        positions
    } else {
        let mut v = positions.to_vec();
        v.sort_by_key(|p| (p.mmsi, p.time_ms));
        sorted_owned = v;
        &sorted_owned
    };
    let identities = merge_identities(statics);
    let mut suspects = Vec::new();
    let mut ships = 0;
    let mut dropped = 0;
    // Ships are independent: split the reports at ship boundaries into one
    // part per thread (small inputs in one part).
    let threads = match params.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let parts = if positions.len() < 100_000 {
        1
    } else {
        threads.clamp(1, 64)
    };
    let mut cuts = vec![0];
    for k in 1..parts {
        let mut c = positions.len() * k / parts;
        while c > 0 && c < positions.len() && positions[c - 1].mmsi == positions[c].mmsi {
            c += 1;
        }
        if c > *cuts.last().unwrap_or(&0) && c < positions.len() {
            cuts.push(c);
        }
    }
    cuts.push(positions.len());
    let run = |part: &[PositionObs]| {
        let mut out = (Vec::new(), 0usize, 0usize, 0usize);
        let mut scratch = Scratch::default();
        let focus = target.focus(query);
        for track in part.chunk_by(|a, b| a.mmsi == b.mmsi) {
            out.1 += 1;
            if !ever_near(track, &focus, query) {
                continue;
            }
            let (clean, r, d) = clean(track, params);
            out.2 += d;
            out.3 += r;
            if let Some(s) = analyse(
                target,
                query,
                track[0].mmsi,
                &clean,
                identities.get(&track[0].mmsi),
                ctx,
                params,
                &mut scratch,
            ) {
                out.0.push(s);
            }
        }
        out
    };
    let results: Vec<(Vec<Suspect>, usize, usize, usize)> = if cuts.len() <= 2 {
        vec![run(positions)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = cuts
                .windows(2)
                .map(|w| &positions[w[0]..w[1]])
                .map(|part| scope.spawn(move || run(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut repeated = 0;
    for (s, n, d, r) in results {
        suspects.extend(s);
        ships += n;
        dropped += d;
        repeated += r;
    }
    rank(&mut suspects);
    Investigation {
        suspects,
        ships,
        positions: positions.len(),
        repeated,
        dropped,
    }
}

/// True if some report in the window, or some path between consecutive
/// reports around it, meets `focus`: ships that never do are skipped before
/// any other work.
fn ever_near(track: &[PositionObs], focus: &[f64; 4], q: &Query) -> bool {
    let i0 = track
        .partition_point(|p| p.time_ms < q.from_ms)
        .saturating_sub(1);
    let i1 = (track.partition_point(|p| p.time_ms <= q.to_ms) + 1).min(track.len());
    let w = &track[i0..i1];
    w.iter()
        .any(|p| boxes_meet(focus, (p.lat, p.lon), (p.lat, p.lon)))
        || w.windows(2)
            .any(|x| boxes_meet(focus, (x[0].lat, x[0].lon), (x[1].lat, x[1].lon)))
}

/// Sorts by score (then crossings, then MMSI) and numbers the ranks.
pub(crate) fn rank(suspects: &mut [Suspect]) {
    suspects.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.crossings.len().cmp(&a.crossings.len()))
            .then(a.mmsi.cmp(&b.mmsi))
    });
    for (i, s) in suspects.iter_mut().enumerate() {
        s.rank = i + 1;
    }
}

fn merge_identities(statics: &[StaticObs]) -> HashMap<u32, Identity> {
    let mut order: Vec<&StaticObs> = statics.iter().collect();
    order.sort_by_key(|s| (s.mmsi, s.time_ms));
    let mut out: HashMap<u32, Identity> = HashMap::new();
    for s in order {
        out.entry(s.mmsi).or_default().merge(s);
    }
    out
}

/// Drops invalid positions, repeated times (copies from several receivers)
/// and implausible jumps; returns the reports kept, the number of repeated
/// times and the number of other reports dropped.
pub(crate) fn clean(track: &[PositionObs], params: &Params) -> (Vec<P>, usize, usize) {
    let mut out: Vec<P> = Vec::with_capacity(track.len());
    let mut dropped = 0;
    let mut repeated = 0;
    let mut rejected_in_row = 0;
    for o in track {
        let valid =
            o.lat.is_finite() && o.lon.is_finite() && o.lat.abs() <= 90.0 && o.lon.abs() <= 180.0;
        if !valid {
            dropped += 1;
            continue;
        }
        let sog = o.sog.filter(|s| s.is_finite() && *s >= 0.0 && *s < 102.2);
        let cog = o.cog.filter(|c| c.is_finite() && *c >= 0.0 && *c < 360.0);
        let p = P {
            t: o.time_ms,
            lat: o.lat,
            lon: o.lon,
            sog,
            cog,
            status: o.status.filter(|s| *s <= 15),
        };
        if let Some(prev) = out.last() {
            if p.t <= prev.t {
                repeated += 1;
                continue;
            }
            let dt = (p.t - prev.t) as f64 / 1000.0;
            // A jump is implausible if faster than the limit and farther
            // than receiver timing jitter explains; after three rejections
            // in a row the earlier fix is the doubtful one: accept. (The
            // cheap upper bound settles nearly every report.)
            let limit = params.max_speed_kn * KN * dt;
            let bound = upper_bound_m(prev, &p);
            let jump = bound > 2_000.0 && bound > limit && {
                let d = equirectangular_distance_m(
                    LatLon::new(prev.lat, prev.lon),
                    LatLon::new(p.lat, p.lon),
                );
                d > 2_000.0 && d > limit
            };
            if jump && rejected_in_row < 3 {
                rejected_in_row += 1;
                dropped += 1;
                continue;
            }
        }
        rejected_in_row = 0;
        out.push(p);
    }
    (out, repeated, dropped)
}

/// An upper bound of the distance between two reports, metres: degrees
/// of latitude are at most 111.7 km and of longitude no longer (no
/// trigonometry; longitude differences wrapped).
#[inline]
fn upper_bound_m(a: &P, b: &P) -> f64 {
    let dlat = b.lat - a.lat;
    let mut dlon = (b.lon - a.lon).abs();
    if dlon > 180.0 {
        dlon = 360.0 - dlon;
    }
    (dlat * dlat + dlon * dlon).sqrt() * 111_700.0
}

#[derive(Default)]
struct Scratch {
    hits: Vec<InfraHit>,
    crossings: Vec<GeoCrossing>,
}

/// Which reports are in port: moored, or within `in_port_km` of a World
/// Port Index port (computed on demand, once per report).
struct InPort<'a> {
    ports: Option<&'a Ports>,
    radius_km: f64,
    cache: Vec<u8>,
}

impl InPort<'_> {
    fn at(&mut self, ps: &[P], i: usize) -> bool {
        if self.cache.len() != ps.len() {
            self.cache = vec![0; ps.len()];
        }
        if self.cache[i] == 0 {
            let p = &ps[i];
            let yes = p.status == Some(5)
                || self
                    .ports
                    .is_some_and(|ports| ports.nearest(p.lat, p.lon, self.radius_km).is_some());
            self.cache[i] = if yes { 2 } else { 1 };
        }
        self.cache[i] == 2
    }

    /// Speeds reported in `[t0, t1]` outside port.
    fn speeds(&mut self, ps: &[P], t0: i64, t1: i64) -> Vec<f32> {
        let i0 = ps.partition_point(|p| p.t < t0);
        let i1 = ps.partition_point(|p| p.t <= t1);
        (i0..i1)
            .filter(|&i| !self.at(ps, i))
            .filter_map(|i| ps[i].sog)
            .collect()
    }
}

/// Median of the speeds reported in `[t0, t1]` outside port.
fn median_sog(ps: &[P], t0: i64, t1: i64, port: &mut InPort<'_>) -> Option<f32> {
    let mut v = port.speeds(ps, t0, t1);
    if v.is_empty() {
        return None;
    }
    let m = v.len() / 2;
    v.select_nth_unstable_by(m, f32::total_cmp);
    Some(v[m])
}

fn min_sog(ps: &[P], t0: i64, t1: i64, port: &mut InPort<'_>) -> Option<f32> {
    port.speeds(ps, t0, t1).into_iter().min_by(f32::total_cmp)
}

/// Circular mean of the courses of reports in `[t0, t1]` made at 1 kn or more.
fn mean_cog(ps: &[P], t0: i64, t1: i64) -> Option<f32> {
    let i0 = ps.partition_point(|p| p.t < t0);
    let (mut x, mut y, mut n) = (0.0f64, 0.0f64, 0);
    for p in ps[i0..].iter().take_while(|p| p.t <= t1) {
        if let (Some(c), Some(s)) = (p.cog, p.sog) {
            if s >= 1.0 {
                let r = (c as f64).to_radians();
                x += r.cos();
                y += r.sin();
                n += 1;
            }
        }
    }
    if n == 0 || x.hypot(y) < 1e-9 {
        return None;
    }
    Some(y.atan2(x).to_degrees().rem_euclid(360.0) as f32)
}

/// Signed difference `b - a` of two bearings, in [-180, 180].
pub(crate) fn angle_diff(a: f32, b: f32) -> f32 {
    let d = (b - a).rem_euclid(360.0);
    if d > 180.0 {
        d - 360.0
    } else {
        d
    }
}

/// The 90th percentile: a ship's cruising speed even when it spent most of
/// the period slow (a long anchor drag), with single fast outliers ignored.
/// `None` unless the ship was under way for a real part of the period (at
/// least 20 reports and a tenth of its reports with a speed): a trawler
/// towing at 2.5 kn or a ship at anchor has no cruising speed to slow from.
fn cruising(mut v: Vec<f32>, reports_with_speed: usize) -> Option<f32> {
    if v.len() < 20 || v.len() * 10 < reports_with_speed {
        return None;
    }
    let k = v.len() * 9 / 10;
    v.select_nth_unstable_by(k, f32::total_cmp);
    Some(v[k])
}

#[allow(clippy::too_many_arguments)]
fn analyse(
    target: &Target,
    q: &Query,
    mmsi: u32,
    ps: &[P],
    identity: Option<&Identity>,
    ctx: Context<'_>,
    params: &Params,
    sc: &mut Scratch,
) -> Option<Suspect> {
    if ps.is_empty() {
        return None;
    }
    let (from, to) = (q.from_ms, q.to_ms);
    let focus = target.focus(q);
    let dark_ms = (params.dark_gap_s * 1000.0) as i64;
    let near_fault = |lat: f64, lon: f64| q.fault.is_none_or(|f| f.contains(lat, lon));
    // Window reports, with one report either side so that passes across
    // the window's edges are seen.
    let w0 = ps.partition_point(|p| p.t < from).saturating_sub(1);
    let w1 = (ps.partition_point(|p| p.t <= to) + 1).min(ps.len());
    let win = &ps[w0..w1];

    let mut port = InPort {
        ports: ctx.ports,
        radius_km: params.in_port_km,
        cache: Vec::new(),
    };

    // Pass 1: corridor presence and crossings. A path shorter than the
    // narrowest corridor can only cross a line if both its ends are inside
    // that line's corridor, so most pairs need no crossing query.
    let min_corridor = target.min_corridor_m();
    let mut in_corr = vec![false; win.len()];
    let mut raw: Vec<(u32, i64, f64, f64, usize)> = Vec::new(); // feature, time, lat, lon, index of the report after
    let mut corridor_m: f64 = 0.0;
    let mut hit_prev = false;
    for (i, p) in win.iter().enumerate() {
        let hit = boxes_meet(&focus, (p.lat, p.lon), (p.lat, p.lon)) && {
            target.index().near(LatLon::new(p.lat, p.lon), &mut sc.hits);
            !sc.hits.is_empty()
        };
        if hit && p.t >= from && p.t <= to && near_fault(p.lat, p.lon) && !port.at(ps, w0 + i) {
            in_corr[i] = true;
            for h in &sc.hits {
                corridor_m = corridor_m.max(target.features()[h.feature.index()].corridor_m);
            }
        }
        let both = hit && hit_prev;
        hit_prev = hit;
        if i == 0 {
            continue;
        }
        let a = &win[i - 1];
        if p.t < from || a.t > to || !boxes_meet(&focus, (a.lat, a.lon), (p.lat, p.lon)) {
            continue;
        }
        if !both && upper_bound_m(a, p) < min_corridor {
            continue;
        }
        target.index().crossings(
            LatLon::new(a.lat, a.lon),
            LatLon::new(p.lat, p.lon),
            &mut sc.crossings,
        );
        for c in &sc.crossings {
            let t = a.t + ((p.t - a.t) as f64 * c.fraction).round() as i64;
            if t >= from && t <= to && near_fault(c.point.lat, c.point.lon) {
                // The same line crossed again within 10 minutes is jitter
                // around it (a ship at anchor swinging over it), one pass.
                if raw
                    .iter()
                    .rev()
                    .any(|r| r.0 == c.feature.0 && t - r.1 < 10 * MIN)
                {
                    continue;
                }
                raw.push((c.feature.0, t, c.point.lat, c.point.lon, i));
            }
        }
    }
    if raw.is_empty() && !in_corr.iter().any(|&c| c) {
        return None;
    }
    for f in target.features() {
        corridor_m = corridor_m.max(f.corridor_m);
    }

    // Cruising baseline over every report given.
    let baseline = cruising(
        ps.iter()
            .filter_map(|p| p.sog)
            .filter(|&s| s >= params.underway_kn)
            .collect(),
        ps.iter().filter(|p| p.sog.is_some()).count(),
    );

    // Corridor time, loitering, statuses.
    let mut ev = Evidence {
        baseline,
        corridor_m,
        ..Evidence::default()
    };
    for i in 1..win.len() {
        if in_corr[i - 1] && in_corr[i] {
            let (a, b) = (&win[i - 1], &win[i]);
            if b.t - a.t > dark_ms {
                continue;
            }
            let dt = (b.t.min(to) - a.t.max(from)).max(0) as f64 / 60_000.0;
            ev.corridor_min += dt;
            if a.sog.is_some_and(|s| s < params.loiter_kn) {
                ev.loiter_min += dt;
            }
        }
    }
    for (i, p) in win.iter().enumerate() {
        if in_corr[i] {
            if let Some(s) = p.status {
                if !ev.statuses.contains(&s) {
                    ev.statuses.push(s);
                }
            }
        }
    }
    ev.statuses.sort_unstable();

    // Crossings with their speed and course profile.
    let mut features = Vec::new();
    for &(f, t, lat, lon, i) in &raw {
        let (a, b) = (&win[i - 1], &win[i]);
        let gap_ms = b.t - a.t;
        let dist = equirectangular_distance_m(LatLon::new(a.lat, a.lon), LatLon::new(b.lat, b.lon));
        let implied_kn = if gap_ms > 0 {
            dist / (gap_ms as f64 / 1000.0) / KN
        } else {
            0.0
        };
        let dark = gap_ms >= dark_ms;
        let before = mean_cog(ps, t - 60 * MIN, t - 10 * MIN);
        let after = mean_cog(ps, t + 10 * MIN, t + 60 * MIN);
        let nearest = if t - a.t <= b.t - t { a } else { b };
        let crossing_in_port = port.at(ps, w0 + i - 1) && port.at(ps, w0 + i);
        if !crossing_in_port && !features.contains(&f) {
            features.push(f);
        }
        ev.crossings.push(Crossing {
            feature: target.features()[f as usize].id.clone(),
            time_ms: t,
            time: rfc3339(t),
            lat,
            lon,
            sog_before: median_sog(ps, t - 60 * MIN, t - 10 * MIN, &mut port),
            sog_at: if dark {
                None
            } else {
                median_sog(ps, t - 10 * MIN, t + 10 * MIN, &mut port)
            },
            sog_min: if dark {
                None
            } else {
                min_sog(ps, t - 10 * MIN, t + 10 * MIN, &mut port)
            },
            sog_after: median_sog(ps, t + 10 * MIN, t + 60 * MIN, &mut port),
            in_port: crossing_in_port,
            cog_change: before.zip(after).map(|(x, y)| angle_diff(x, y)),
            inferred_dark: dark,
            gap_s: gap_ms as f64 / 1000.0,
            implied_kn,
            status: nearest.status,
        });
    }
    ev.features_crossed = features.len();

    // Gaps near the target.
    for i in 1..win.len() {
        let (a, b) = (&win[i - 1], &win[i]);
        if b.t - a.t < dark_ms || b.t < from || a.t > to {
            continue;
        }
        let crosses = raw.iter().any(|r| r.4 == i);
        let da = target.distance_m(LatLon::new(a.lat, a.lon));
        let db = target.distance_m(LatLon::new(b.lat, b.lon));
        let near = da.min(db);
        if !crosses && near > params.gap_near_m {
            continue;
        }
        let dist = equirectangular_distance_m(LatLon::new(a.lat, a.lon), LatLon::new(b.lat, b.lon));
        let dur = (b.t - a.t) as f64 / 1000.0;
        ev.gaps.push(Gap {
            start_ms: a.t,
            start: rfc3339(a.t),
            end_ms: b.t,
            duration_s: dur,
            from: [a.lat, a.lon],
            to: [b.lat, b.lon],
            implied_kn: dist / dur / KN,
            crosses_target: crosses,
            distance_to_target_m: near,
        });
    }

    // Anchor-drag-like runs: slow, steady course, touching the corridor.
    if let Some(base) = baseline {
        let hi = base * params.drag_ratio;
        let mut best: Option<(i64, i64, f32, f32)> = None; // start, end, mean speed, course
        let mut run: Option<(usize, f32, bool, f64, usize)> = None; // start, course, touches, speed sum, count
        let cross_times: Vec<i64> = ev.crossings.iter().map(|c| c.time_ms).collect();
        let close = |run: Option<(usize, f32, bool, f64, usize)>,
                     end: usize,
                     best: &mut Option<(i64, i64, f32, f32)>| {
            if let Some((s, course, touches, sum, n)) = run {
                let (t0, t1) = (win[s].t, win[end].t);
                let touches = touches || cross_times.iter().any(|&t| t >= t0 && t <= t1 + 10 * MIN);
                if touches && best.is_none_or(|b| t1 - t0 > b.1 - b.0) {
                    *best = Some((t0, t1, (sum / n as f64) as f32, course));
                }
            }
        };
        for (i, p) in win.iter().enumerate() {
            let slow = p.sog.is_some_and(|s| s >= params.drag_min_kn && s <= hi);
            let steady_with = |c0: f32| {
                p.cog
                    .is_some_and(|c| angle_diff(c0, c).abs() <= params.drag_course_deg)
            };
            let continues = i > 0 && p.t - win[i - 1].t <= dark_ms;
            match run {
                Some((s, c0, touches, sum, n)) if slow && continues && steady_with(c0) => {
                    run = Some((
                        s,
                        c0,
                        touches || in_corr[i],
                        sum + p.sog.unwrap_or(0.0) as f64,
                        n + 1,
                    ));
                }
                _ => {
                    if i > 0 {
                        close(run.take(), i - 1, &mut best);
                    }
                    run = if slow && p.cog.is_some() {
                        Some((
                            i,
                            p.cog.unwrap_or(0.0),
                            in_corr[i],
                            p.sog.unwrap_or(0.0) as f64,
                            1,
                        ))
                    } else {
                        None
                    };
                }
            }
        }
        if !win.is_empty() {
            close(run, win.len() - 1, &mut best);
        }
        if let Some((t0, t1, mean, course)) = best {
            ev.drag_min = (t1 - t0) as f64 / 60_000.0;
            ev.drag_detail = format!(
                "{:.0} min at {:.1} kn on a steady course of {:.0}° from {} (cruising {:.1} kn)",
                ev.drag_min,
                mean,
                course,
                rfc3339(t0),
                base
            );
        }
    }

    // Last port of call before the first event.
    let first_event = raw
        .first()
        .map(|r| r.1)
        .into_iter()
        .chain(win.iter().zip(&in_corr).find(|(_, &c)| c).map(|(p, _)| p.t))
        .min()
        .unwrap_or(from);
    if let Some(ports) = ctx.ports {
        let end = ps.partition_point(|p| p.t < first_event);
        for p in ps[..end].iter().rev() {
            let stopped = p.sog.is_some_and(|s| s <= 0.5) || p.status == Some(5);
            if !stopped {
                continue;
            }
            if let Some((port, _km)) = ports.nearest(p.lat, p.lon, params.port_radius_km) {
                let of_interest = params
                    .ports_of_interest
                    .iter()
                    .any(|n| port.has_name(n) || port.name.eq_ignore_ascii_case(n));
                ev.last_port = Some(PortCall {
                    port: port.name.clone(),
                    country: port.country_code.clone(),
                    time_ms: p.t,
                    time: rfc3339(p.t),
                    of_interest,
                });
                break;
            }
        }
    }

    let name = identity
        .and_then(|i| i.name)
        .map(|n| n.as_str().trim().to_string())
        .filter(|n| !n.is_empty());
    let imo = identity.and_then(|i| i.imo).filter(|&i| i != 0);
    if let Some(w) = ctx.watchlist {
        for m in w.matches(Some(mmsi), imo, name.as_deref().unwrap_or("")) {
            ev.watch.push(WatchHit {
                list: m.entry.list.clone(),
                reason: m.entry.reason.clone(),
                matched_on: m.on.as_str().to_string(),
            });
        }
    }
    let flag = seawarden_registry::flag(mmsi);
    ev.flag = flag.and_then(|f| f.iso2.map(|iso| (iso.to_string(), f.country.clone())));

    let mut alerts: Vec<PriorAlert> = ctx
        .alerts
        .iter()
        .filter(|a| a.mmsi == mmsi && a.end_ms >= from && a.start_ms <= to)
        .cloned()
        .collect();
    alerts.sort_by(|a, b| (a.start_ms, &a.kind).cmp(&(b.start_ms, &b.kind)));
    let (total, mut reasons) = score(&ev, params);
    if !alerts.is_empty() {
        let d: Vec<String> = alerts
            .iter()
            .map(|a| {
                format!(
                    "{} from {} (score {})",
                    a.kind,
                    rfc3339(a.start_ms),
                    a.score
                )
            })
            .collect();
        reasons.push(crate::model::Reason {
            factor: "alerts",
            points: 0.0,
            detail: format!("detector alerts, shown and not scored: {}", d.join("; ")),
        });
    }

    // Track for the report, thinned to at most `max_track_points`.
    let t0 = from.saturating_sub(params.margin_ms);
    let t1 = to.saturating_add(params.margin_ms);
    let i0 = ps.partition_point(|p| p.t < t0);
    let i1 = ps.partition_point(|p| p.t <= t1);
    let step = ((t1 - t0) / params.max_track_points.max(1) as i64).max(0);
    let mut track: Vec<TrackPoint> = Vec::new();
    for (k, p) in ps[i0..i1].iter().enumerate() {
        let last = k + 1 == i1 - i0;
        if track.last().is_none_or(|l| p.t - l.time_ms >= step) || last {
            track.push(TrackPoint {
                time_ms: p.t,
                lat: p.lat,
                lon: p.lon,
                sog: p.sog,
            });
        }
    }

    let text = |t: Option<String>| t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Some(Suspect {
        rank: 0,
        mmsi,
        name,
        imo,
        callsign: text(
            identity
                .and_then(|i| i.callsign)
                .map(|c| c.as_str().to_string()),
        ),
        shiptype: identity.and_then(|i| i.shiptype),
        destination: text(
            identity
                .and_then(|i| i.destination)
                .map(|c| c.as_str().to_string()),
        ),
        flag: ev.flag.as_ref().map(|f| f.0.clone()),
        flag_country: ev.flag.as_ref().map(|f| f.1.clone()),
        score: total,
        crossings: ev.crossings,
        reasons,
        baseline_sog: baseline,
        corridor_minutes: round1(ev.corridor_min),
        loiter_minutes: round1(ev.loiter_min),
        drag_minutes: round1(ev.drag_min),
        statuses: ev.statuses,
        gaps: ev.gaps,
        last_port: ev.last_port,
        watchlist: ev.watch,
        alerts,
        positions: ps.len(),
        track,
    })
}

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
