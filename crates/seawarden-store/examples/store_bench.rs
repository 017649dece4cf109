//! Store benchmark: ingest rate against a decode-only baseline on the same
//! lines, archive bytes per position, an investigation-style query
//! (bounding box + 30 days) over a generated archive, and (with
//! `--journal-lines N`) reading one hour of a day-long journal by the
//! blocks' time ranges against a full scan of the same journal.
//!
//! ```sh
//! cargo run --release -p seawarden-store --example store_bench -- \
//!     [--lines 2000000] [--days 30] [--per-day 1500000] [--vessels 5000] \
//!     [--journal-lines 0] [--dir /tmp/x]
//! ```
//!
//! Traffic is generated (deterministic): vessels in a 10° x 6° box of the
//! North Sea, 60 % under way at 5-20 kn on slowly turning courses, the
//! rest at anchor or moored with GNSS jitter, reporting round-robin.

use std::time::Instant;

use seawarden_ais::encode::to_sentences;
use seawarden_ais::{Encode, Header, PositionReport};
use seawarden_geo::LatLon;
use seawarden_store::ingest::Ingester;
use seawarden_store::Store;
use seawarden_track::{Class, PositionObs};

/// Deterministic traffic: one report per vessel per step, in time order.
struct Traffic {
    rng: u64,
    ships: Vec<Ship>,
    next: usize,
    t_ms: i64,
    step_ms: i64,
}

struct Ship {
    mmsi: u32,
    lat: f64,
    lon: f64,
    sog: f64,
    cog: f64,
    moving: bool,
}

impl Traffic {
    fn new(vessels: usize, start_ms: i64, per_day: u64) -> Traffic {
        let mut t = Traffic {
            rng: 0x9E37_79B9_7F4A_7C15,
            ships: Vec::new(),
            next: 0,
            t_ms: start_ms * 1000,
            step_ms: 0,
        };
        for i in 0..vessels {
            let moving = t.unit() < 0.6;
            let ship = Ship {
                mmsi: 219_000_000 + i as u32 * 7,
                lat: 54.0 + 6.0 * t.unit(),
                lon: 0.0 + 10.0 * t.unit(),
                sog: if moving { 5.0 + 15.0 * t.unit() } else { 0.0 },
                cog: 360.0 * t.unit(),
                moving,
            };
            t.ships.push(ship);
        }
        // Milliseconds between consecutive reports of the whole fleet.
        t.step_ms = (86_400_000.0 / per_day as f64 * 1000.0) as i64; // in microseconds
        t
    }

    fn unit(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The next report (time in ms; `t_ms` advances in microseconds).
    fn next(&mut self) -> PositionObs {
        let n = self.ships.len();
        let i = self.next;
        self.next = (i + 1) % n;
        self.t_ms += self.step_ms;
        let dt_s = self.step_ms as f64 / 1e6 * n as f64;
        let jitter = (self.unit() - 0.5, self.unit() - 0.5, self.unit() - 0.5);
        let s = &mut self.ships[i];
        if s.moving {
            s.cog = (s.cog + jitter.0 * 4.0).rem_euclid(360.0);
            s.sog = (s.sog + jitter.1 * 0.4).clamp(3.0, 25.0);
            let d_deg = s.sog * 1852.0 / 3600.0 * dt_s / 111_000.0;
            s.lat += d_deg * s.cog.to_radians().cos();
            s.lon += d_deg * s.cog.to_radians().sin() / s.lat.to_radians().cos();
            if !(54.0..60.0).contains(&s.lat) || !(0.0..10.0).contains(&s.lon) {
                s.cog = (s.cog + 180.0).rem_euclid(360.0);
                s.lat = s.lat.clamp(54.0, 60.0);
                s.lon = s.lon.clamp(0.0, 10.0);
            }
        }
        let (lat, lon) = if s.moving {
            (s.lat, s.lon)
        } else {
            (s.lat + jitter.2 * 2e-5, s.lon + jitter.0 * 3e-5)
        };
        // On the wire's resolution, as a decoder would give them.
        let q = |v: f64| (v * 600_000.0).round() / 600_000.0;
        PositionObs {
            time_ms: self.t_ms / 1000,
            mmsi: s.mmsi,
            lat: q(lat),
            lon: q(lon),
            sog: Some(((s.sog * 10.0).round() / 10.0) as f32),
            cog: Some(((s.cog * 10.0).round() / 10.0) as f32),
            heading: Some(s.cog.round() as u16 % 360),
            status: Some(if s.moving { 0 } else { 1 }),
            class: Class::A,
            msg_type: 1,
            source: None,
            payload_hash: 0,
        }
    }
}

fn nmea_line(p: &PositionObs) -> String {
    let m = PositionReport {
        header: Header {
            msg_type: 1,
            repeat: 0,
            mmsi: p.mmsi,
        },
        status: p.status,
        rot: Some(0),
        speed: p.sog,
        accuracy: false,
        lon: Some(p.lon),
        lat: Some(p.lat),
        course: p.cog,
        heading: p.heading,
        second: Some(((p.time_ms / 1000) % 60) as u8),
        maneuver: None,
        spare: 0,
        raim: false,
        radio: 0,
    };
    let s = to_sentences(&m.encode(), "AI", 'A', 0, 60).remove(0);
    let tag = format!("s:bench,c:{}", p.time_ms / 1000);
    let ck = tag.bytes().fold(0u8, |a, b| a ^ b);
    format!("\\{tag}*{ck:02X}\\{s}")
}

/// User + system CPU seconds of this process.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn dir_bytes(p: &std::path::Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let m = e.metadata().unwrap();
            n += if m.is_dir() {
                dir_bytes(&e.path())
            } else {
                m.len()
            };
        }
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let lines_n = arg("--lines", 2_000_000) as usize;
    let days = arg("--days", 30) as i64;
    let per_day = arg("--per-day", 1_500_000);
    let vessels = arg("--vessels", 5000) as usize;
    let base = match args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
    {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("seawarden-store-bench-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&base);
    let start_ms = 1_764_547_200_000; // 2025-12-01T00:00:00Z

    // 1. Ingest against decode-only, same lines (15 M messages/day traffic).
    if lines_n > 0 {
        let mut traffic = Traffic::new(vessels, start_ms, 15_000_000);
        let lines: Vec<String> = (0..lines_n).map(|_| nmea_line(&traffic.next())).collect();
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        let (mut best_decode, mut best_decode_cpu) = (f64::MAX, f64::MAX);
        for _ in 0..3 {
            let (c0, t0) = (cpu_seconds(), Instant::now());
            let mut dec = seawarden_ais::Decoder::new();
            let mut n = 0u64;
            for l in &lines {
                dec.feed(l.as_bytes(), &mut |e| {
                    if let seawarden_ais::Event::Message(_) = e {
                        n += 1;
                    }
                });
            }
            assert_eq!(n as usize, lines_n);
            best_decode = best_decode.min(t0.elapsed().as_secs_f64());
            best_decode_cpu = best_decode_cpu.min(cpu_seconds() - c0);
        }
        let dir = base.join("ingest");
        let (c0, t0) = (cpu_seconds(), Instant::now());
        let mut store = Store::open(&dir).unwrap();
        let mut ing = Ingester::new();
        for l in &lines {
            ing.feed(&mut store, "bench", l.as_bytes(), 0).unwrap();
        }
        ing.finish();
        store.close().unwrap();
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - c0;
        let archive = dir_bytes(&dir.join("archive/positions"));
        let journal = dir_bytes(&dir.join("journal"));
        println!(
            "ingest: {lines_n} lines ({:.1} MB), {vessels} vessels",
            bytes as f64 / 1e6
        );
        println!(
            "  decode only (best of 3): {:.2} M msgs/s wall, {:.2} M msgs/s/core CPU",
            lines_n as f64 / best_decode / 1e6,
            lines_n as f64 / best_decode_cpu.max(1e-9) / 1e6
        );
        println!("  ingest (journal + decode + archive + vessels, incl. final Parquet write): {:.2} s wall, {:.2} s CPU -> {:.2} M msgs/s/core (wall {:.2} M/s)", wall, cpu, lines_n as f64 / cpu.max(1e-9) / 1e6, lines_n as f64 / wall / 1e6);
        println!(
            "  ingest / decode-only: {:.2}x the CPU time ({:.2}x the wall time)",
            cpu / best_decode_cpu.max(1e-9),
            wall / best_decode
        );
        println!(
            "  journal: {:.2} bytes/line ({:.1} % of raw)",
            journal as f64 / lines_n as f64,
            journal as f64 * 100.0 / bytes as f64
        );
        println!(
            "  archive: {:.2} bytes/position",
            archive as f64 / lines_n as f64
        );
    }

    // 2. An investigation over `days` days of generated traffic.
    if days > 0 {
        let dir = base.join("archive");
        let mut store = Store::open(&dir).unwrap();
        let mut traffic = Traffic::new(vessels, start_ms, per_day);
        let t0 = Instant::now();
        let total = per_day * days as u64;
        for _ in 0..total {
            store.archive_position(&traffic.next()).unwrap();
        }
        store.close().unwrap();
        let build = t0.elapsed().as_secs_f64();
        let archive = dir_bytes(&dir.join("archive/positions"));
        println!("archive: {days} days x {per_day} positions/day = {total} positions, {vessels} vessels, built in {build:.1} s ({:.2} M positions/s)", total as f64 / build / 1e6);
        println!(
            "  {:.1} MB on disk: {:.2} bytes/position",
            archive as f64 / 1e6,
            archive as f64 / total as f64
        );
        let some = walk(&dir.join("archive/positions"));
        if let Some(f) = some.first() {
            let cols = seawarden_store::archive::column_sizes(f).unwrap();
            let rows = cols.first().map_or(1, |c| c.2).max(1);
            let per: Vec<String> = cols
                .iter()
                .map(|(n, b, _)| format!("{n} {:.2}", *b as f64 / rows as f64))
                .collect();
            println!(
                "  bytes/position by column (first day, data pages only): {}",
                per.join(", ")
            );
        }

        let store = Store::open(&dir).unwrap();
        let end_ms = start_ms + days * 86_400_000;
        // A cable-fault investigation: who was within 2 km of a 60 km cable
        // section during the whole period, and the positions in a 0.5° box.
        let cable = [
            LatLon::new(56.9, 4.6),
            LatLon::new(57.2, 5.2),
            LatLon::new(57.3, 5.5),
        ];
        let t0 = Instant::now();
        let near = store
            .vessels_near(&cable, 2000.0, start_ms, end_ms)
            .unwrap();
        let q1 = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let boxed = store
            .positions(start_ms, end_ms, Some([4.75, 56.75, 5.25, 57.25]))
            .unwrap();
        let q2 = t0.elapsed().as_secs_f64();
        let mmsi = near.first().map_or(219_000_000, |v| v.mmsi);
        let t0 = Instant::now();
        let track = store.track(mmsi, start_ms, end_ms).unwrap();
        let q3 = t0.elapsed().as_secs_f64();
        println!(
            "  query vessels_near(3-point cable, 2 km, {days} days): {} vessels in {q1:.2} s",
            near.len()
        );
        println!(
            "  query positions(0.5 x 0.5 deg box, {days} days): {} positions in {q2:.2} s",
            boxed.len()
        );
        println!(
            "  query track(one vessel, {days} days): {} positions in {q3:.2} s",
            track.len()
        );
    }

    // 3. One hour out of a day of journal, as `seawarden serve` writes it
    // (a block per batch of 500 lines), against a full scan.
    let journal_lines = arg("--journal-lines", 0);
    if journal_lines > 0 {
        journal_window(&base.join("journal"), journal_lines, vessels, start_ms);
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// Writes `n` lines spread over one day into a journal, then reads the
/// hour from 12:00 both ways, best of three each, alternating.
fn journal_window(dir: &std::path::Path, n: u64, vessels: usize, start_ms: i64) {
    let mut store = Store::open(dir).unwrap();
    let mut traffic = Traffic::new(vessels, start_ms, n);
    for i in 0..n {
        let p = traffic.next();
        store.append(p.time_ms, "live", nmea_line(&p).as_bytes()).unwrap();
        if i % 500 == 499 {
            store.flush().unwrap();
        }
    }
    store.close().unwrap();
    let jdir = dir.join("journal");
    let (from, to) = (start_ms + 12 * 3_600_000, start_ms + 13 * 3_600_000);
    let (mut full, mut window) = (f64::MAX, f64::MAX);
    let (mut full_n, mut window_read) = (0u64, Default::default());
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut n_in = 0u64;
        seawarden_store::journal::read_window(&jdir, i64::MIN, i64::MAX, |t, _, _| {
            n_in += u64::from(t >= from && t < to);
        })
        .unwrap();
        full = full.min(t0.elapsed().as_secs_f64());
        full_n = n_in;
        let t0 = Instant::now();
        window_read = seawarden_store::journal::read_window(&jdir, from, to, |_, _, _| {}).unwrap();
        window = window.min(t0.elapsed().as_secs_f64());
    }
    let w: &seawarden_store::journal::WindowRead = &window_read;
    assert_eq!(w.records, full_n, "both ways find the same lines");
    let (read, skipped) = w.segments.iter().fold((0, 0), |a, s| {
        (a.0 + s.blocks_read, a.1 + s.blocks_skipped)
    });
    println!(
        "journal: {n} lines over one day ({:.1} MB), one hour read (12:00-13:00, {} lines)",
        dir_bytes(&jdir) as f64 / 1e6,
        w.records
    );
    println!("  full scan (every block decompressed, lines filtered): {full:.3} s (best of 3)");
    println!("  by the blocks' time ranges ({read} blocks read, {skipped} skipped): {window:.3} s (best of 3)");
    println!("  full scan / windowed read: {:.1}x", full / window.max(1e-9));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
