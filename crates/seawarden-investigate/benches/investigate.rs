//! Benchmark of the analysis side: `investigate` over generated traffic
//! around a diagonal cable, against a baseline pass measured in the same
//! run (one read of every report: the floor any analysis pays).
//!
//! `cargo bench -p seawarden-investigate` (release). Prints positions per
//! second, the ratio to the baseline, and the time projected for 30 days of
//! a busy region (15 million messages a day) if all of it reached the
//! analysis.

use std::hint::black_box;
use std::time::Instant;

use seawarden_geo::{Feature, FeatureKind, LatLon, LineFeature};
use seawarden_investigate::{investigate, Context, Params, Query, Target};
use seawarden_registry::Ports;
use seawarden_track::{Class, PositionObs};

struct Rng(u64);
impl Rng {
    fn f(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let ships: u32 = std::env::var("SHIPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let hours: i64 = std::env::var("HOURS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    // A 100 km diagonal cable with 40 vertices across the Gulf of Finland.
    let pts: Vec<LatLon> = (0..40)
        .map(|i| {
            LatLon::new(
                59.45 + i as f64 * 0.0125,
                24.2 + i as f64 * 0.035 + if i % 2 == 0 { 0.0 } else { 0.01 },
            )
        })
        .collect();
    let target = Target::new(vec![LineFeature::new(
        Feature::new("bench", "Bench cable", FeatureKind::Cable),
        vec![pts],
    )
    .unwrap()]);
    let t0 = 1_735_110_000_000i64;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut positions = Vec::new();
    for k in 0..ships {
        // A straight course through the 2° x 1° box, 6-20 kn, a report every 10 s.
        let (mut lat, mut lon) = (59.2 + rng.f(), 23.5 + 2.0 * rng.f());
        let brg = rng.f() * std::f64::consts::TAU;
        let kn = 6.0 + 14.0 * rng.f();
        let step_m = kn * 1852.0 / 3600.0 * 10.0;
        for s in 0..(hours * 360) {
            positions.push(PositionObs {
                time_ms: t0 + s * 10_000,
                mmsi: 230_000_000 + k,
                lat,
                lon,
                sog: Some(kn as f32),
                cog: Some(brg.to_degrees() as f32),
                heading: None,
                status: Some(0),
                class: Class::A,
                msg_type: 1,
                source: None,
                payload_hash: 0,
            });
            lat += step_m * brg.cos() / 111_320.0;
            lon += step_m * brg.sin() / (111_320.0 * lat.to_radians().cos());
        }
    }
    let n = positions.len();
    let q = Query {
        from_ms: t0 + 3_600_000,
        to_ms: t0 + (hours - 1) * 3_600_000,
        fault: None,
    };
    let ports = Ports::north_europe();
    let ctx = Context {
        ports: Some(&ports),
        watchlist: None,
        alerts: &[],
    };
    let params = Params::default();
    println!(
        "{ships} ships, {n} positions ({} bytes each), window {} h",
        std::mem::size_of::<PositionObs>(),
        hours - 2
    );

    let runs = 5;
    let mut best_base = f64::INFINITY;
    let mut best = f64::INFINITY;
    let mut suspects = 0;
    for _ in 0..runs {
        let t = Instant::now();
        // Baseline: group by ship and read every report once.
        let mut acc = 0.0;
        for track in positions.chunk_by(|a, b| a.mmsi == b.mmsi) {
            for p in track {
                acc += p.lat * p.lon + p.sog.unwrap_or(0.0) as f64 + (p.time_ms & 1) as f64;
            }
        }
        black_box(acc);
        best_base = best_base.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let inv = investigate(&target, &q, black_box(&positions), &[], ctx, &params);
        best = best.min(t.elapsed().as_secs_f64());
        suspects = inv.suspects.len();
    }
    // With the fault located (10 km around a point of the cable): ships
    // that never come near it are skipped after one read.
    let qf = Query {
        fault: Some(seawarden_investigate::Fault {
            lat: 59.70,
            lon: 24.92,
            radius_m: 10_000.0,
        }),
        ..q
    };
    let mut best_fault = f64::INFINITY;
    let mut fault_suspects = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let inv = investigate(&target, &qf, black_box(&positions), &[], ctx, &params);
        best_fault = best_fault.min(t.elapsed().as_secs_f64());
        fault_suspects = inv.suspects.len();
    }
    let rate = n as f64 / best;
    println!(
        "baseline read:  {:8.1} ms  {:7.1} M positions/s",
        best_base * 1e3,
        n as f64 / best_base / 1e6
    );
    println!(
        "investigate:    {:8.1} ms  {:7.1} M positions/s  ({suspects} suspects)",
        best * 1e3,
        rate / 1e6
    );
    println!(
        "with --near (10 km): {:6.1} ms  {:7.1} M positions/s  ({fault_suspects} suspects)",
        best_fault * 1e3,
        n as f64 / best_fault / 1e6
    );
    println!(
        "ratio investigate/baseline: {:.1} (with --near: {:.1})",
        best / best_base,
        best_fault / best_base
    );
    println!("projected for 30 days x 15 M messages/day (450 M positions) all reaching the analysis: {:.1} s", 450e6 / rate);
}
