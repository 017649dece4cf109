//! Live-service benchmark: `cargo bench -p seawarden-serve --bench live -- [--secs N] [--rate N] [--clients N] [--vessels N] [--no-journal] [--bus]`.
//!
//! Starts the real server in this process (demo cables, pipelines and
//! territorial seas loaded; write-ahead journal on unless `--no-journal`),
//! connects `--clients` WebSocket clients (default 50; each watches one of
//! ten areas, about a tenth of the ships), and pushes `--rate` AIS messages
//! a second (default 50,000; type 1 position reports of `--vessels` ships,
//! default 5,000, each stamped with the wall clock in a tag block) over one
//! TCP connection to a `--listen-tcp` source, for `--secs` seconds (default
//! 60; the 10-minute soak is `--secs 600`).
//!
//! Once a second one ship reports a new name (a type 24 message), which the
//! `identity_change` detector turns into an alert at once; every client
//! timestamps the alert when it arrives. Alert latency is that arrival time
//! minus the moment the bench wrote the triggering line to the socket, over
//! all clients. Memory is the process's resident set (server and clients
//! together) sampled every 5 s.
//!
//! Baseline, measured in the same run: the same message stream through a
//! bare `seawarden_pipeline::Pipeline` in a loop on one thread (no sockets,
//! no API): the most the pipeline thread could do. The figure of merit is
//! the sustained live rate and its ratio to that baseline.
//!
//! `--bus`: after the single-node run, the same stream at the same rate
//! through each message bus found (nats-server: `$SEAWARDEN_NATS_SERVER` or
//! on PATH; tansu: `$SEAWARDEN_TANSU` or on PATH), each on a fresh broker:
//! the bench feeds every line to a `seawarden_bus::Ingest` and publishes its
//! frames (one partition, flushed every 10 ms), a ship worker and the area
//! worker run on their own threads, and the server reads the bus (`serve
//! --bus`). Alert latency is then from the line entering ingest to the
//! alert on a WebSocket client, and its ratio to the single-node run's is
//! the figure of merit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use seawarden_ais::encode::to_sentences;
use seawarden_ais::messages::{Header, PositionReport};
use seawarden_ais::Encode;
use seawarden_bus::{kafka, nats, Frame, FrameSink, Ingest, Route, Stage, Worker};
use seawarden_serve::{Bus, ServeConfig, SourceSpec};
use tokio::io::AsyncWriteExt;

struct Args {
    secs: u64,
    rate: u64,
    clients: usize,
    vessels: u32,
    journal: bool,
    bus: bool,
}

fn args() -> Args {
    let mut a = Args {
        secs: 60,
        rate: 50_000,
        clients: 50,
        vessels: 5_000,
        journal: true,
        bus: false,
    };
    let v: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < v.len() {
        let num = |i: usize| {
            v.get(i + 1)
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{} needs a number", v[i]))
        };
        match v[i].as_str() {
            "--secs" => a.secs = num(i),
            "--rate" => a.rate = num(i),
            "--clients" => a.clients = num(i) as usize,
            "--vessels" => a.vessels = num(i) as u32,
            "--no-journal" => {
                a.journal = false;
                i -= 1;
            }
            "--bus" => {
                a.bus = true;
                i -= 1;
            }
            _ => {
                i -= 1;
            }
        }
        i += 2;
    }
    a
}

fn rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    s.split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<f64>().ok())
        .unwrap_or(0.0)
        * 4096.0
        / (1 << 20) as f64
}

/// Ship `i` at step `k`: spread over the North Sea and the Baltic, each on
/// its own slow circle.
fn position_line(i: u32, k: u64, t_ms: i64, out: &mut Vec<u8>) {
    let lat0 = 54.0 + (i % 120) as f64 * 0.1;
    let lon0 = 3.0 + (i / 120 % 230) as f64 * 0.12;
    let a = (k as f64 * 0.01 + i as f64) % std::f64::consts::TAU;
    let p = PositionReport {
        header: Header {
            msg_type: 1,
            repeat: 0,
            mmsi: 230_000_000 + i,
        },
        status: Some(0),
        rot: None,
        speed: Some(9.5),
        accuracy: false,
        lon: Some(lon0 + 0.02 * a.cos()),
        lat: Some(lat0 + 0.01 * a.sin()),
        course: Some(((a.to_degrees() + 90.0) % 360.0) as f32),
        heading: Some(((a.to_degrees() + 90.0) % 360.0) as u16),
        second: Some((t_ms / 1000 % 60) as u8),
        maneuver: None,
        spare: 0,
        raim: false,
        radio: 0,
    };
    for s in to_sentences(&p.encode(), "AI", 'A', 0, 60) {
        seawarden_serve::lines::stamp(s.as_bytes(), t_ms, "bench", out);
        out.push(b'\n');
    }
}

fn demo_world() -> seawarden_pipeline::WorldSpec {
    let geo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/geo");
    let p = |n: &str| geo.join(n).to_string_lossy().into_owned();
    seawarden_pipeline::WorldSpec {
        infra: vec![
            p("cable-geo-north-europe.json"),
            p("pipLine-sodir.geojson"),
            p("baltic-energy-approx.geojson"),
        ],
        zones: vec![p("countries-maritime-north-europe.geojson")],
        ..seawarden_pipeline::WorldSpec::default()
    }
}

/// The baseline: the pipeline alone on the same stream.
fn baseline(vessels: u32, messages: u64) -> f64 {
    let world = seawarden_pipeline::GeoWorld::load(&demo_world()).unwrap();
    let mut p: seawarden_pipeline::Pipeline =
        seawarden_pipeline::Pipeline::new(world, seawarden_detect::Config::default(), 0);
    let mut buf = Vec::with_capacity(messages as usize * 80);
    let t0 = seawarden_serve::now_ms();
    for n in 0..messages {
        position_line(
            (n % vessels as u64) as u32,
            n / vessels as u64,
            t0 + (n * 1000 / 50_000) as i64,
            &mut buf,
        );
    }
    let started = Instant::now();
    for line in buf.split(|&b| b == b'\n') {
        if !line.is_empty() {
            p.feed_line(line, &mut |_| {});
        }
    }
    let _ = p.drain_alerts();
    let secs = started.elapsed().as_secs_f64();
    let rate = p.decoder_stats().messages() as f64 / secs;
    std::mem::forget(p);
    rate
}

fn main() {
    let a = args();
    println!("seawarden-serve live benchmark: {} msg/s for {} s, {} ships, {} WebSocket clients, journal {}", a.rate, a.secs, a.vessels, a.clients, if a.journal { "on" } else { "off" });
    let base = baseline(a.vessels, 500_000);
    println!("baseline: pipeline alone on one thread: {:.0} msg/s", base);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("\n== single node (serve --listen-tcp)");
    let local = rt.block_on(run(&a, base, None));
    if !a.bus {
        return;
    }
    for kind in [BusKind::Nats, BusKind::Kafka] {
        let Some(broker) = Broker::start(kind) else {
            println!("\n== {}: broker not found, not measured", kind.name());
            continue;
        };
        println!("\n== {} bus (ingest -> ship and area workers -> serve --bus)", kind.name());
        let r = rt.block_on(run(&a, base, Some(&broker)));
        println!(
            "{} bus at {:.0} msg/s: alert latency p50 {:.1} ms, p99 {:.1} ms; single node at {:.0} msg/s in this run: p50 {:.1} ms, p99 {:.1} ms; p99 ratio bus / single node {:.2}",
            kind.name(),
            r.rate,
            r.p50_ms,
            r.p99_ms,
            local.rate,
            local.p50_ms,
            local.p99_ms,
            r.p99_ms / local.p99_ms
        );
    }
}

/// What one run measured.
struct Outcome {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Clone, Copy)]
enum BusKind {
    Nats,
    Kafka,
}

impl BusKind {
    fn name(self) -> &'static str {
        match self {
            BusKind::Nats => "NATS",
            BusKind::Kafka => "Kafka (tansu)",
        }
    }
}

/// A fresh broker on a free loopback port, ended when dropped.
struct Broker {
    bus: Bus,
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How long the bench's brokers keep messages.
const RETENTION: Duration = Duration::from_secs(3600);

impl Broker {
    fn start(kind: BusKind) -> Option<Broker> {
        let (var, name) = match kind {
            BusKind::Nats => ("SEAWARDEN_NATS_SERVER", "nats-server"),
            BusKind::Kafka => ("SEAWARDEN_TANSU", "tansu"),
        };
        let bin = std::env::var(var).ok().or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
                .map(|p| p.to_string_lossy().into_owned())
        })?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("seawarden-bench-bus-{}-{port}", std::process::id()));
        let mut cmd = std::process::Command::new(bin);
        let url = match kind {
            BusKind::Nats => {
                cmd.args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
                    .arg(&dir);
                format!("nats://127.0.0.1:{port}")
            }
            BusKind::Kafka => {
                let listener = format!("tcp://127.0.0.1:{port}");
                cmd.args(["broker", "--listener-url", &listener])
                    .args(["--advertised-listener-url", &listener])
                    .args(["--storage-engine", "memory://tansu/"]);
                format!("kafka://127.0.0.1:{port}")
            }
        };
        let child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "{name} did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Broker {
            bus: Bus::parse(&url, "seawarden").unwrap(),
            child,
            dir,
        })
    }
}

/// Where the bench's lines go: the server's TCP source, or ingest and the
/// bus.
enum Feed {
    Tcp(tokio::net::TcpStream),
    Nats(Ingest, nats::Publisher),
    Kafka(Ingest, kafka::Publisher),
}

impl Feed {
    /// A feed into `broker`'s bus, whose streams or topics it creates.
    async fn bus(broker: &Broker) -> Feed {
        let ingest = Ingest::new(1, 0);
        match &broker.bus {
            Bus::Nats(b) => {
                let js = b.connect(RETENTION).await.unwrap();
                Feed::Nats(ingest, nats::Publisher::new(js, b, 1))
            }
            Bus::Kafka(b) => {
                let k = b.connect(1, RETENTION).await.unwrap();
                Feed::Kafka(ingest, kafka::Publisher::new(&k).await.unwrap())
            }
        }
    }

    /// Sends lines: written to the socket, or ingested, published and
    /// flushed.
    async fn send(&mut self, buf: &[u8]) {
        let mut frames = Vec::new();
        let ingest = match self {
            Feed::Tcp(sock) => return sock.write_all(buf).await.unwrap(),
            Feed::Nats(ingest, _) | Feed::Kafka(ingest, _) => ingest,
        };
        for line in buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            ingest.feed_line(line, &mut |r, f| frames.push((r, f)));
        }
        match self {
            Feed::Tcp(_) => {}
            Feed::Nats(_, p) => {
                publish(p, &frames).await;
                p.flush().await.unwrap();
            }
            Feed::Kafka(_, p) => {
                publish(p, &frames).await;
                p.flush().await.unwrap();
            }
        }
    }

    async fn close(self) {
        if let Feed::Tcp(mut sock) = self {
            sock.shutdown().await.unwrap();
        }
    }
}

async fn publish(sink: &mut impl FrameSink, frames: &[(Route, Frame)]) {
    for (r, f) in frames {
        sink.push(*r, f).await.unwrap();
    }
}

/// Starts the ship worker (the only partition) and the area worker on
/// threads of their own, each with the demo world; returns once both are
/// connected. They end with an error when the broker goes.
async fn start_workers(bus: &Bus) {
    let (tx, rx) = std::sync::mpsc::channel();
    for stage in [
        Stage::Ship {
            partition: 0,
            partitions: 1,
        },
        Stage::Area,
    ] {
        let (bus, tx) = (bus.clone(), tx.clone());
        std::thread::spawn(move || {
            let world = seawarden_pipeline::GeoWorld::load(&demo_world()).unwrap();
            let worker = Worker::new(world, seawarden_detect::Config::default(), stage);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let _ = rt.block_on(async {
                match &bus {
                    Bus::Nats(b) => {
                        let js = b.connect(RETENTION).await?;
                        tx.send(()).unwrap();
                        let options = nats::WorkerOptions {
                            stop_at_end: false,
                            ..nats::WorkerOptions::new("bench")
                        };
                        nats::run_worker(b, js, worker, &options).await
                    }
                    Bus::Kafka(b) => {
                        let k = b.connect(1, RETENTION).await?;
                        tx.send(()).unwrap();
                        let options = kafka::WorkerOptions {
                            stop_at_end: false,
                            ..kafka::WorkerOptions::new("bench")
                        };
                        kafka::run_worker(&k, worker, &options).await
                    }
                }
            });
        });
    }
    tokio::task::spawn_blocking(move || {
        rx.recv().unwrap();
        rx.recv().unwrap();
    })
    .await
    .unwrap();
}

async fn run(a: &Args, base: f64, broker: Option<&Broker>) -> Outcome {
    let data = std::env::temp_dir().join(format!("seawarden-bench-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut config = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        world: demo_world(),
        ..ServeConfig::default()
    };
    let mut feed = match broker {
        Some(b) => {
            let feed = Feed::bus(b).await;
            start_workers(&b.bus).await;
            config.bus = Some(b.bus.clone());
            Some(feed)
        }
        None => {
            config
                .sources
                .push(SourceSpec::parse("listen-tcp", "bench=127.0.0.1:0").unwrap());
            None
        }
    };
    // A bus server keeps no journal.
    if a.journal && broker.is_none() {
        config.data_dir = Some(data.clone());
        config.journal_hours = 1;
    }
    let server = seawarden_serve::start(config).await.unwrap();
    let addr = server.addr();

    // Alert triggers: (mmsi, name) -> when the line was written.
    let sent: Arc<Mutex<HashMap<(u64, String), Instant>>> = Arc::new(Mutex::new(HashMap::new()));
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::new(Mutex::new(Vec::new()));
    let ws_messages = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for c in 0..a.clients {
        // Ten areas of the ships' grid, each about a tenth of them.
        let band = c % 10;
        let (lat_min, lat_max) = (
            54.0 + band as f64 * 1.2 - 0.05,
            54.0 + (band + 1) as f64 * 1.2 - 0.05,
        );
        let url = format!("ws://{addr}/api/stream?bbox=-10,{lat_min},40,{lat_max}");
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let (sent, latencies, count) = (sent.clone(), latencies.clone(), ws_messages.clone());
        clients.push(tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                if let tokio_tungstenite::tungstenite::Message::Text(t) = m {
                    count.fetch_add(1, Ordering::Relaxed);
                    if t.as_str().starts_with("{\"acknowledged_by\"")
                        || t.as_str().contains("\"type\":\"alert\"")
                    {
                        let now = Instant::now();
                        let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                        if v["kind"] == "identity_change" && v["event"] == "start" {
                            let key = (
                                v["mmsi"].as_u64().unwrap_or(0),
                                v["evidence"]["after"].as_str().unwrap_or("").to_string(),
                            );
                            if let Some(at) = sent.lock().unwrap().get(&key) {
                                latencies.lock().unwrap().push((now - *at).as_secs_f64());
                            }
                        }
                    }
                }
            }
        }));
    }
    // Alerts must reach every client wherever the ship is: triggers go to
    // ships of every band, and each client counts only those in its area.

    let mut feed = match feed.take() {
        Some(f) => f,
        None => {
            let sock = tokio::net::TcpStream::connect(server.source_addr("bench").unwrap())
                .await
                .unwrap();
            sock.set_nodelay(true).unwrap();
            Feed::Tcp(sock)
        }
    };
    let started = Instant::now();
    let tick = Duration::from_millis(10);
    let per_tick = a.rate / 100;
    let mut n: u64 = 0;
    let mut buf = Vec::with_capacity(per_tick as usize * 90);
    let mut next = started;
    let mut next_trigger = started + Duration::from_secs(2);
    let mut next_sample = started;
    let mut triggers = 0u64;
    let mut rss: Vec<(f64, f64)> = Vec::new();
    let mut behind_max = Duration::ZERO;
    let end = started + Duration::from_secs(a.secs);
    while Instant::now() < end {
        next += tick;
        let t_ms = seawarden_serve::now_ms();
        buf.clear();
        for _ in 0..per_tick {
            position_line(
                (n % a.vessels as u64) as u32,
                n / a.vessels as u64,
                t_ms,
                &mut buf,
            );
            n += 1;
        }
        feed.send(&buf).await;
        if Instant::now() >= next_trigger {
            next_trigger += Duration::from_secs(1);
            triggers += 1;
            let mmsi = 230_000_000 + (triggers * 7919 % a.vessels as u64) as u32;
            // A first name, then a second: the change raises the alert.
            // Both stamped now (the ship's positions are in the stream).
            let (first, name) = (format!("NAMED {triggers}"), format!("RENAMED {triggers}"));
            buf.clear();
            for (_, s) in seawarden_sim::traffic::identity_change(mmsi, [&first, &name], 0, t_ms) {
                seawarden_serve::lines::stamp(s.as_bytes(), t_ms, "bench", &mut buf);
                buf.push(b'\n');
            }
            sent.lock()
                .unwrap()
                .insert((mmsi as u64, name), Instant::now());
            feed.send(&buf).await;
        }
        if Instant::now() >= next_sample {
            next_sample += Duration::from_secs(5);
            rss.push((started.elapsed().as_secs_f64(), rss_mib()));
        }
        let now = Instant::now();
        if now < next {
            tokio::time::sleep_until(next.into()).await;
        } else {
            behind_max = behind_max.max(now - next);
        }
    }
    let send_secs = started.elapsed().as_secs_f64();
    feed.close().await;
    // Let the pipeline and clients catch up.
    let health = format!("http://{addr}/api/health");
    let mut processed = 0u64;
    let drain_started = Instant::now();
    for _ in 0..100 {
        let v: serde_json::Value =
            serde_json::from_str(&reqwest::get(&health).await.unwrap().text().await.unwrap())
                .unwrap_or_default();
        // A bus server decodes nothing: it counts observations read.
        processed = match broker {
            Some(_) => v["sources"][0]["lines"].as_u64().unwrap_or(0),
            None => v["messages"].as_u64().unwrap_or(0),
        };
        if processed >= n + triggers {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drain = drain_started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    rss.push((started.elapsed().as_secs_f64(), rss_mib()));
    let metrics = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let mut l = latencies.lock().unwrap().clone();
    l.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| {
        if l.is_empty() {
            f64::NAN
        } else {
            l[((l.len() as f64 * p).ceil() as usize).clamp(1, l.len()) - 1] * 1000.0
        }
    };
    let rate = n as f64 / send_secs;
    println!("sent {} messages in {:.1} s: {:.0} msg/s (the sender fell behind its schedule by at most {} ms)", n, send_secs, rate, behind_max.as_millis());
    println!(
        "processed {} messages; caught up {:.2} s after the sender stopped",
        processed, drain
    );
    println!("alert latency (line written -> alert on a WebSocket client), {} deliveries of {} alerts: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", l.len(), triggers, pct(0.5), pct(0.99), pct(1.0));
    println!(
        "WebSocket messages received by {} clients: {} ({:.0}/s)",
        a.clients,
        ws_messages.load(Ordering::Relaxed),
        ws_messages.load(Ordering::Relaxed) as f64 / send_secs
    );
    for line in metrics.lines().filter(|l| {
        l.starts_with("seawarden_websocket_lagged_total")
            || l.starts_with("seawarden_vessels ")
            || l.starts_with("seawarden_alert_events_total")
    }) {
        println!("  {line}");
    }
    let warm: Vec<&(f64, f64)> = rss
        .iter()
        .filter(|(t, _)| *t >= 30.0_f64.min(a.secs as f64 / 2.0))
        .collect();
    let rss_line: Vec<String> = rss.iter().map(|(t, m)| format!("{t:.0}s:{m:.0}")).collect();
    println!(
        "resident memory, MiB (server and clients): {}",
        rss_line.join(" ")
    );
    if let (Some(first), Some(last)) = (warm.first(), warm.last()) {
        println!(
            "memory after warm-up: {:.0} MiB at {:.0} s -> {:.0} MiB at {:.0} s ({:+.1}%)",
            first.1,
            first.0,
            last.1,
            last.0,
            (last.1 / first.1 - 1.0) * 100.0
        );
    }
    println!("ratio: live sustained {:.0} msg/s / pipeline alone {:.0} msg/s = {:.2}; target 50,000 msg/s is {:.0}% of the pipeline's capacity", rate, base, rate / base, 50_000.0 / base * 100.0);
    let ok = rate >= a.rate as f64 * 0.98 && pct(0.99) < 1000.0 && drain < 2.0;
    println!(
        "{}",
        if ok {
            "PASS: rate sustained, p99 alert latency under 1 s"
        } else {
            "FAIL: see the figures above"
        }
    );
    for c in clients {
        c.abort();
    }
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
    Outcome {
        rate,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
    }
}
