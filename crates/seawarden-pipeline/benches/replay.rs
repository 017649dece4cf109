//! Replay throughput beside decode-only throughput, measured in the same run
//! on the same corpora (issue #3's target: 2 M messages/s per core end to
//! end, every detector on, the full TeleGeography cable set and the OSM
//! zones loaded).
//!
//! ```sh
//! python3 scripts/replay-corpus.py /tmp/dma_1M.nmea
//! ../shared/bench/peers corpus          # /tmp/seawarden-peers/corpus
//! cargo bench -p seawarden-pipeline --bench replay [-- FILE...]
//! ```
//!
//! Columns: decode only; decode, observations and time order (no
//! tracking); the whole pipeline in an empty world (tracking and detectors,
//! no world queries); the whole pipeline in the full world. The world is
//! the one of `docs/benchmarks.md`: TeleGeography cables, Sodir
//! pipelines, OSM territorial seas of northern Europe and Natural Earth
//! 1:10m land, from `shared/data` beside the repository. Each corpus is read
//! into memory first, so the figures leave out disk I/O, and split into
//! lines as the command-line tool splits its input; each figure is the
//! best of `SEAWARDEN_BENCH_REPS` runs (default 3) in CPU time of this
//! thread (`/proc/thread-self/schedstat`; wall time elsewhere), which a
//! busy machine disturbs less than wall time. `SEAWARDEN_BENCH_WATCHLIST`
//! adds a watchlist CSV. `SEAWARDEN_BENCH_ONLY=replay` runs the full-world
//! replay alone (for a profiler or cachegrind; the other columns print 0). Prints a table, with a digest of the alerts to
//! check that a change leaves them byte-identical; asserts nothing.

use std::hint::black_box;
use std::time::Instant;

use seawarden_ais::{Decoder, Event};
use seawarden_detect::Config;
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};

const DATA: &str = "../../../shared/data";

const DEFAULT_CORPORA: [&str; 3] = ["/tmp/dma_1M.nmea", "/tmp/seawarden-peers/corpus/synth_1M_tagged.nmea", "/tmp/seawarden-peers/corpus/real_1M_tagged.nmea"];

/// CPU time of this thread in seconds, or wall time since `start` where the
/// kernel does not tell.
struct Clock {
    start: Instant,
}

impl Clock {
    fn now(&self) -> f64 {
        if let Ok(s) = std::fs::read_to_string("/proc/thread-self/schedstat") {
            if let Some(ns) = s.split_whitespace().next().and_then(|x| x.parse::<u64>().ok()) {
                return ns as f64 / 1e9;
            }
        }
        self.start.elapsed().as_secs_f64()
    }

    /// Seconds taken by `f`, and its result.
    fn time<T>(&self, f: impl FnOnce() -> T) -> (T, f64) {
        let t = self.now();
        let v = f();
        (v, self.now() - t)
    }
}

/// Calls `f` with every line of `buf`, split as `seawarden replay` and
/// `seawarden decode` split their input.
fn lines(buf: &[u8], f: impl FnMut(&[u8])) {
    seawarden_ais::lines::for_each_line(buf, f);
}

/// Decodes every line; returns the messages decoded.
fn decode(buf: &[u8]) -> u64 {
    let mut d = Decoder::new();
    let mut n = 0u64;
    lines(buf, |line| {
        d.feed(line, &mut |e| {
            if let Event::Message(m) = e {
                black_box(m);
                n += 1;
            }
        })
    });
    d.finish(&mut |_| {});
    n
}

/// Decodes every line into observations and restores time order, without
/// tracking or detecting: the share of the pipeline before the engine.
fn observations(buf: &[u8]) -> u64 {
    let mut p = Pipeline::new(seawarden_detect::EmptyWorld, Config::default(), 60_000);
    let mut reorder = seawarden_track::Reorder::new(60_000);
    let mut n = 0u64;
    lines(buf, |line| {
        p.decode_line(line, &mut |o| {
            reorder.push(o.time_ms(), o, |_, o| {
                black_box(o);
                n += 1;
            })
        })
    });
    reorder.flush(|_, o| {
        black_box(o);
        n += 1;
    });
    black_box(n);
    p.decoder_stats().messages()
}

struct Replayed {
    messages: u64,
    vessels: usize,
    alert_events: u64,
    alert_bytes: usize,
    /// FNV-1a of the alerts' JSON Lines: equal digests, byte-identical alerts.
    alert_digest: u64,
    hot_bytes_per_vessel: f64,
}

/// The whole pipeline, alerts serialised as `replay` writes them.
fn replay<W: seawarden_detect::World>(world: W, buf: &[u8]) -> Replayed {
    let mut p = Pipeline::new(world, Config::default(), 60_000);
    let mut alert_events = 0;
    let mut alert_bytes = 0;
    let mut alert_digest = 0xcbf2_9ce4_8422_2325u64;
    let mut emit = |p: &mut Pipeline<W>| {
        for a in p.drain_alerts() {
            alert_events += 1;
            let json = a.to_json();
            alert_bytes += json.len() + 1;
            for b in json.bytes().chain([b'\n']) {
                alert_digest = (alert_digest ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
        }
    };
    // As `replay` reads a file: pieces of whole lines of up to 64 KiB, each
    // through the pipeline's stages in batches, then its alerts written.
    seawarden_pipeline::input::for_each_chunk(buf, 64 << 10, |chunk| {
        p.feed_lines(chunk, &mut |_| {});
        emit(&mut p);
    });
    p.finish(&mut |_| {});
    emit(&mut p);
    let messages = p.decoder_stats().messages();
    let vessels = p.engine().tracker().len();
    let mem = p.engine().memory();
    let r = Replayed { messages, vessels, alert_events, alert_bytes, alert_digest, hot_bytes_per_vessel: mem.hot_bytes as f64 / mem.vessels.max(1) as f64 };
    // Dropping the state is not part of a replay (the binary exits instead).
    std::mem::forget(p);
    r
}

fn main() {
    if !std::path::Path::new(DATA).exists() {
        eprintln!("{DATA} not found: run from the crate directory with shared/ beside the repository");
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let corpora: Vec<String> = if args.is_empty() { DEFAULT_CORPORA.iter().map(|s| s.to_string()).collect() } else { args };
    let reps: usize = std::env::var("SEAWARDEN_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let replay_only = std::env::var("SEAWARDEN_BENCH_ONLY").is_ok_and(|s| s == "replay");
    let clock = Clock { start: Instant::now() };
    let spec = WorldSpec {
        infra: vec![format!("{DATA}/infrastructure/telegeography/cable-geo.json"), format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson")],
        zones: vec![format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson")],
        land: Some(format!("{DATA}/boundaries/natural_earth/ne_10m_land.json.gz")),
        watchlist: std::env::var("SEAWARDEN_BENCH_WATCHLIST").into_iter().collect(),
        ..WorldSpec::default()
    };
    let (world, load_s) = clock.time(|| GeoWorld::load(&spec));
    let world = match world {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot load the world: {e:#}");
            return;
        }
    };
    println!("world loaded in {load_s:.2} s CPU (cables, pipelines, territorial seas, land)");
    println!();
    println!("| corpus | messages | decode M msg/s | decode+reorder M msg/s | replay, empty world M msg/s | replay M msg/s | replay/decode | replay incl. world load M msg/s | vessels | hot B/vessel | alert events | alerts digest |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for path in &corpora {
        let buf = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("skipping {path}: {e}");
                continue;
            }
        };
        let name = std::path::Path::new(path).file_name().map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        let mut decode_s = f64::MAX;
        let mut replay_s = f64::MAX;
        let mut obs_s = f64::MAX;
        let mut empty_s = f64::MAX;
        let mut decoded = 0;
        let mut last = None;
        for _ in 0..reps {
            if !replay_only {
                let (n, s) = clock.time(|| decode(&buf));
                decoded = n;
                decode_s = decode_s.min(s);
                let (_, s) = clock.time(|| observations(&buf));
                obs_s = obs_s.min(s);
                let (_, s) = clock.time(|| replay(seawarden_detect::EmptyWorld, &buf));
                empty_s = empty_s.min(s);
            }
            let (r, s) = clock.time(|| replay(&world, &buf));
            replay_s = replay_s.min(s);
            last = Some(r);
        }
        let r = last.expect("at least one run");
        if replay_only {
            decoded = r.messages;
        } else if r.messages != decoded {
            eprintln!("warning: replay decoded {} messages, decode-only {decoded}", r.messages);
        }
        let m = r.messages as f64;
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.0} | {} ({} KB) | {:016x} |",
            r.messages,
            decoded as f64 / decode_s / 1e6,
            m / obs_s / 1e6,
            m / empty_s / 1e6,
            m / replay_s / 1e6,
            decode_s / replay_s,
            m / (replay_s + load_s) / 1e6,
            r.vessels,
            r.hot_bytes_per_vessel,
            r.alert_events,
            r.alert_bytes / 1000,
            r.alert_digest
        );
    }
}
