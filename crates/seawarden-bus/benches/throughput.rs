//! Throughput of the bus pipeline against single-node replay on the same
//! input, with 1 and 3 ship workers (plus the area worker), on a real
//! nats-server (`$SEAWARDEN_NATS_SERVER` or on PATH).
//!
//! `cargo bench -p seawarden-bus` (input: `$SEAWARDEN_BENCH_INPUT`, default
//! the AMSA recording; `$SEAWARDEN_BENCH_REPEAT` passes, default 3).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seawarden_bus::nats::{ingest_files, run_worker, NatsBus, WorkerOptions};
use seawarden_bus::{Ingest, Stage, Worker};
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn world() -> GeoWorld {
    GeoWorld::load(&WorldSpec {
        infra: vec![
            data("infrastructure/telegeography/cable-geo.json"),
            data("infrastructure/sodir/pipLine_wgs84.geojson"),
        ],
        zones: vec![data(
            "boundaries/osm/countries-maritime-10m_north-europe_clip.geojson",
        )],
        land: Some(data("boundaries/natural_earth/ne_10m_land.json.gz")),
        default_zone_kind: "territorial_sea".into(),
        corridor_m: 1852.0,
        ..WorldSpec::default()
    })
    .unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One cluster run on a fresh server: seconds from the start of ingest until
/// every worker has handled the end frame.
fn cluster(bin: &str, input: &str, partitions: u32) -> (f64, u64) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(bin)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = format!("nats://127.0.0.1:{port}");
    let bus = NatsBus::new(&url);
    rt().block_on(bus.connect(Duration::from_secs(3600)))
        .unwrap();
    let stages: Vec<Stage> = (0..partitions)
        .map(|partition| Stage::Ship {
            partition,
            partitions,
        })
        .chain([Stage::Area])
        .collect();
    let ready = std::sync::Arc::new(std::sync::Barrier::new(stages.len() + 1));
    let handles: Vec<_> = stages
        .into_iter()
        .map(|stage| {
            let (bus, ready) = (bus.clone(), ready.clone());
            std::thread::spawn(move || {
                let w = Worker::new(world(), Default::default(), stage);
                rt().block_on(async {
                    let js = bus.connect(Duration::from_secs(3600)).await.unwrap();
                    ready.wait();
                    run_worker(&bus, js, w, &WorkerOptions::new("bench"))
                        .await
                        .unwrap()
                })
            })
        })
        .collect();
    ready.wait();
    let started = Instant::now();
    let frames = rt().block_on(async {
        let js = bus.connect(Duration::from_secs(3600)).await.unwrap();
        ingest_files(
            &bus,
            js,
            &mut Ingest::new(partitions, 60_000),
            &[input.to_string()],
        )
        .await
        .unwrap()
    });
    let ingest_s = started.elapsed().as_secs_f64();
    for h in handles {
        h.join().unwrap();
    }
    let total = started.elapsed().as_secs_f64();
    eprintln!("  {partitions} ship worker(s) + area: ingest done after {ingest_s:.2} s, all workers after {total:.2} s ({frames} frames)");
    let _ = server.kill();
    let _ = server.wait();
    (total, frames)
}

fn main() {
    let input = std::env::var("SEAWARDEN_BENCH_INPUT")
        .unwrap_or_else(|_| data("ais/amsa_risky/ais.txt.gz"));
    let repeat: usize = std::env::var("SEAWARDEN_BENCH_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let bin = std::env::var("SEAWARDEN_NATS_SERVER").unwrap_or_else(|_| "nats-server".into());
    println!(
        "input {input}, best of {repeat}, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // Baseline: single-node replay of the same input (world loaded before timing).
    let mut best_single = f64::MAX;
    let mut messages = 0;
    for _ in 0..repeat {
        let mut p = Pipeline::new(world(), Default::default(), 60_000);
        let t = Instant::now();
        seawarden_pipeline::input::for_each_line_of(&input, |l| {
            p.feed_line(l, &mut |_| {});
            p.drain_alerts();
        })
        .unwrap();
        p.finish(&mut |_| {});
        p.drain_alerts();
        best_single = best_single.min(t.elapsed().as_secs_f64());
        messages = p.decoder_stats().messages();
    }
    println!(
        "single-node replay: {messages} messages in {best_single:.3} s = {:.0} messages/s",
        messages as f64 / best_single
    );
    for partitions in [1u32, 3] {
        let mut best = f64::MAX;
        for _ in 0..repeat {
            best = best.min(cluster(&bin, &input, partitions).0);
        }
        println!(
            "bus, {partitions} ship worker(s) + area worker: {best:.3} s = {:.0} messages/s, ratio to single node {:.2}",
            messages as f64 / best,
            best_single / best
        );
    }
}
