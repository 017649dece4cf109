//! What the bus tests share (`tests/bus.rs` on NATS, `tests/bus_kafka.rs`
//! on Kafka, `tests/serve_bus.rs` on both): the recorded data, the world,
//! the binary, the broker processes they start, and the live-ingest test
//! run on both buses.
// Each test uses part of it.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A path under `../shared/data` beside the repository.
pub fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// A child process killed (and reaped) when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The broker binary: `$ENV`, else `name` on PATH.
pub fn server_bin(env: &str, name: &str) -> Option<String> {
    if let Ok(p) = std::env::var(env) {
        return Some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// The world flags every worker and the single-node replay take.
pub fn world_args() -> Vec<String> {
    vec![
        "--infra".into(),
        data("infrastructure/telegeography/cable-geo.json"),
        "--land".into(),
        data("boundaries/natural_earth/ne_10m_land.json.gz"),
    ]
}

/// Runs `seawarden replay` of `input` with [`world_args`]; its alert
/// events go to `out` (JSON Lines), the single-node reference.
pub fn replay_alerts(input: &str, out: &Path) {
    let replay = seawarden()
        .args(["replay", "-q"])
        .args(world_args())
        .arg(input)
        .arg("--alerts")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
}

/// The lines of a file, sorted.
pub fn sorted_lines(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// The `seawarden` binary under test.
pub fn seawarden() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seawarden"))
}

/// The broker binary, or `None` when it is missing and the test may be
/// skipped (a failure when `SEAWARDEN_REQUIRE_BUS=1`).
fn required_bin(env: &str, name: &str) -> Option<String> {
    let bin = server_bin(env, name);
    if bin.is_none() {
        assert!(
            std::env::var("SEAWARDEN_REQUIRE_BUS").as_deref() != Ok("1"),
            "{name} not found and SEAWARDEN_REQUIRE_BUS=1"
        );
        eprintln!("{name} not found: skipped");
    }
    bin
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, name: &str) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A nats-server with JetStream on a free loopback port, storing under
/// `dir`: the process and its `nats://` URL (`None`: skipped).
pub fn start_nats(dir: &Path) -> Option<(Killed, String)> {
    let bin = required_bin("SEAWARDEN_NATS_SERVER", "nats-server")?;
    let port = free_port();
    let server = Killed(
        Command::new(&bin)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir.join("js"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, "nats-server");
    Some((server, format!("nats://127.0.0.1:{port}")))
}

/// A tansu Kafka-protocol broker with in-memory storage on a free
/// loopback port: the process and its `kafka://` URL (`None`: skipped).
pub fn start_tansu() -> Option<(Killed, String)> {
    let bin = required_bin("SEAWARDEN_TANSU", "tansu")?;
    let port = free_port();
    let listener = format!("tcp://127.0.0.1:{port}");
    let server = Killed(
        Command::new(&bin)
            .args(["broker", "--listener-url", &listener])
            .args(["--advertised-listener-url", &listener])
            .args(["--storage-engine", "memory://tansu/"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, "tansu");
    Some((server, format!("kafka://127.0.0.1:{port}")))
}

/// Sentences (no receive time: the live source stamps them on arrival) of
/// one vessel that changes its identity
/// ([`seawarden_sim::traffic::identity_change`]: three positions in the Gulf
/// of Finland, then its name reported as `first` and then as `second`).
fn identity_change_sentences(mmsi: u32, first: &str, second: &str) -> String {
    let mut out = String::new();
    for (_, s) in seawarden_sim::traffic::identity_change(mmsi, [first, second], 3, 0) {
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// The alert events stored on the bus (`seawarden bus alerts`).
fn bus_alerts(url: &str) -> Vec<serde_json::Value> {
    let out = seawarden().args(["bus", "alerts", "--bus", url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The `identity_change` events (`event` values) of `mmsi` on the bus,
/// waiting up to a minute for its episode to start.
fn identity_events(url: &str, mmsi: u32) -> Vec<String> {
    let started = Instant::now();
    loop {
        let events: Vec<String> = bus_alerts(url)
            .into_iter()
            .filter(|a| a["kind"] == "identity_change" && a["mmsi"] == mmsi)
            .map(|a| a["event"].as_str().unwrap_or_default().to_string())
            .collect();
        if events.iter().any(|e| e == "start") || started.elapsed() > Duration::from_secs(60) {
            return events;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Stops a live `bus ingest` with SIGTERM and returns its report (stderr),
/// checking that it exited successfully.
fn stop_ingest(ingest: &mut Killed) -> String {
    use std::io::Read;
    let pid = ingest.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = ingest.0.wait().unwrap();
    let mut report = String::new();
    ingest.0.stderr.take().unwrap().read_to_string(&mut report).unwrap();
    assert!(status.success(), "{report}");
    report
}

/// The number after `published ` in a live ingest's report.
fn published_messages(report: &str) -> u64 {
    let at = report.rfind("published ").expect("a summary") + "published ".len();
    report[at..].split(' ').next().unwrap().parse().unwrap()
}

/// `bus ingest --listen-tcp` on the bus at `url`: real traffic (the bundled
/// Kystverket recording, sent as a plain receiver would, without receive
/// times) pushed over TCP with a line of garbage, and a ship whose name
/// changes; the workers (`--follow`) raise the alert. The ingest is then
/// stopped with SIGTERM and a new one started on the same port: frames
/// of the new ingest must still reach the workers (a second ship's name
/// change is alerted), and the first alert is not published again.
pub fn live_ingest_restarts(url: &str) {
    let worker = |args: &[&str]| {
        Killed(
            seawarden()
                .args(["bus", "detect", "--follow", "--bus", url, "--partitions", "2"])
                .args(args)
                .args(world_args())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    let _workers = [worker(&["--partition", "0"]), worker(&["--partition", "1"]), worker(&["--area"])];
    let port = free_port();
    let start_ingest = || {
        let child = Killed(
            seawarden()
                .args(["bus", "ingest", "--bus", url, "--partitions", "2", "--listen-tcp"])
                .arg(format!("feed=127.0.0.1:{port}"))
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        wait_for_port(port, "bus ingest");
        child
    };
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/ais/kystverket-2019-08-07.nm4");
    let recording = std::fs::read_to_string(&path).unwrap();
    // What `seawarden decode` makes of the recording: every one of its
    // messages must reach the bus.
    let decoded = seawarden()
        .args(["decode", "--format", "none", "--stats"])
        .arg(&path)
        .output()
        .unwrap();
    let stats = String::from_utf8_lossy(&decoded.stdout).into_owned()
        + &String::from_utf8_lossy(&decoded.stderr);
    let decoded: u64 = stats
        .split("decoded ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stats}"));
    let mut feed = String::new();
    let mut real = 0;
    for line in recording.lines() {
        // `\c:1565218798*53\!BSVDM,...`: the sentence without its tag block.
        if let Some(i) = line.find('!') {
            feed.push_str(&line[i..]);
            feed.push('\n');
            real += 1;
        }
    }
    assert!(real > 900, "{real}");
    feed.push_str("this is not NMEA\n");
    let (first, second) = (230_994_001, 230_994_002);
    feed.push_str(&identity_change_sentences(first, "SEAWARDEN ONE", "SEAWARDEN UNO"));

    let mut ingest = start_ingest();
    {
        use std::io::Write;
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(feed.as_bytes()).unwrap();
    }
    let events = identity_events(url, first);
    assert_eq!(events.iter().filter(|e| *e == "start").count(), 1, "{events:?}");
    let report = stop_ingest(&mut ingest);
    assert!(report.contains("1 rejected as not NMEA"), "{report}");
    // Every message of the recording and the five of the ship published.
    assert!(decoded > 800, "{stats}");
    assert_eq!(published_messages(&report), decoded + 5, "{report}");

    // A new ingest carries on where the first stopped.
    let mut ingest = start_ingest();
    {
        use std::io::Write;
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(identity_change_sentences(second, "SEAWARDEN TWO", "SEAWARDEN DOS").as_bytes())
            .unwrap();
    }
    let second_events = identity_events(url, second);
    assert_eq!(
        second_events.iter().filter(|e| *e == "start").count(),
        1,
        "the restarted ingest's frames were not handled: {second_events:?}"
    );
    let report = stop_ingest(&mut ingest);
    assert_eq!(published_messages(&report), 5, "{report}");
    // Nothing of the first ingest's was published again.
    assert_eq!(identity_events(url, first), events);
}
