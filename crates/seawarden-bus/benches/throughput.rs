//! Throughput of the bus pipeline against single-node replay on the same
//! input, with 1 and 3 ship workers (plus the area worker), on a real
//! nats-server (`$SEAWARDEN_NATS_SERVER` or on PATH) and a real
//! Kafka-protocol broker (tansu with in-memory storage: `$SEAWARDEN_TANSU`
//! or on PATH), each run on a fresh server.
//!
//! `cargo bench -p seawarden-bus` (input: `$SEAWARDEN_BENCH_INPUT`, default
//! the AMSA recording; `$SEAWARDEN_BENCH_REPEAT` passes, default 3;
//! `$SEAWARDEN_BENCH_BUS`: `nats`, `kafka` or both, the default).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seawarden_bus::kafka::{self, KafkaBus};
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn stages(partitions: u32) -> Vec<Stage> {
    (0..partitions)
        .map(|partition| Stage::Ship {
            partition,
            partitions,
        })
        .chain([Stage::Area])
        .collect()
}

/// Ends the server when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One NATS cluster run on a fresh server: seconds from the start of ingest
/// until every worker has handled the end frame.
fn cluster_nats(bin: &str, input: &str, partitions: u32) -> f64 {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let _server = Server(
        Command::new(bin)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let url = format!("nats://127.0.0.1:{port}");
    let bus = NatsBus::new(&url);
    rt().block_on(bus.connect(Duration::from_secs(3600)))
        .unwrap();
    let stages = stages(partitions);
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
    eprintln!("  NATS, {partitions} ship worker(s) + area: ingest done after {ingest_s:.2} s, all workers after {total:.2} s ({frames} frames)");
    total
}

/// One Kafka cluster run on a fresh tansu broker (in-memory storage):
/// seconds from the start of ingest until every worker has handled the end
/// frame.
fn cluster_kafka(bin: &str, input: &str, partitions: u32) -> f64 {
    let port = free_port();
    let listener = format!("tcp://127.0.0.1:{port}");
    let _server = Server(
        Command::new(bin)
            .args(["broker", "--listener-url", &listener])
            .args(["--advertised-listener-url", &listener])
            .args(["--storage-engine", "memory://tansu/"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let bus = KafkaBus::from_url(&format!("kafka://127.0.0.1:{port}")).unwrap();
    let retention = Duration::from_secs(3600);
    rt().block_on(bus.connect(partitions, retention)).unwrap();
    let stages = stages(partitions);
    let ready = std::sync::Arc::new(std::sync::Barrier::new(stages.len() + 1));
    let handles: Vec<_> = stages
        .into_iter()
        .map(|stage| {
            let (bus, ready) = (bus.clone(), ready.clone());
            std::thread::spawn(move || {
                let w = Worker::new(world(), Default::default(), stage);
                rt().block_on(async {
                    let k = bus.connect(partitions, retention).await.unwrap();
                    ready.wait();
                    kafka::run_worker(&k, w, &kafka::WorkerOptions::new("bench"))
                        .await
                        .unwrap()
                })
            })
        })
        .collect();
    ready.wait();
    let started = Instant::now();
    let frames = rt().block_on(async {
        let k = bus.connect(partitions, retention).await.unwrap();
        kafka::ingest_files(
            &k,
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
    eprintln!("  Kafka, {partitions} ship worker(s) + area: ingest done after {ingest_s:.2} s, all workers after {total:.2} s ({frames} frames)");
    total
}

/// A server binary: `$VAR`, else `name` on PATH.
fn server_bin(var: &str, name: &str) -> Option<String> {
    if let Ok(p) = std::env::var(var) {
        return Some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

fn main() {
    let input = std::env::var("SEAWARDEN_BENCH_INPUT")
        .unwrap_or_else(|_| data("ais/amsa_risky/ais.txt.gz"));
    let repeat: usize = std::env::var("SEAWARDEN_BENCH_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
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
    let which = std::env::var("SEAWARDEN_BENCH_BUS").unwrap_or_default();
    let mut buses: Vec<(&str, String, fn(&str, &str, u32) -> f64)> = Vec::new();
    if which.is_empty() || which == "nats" {
        match server_bin("SEAWARDEN_NATS_SERVER", "nats-server") {
            Some(bin) => buses.push(("NATS", bin, cluster_nats)),
            None => println!("nats-server not found: NATS not measured"),
        }
    }
    if which.is_empty() || which == "kafka" {
        match server_bin("SEAWARDEN_TANSU", "tansu") {
            Some(bin) => buses.push(("Kafka (tansu)", bin, cluster_kafka)),
            None => println!("tansu not found: Kafka not measured"),
        }
    }
    for (name, bin, cluster) in buses {
        for partitions in [1u32, 3] {
            let mut best = f64::MAX;
            for _ in 0..repeat {
                best = best.min(cluster(&bin, &input, partitions));
            }
            println!(
                "{name} bus, {partitions} ship worker(s) + area worker: {best:.3} s = {:.0} messages/s, ratio to single node {:.2}",
                messages as f64 / best,
                best_single / best
            );
        }
    }
}
