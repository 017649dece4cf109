//! What the bus tests share (`tests/bus.rs` on NATS, `tests/bus_kafka.rs`
//! on Kafka, `tests/serve_bus.rs` on both): the recorded data, the world,
//! the binary, and the broker processes they start.
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
