//! `seawarden bus` through the binary on a real nats-server: two ship
//! worker processes and the area worker, one of them killed with SIGKILL
//! while it works and started again; `seawarden bus alerts` then prints
//! exactly what `seawarden replay` prints for the same input.
//!
//! nats-server is `$SEAWARDEN_NATS_SERVER` or on PATH; without it the test
//! is skipped unless `SEAWARDEN_REQUIRE_BUS=1`.
//!
//! Also: `bus ingest` of a live feed over TCP, restarted (shared with the
//! Kafka test, `bus_common::live_ingest_restarts`); a bus that nobody answers on (either transport) is a clear error,
//! not a hang.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

mod bus_common;
use bus_common::{data, replay_alerts, seawarden, sorted_lines, start_nats, world_args, Killed};

#[test]
fn worker_processes_killed_and_restarted_equal_replay() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_server, url)) = start_nats(dir.path()) else {
        return;
    };
    let input = data("ais/amsa_risky/ais.txt.gz");
    let worker = |args: &[&str]| {
        seawarden()
            .args(["bus", "detect", "--bus", &url, "--partitions", "2"])
            .args(args)
            .args(world_args())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    // Bad arguments are refused before anything connects.
    let bad = seawarden()
        .args([
            "bus",
            "detect",
            "--bus",
            &url,
            "--partitions",
            "2",
            "--partition",
            "2",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("not below"));

    let mut w0 = worker(&["--partition", "0"]);
    let mut area = worker(&["--area"]);
    let mut doomed = Killed(worker(&["--partition", "1"]));
    let ingest = seawarden()
        .args(["bus", "ingest", "--bus", &url, "--partitions", "2", &input])
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    // SIGKILL, wherever it is (loading the world, mid-stream or done).
    std::thread::sleep(Duration::from_millis(300));
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();
    let again = worker(&["--partition", "1"]).wait_with_output().unwrap();
    assert!(again.status.success());
    assert!(w0.wait().unwrap().success() && area.wait().unwrap().success());

    let out = dir.path().join("bus.jsonl");
    let alerts = seawarden()
        .args(["bus", "alerts", "--bus", &url, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        alerts.status.success(),
        "{}",
        String::from_utf8_lossy(&alerts.stderr)
    );
    let reference = dir.path().join("replay.jsonl");
    replay_alerts(&input, &reference);
    let (got, want) = (sorted_lines(&out), sorted_lines(&reference));
    assert!(want.len() > 20, "{}", want.len());
    assert_eq!(got, want);
}

/// `bus ingest` of a live TCP feed, stopped and started again.
#[test]
fn live_ingest_over_tcp_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_server, url)) = start_nats(dir.path()) else {
        return;
    };
    bus_common::live_ingest_restarts(&url);
}

/// Nothing listens on the port (refused) or the address is unroutable (no
/// answer at all): every bus command must give up with an error naming
/// the bus, on both transports, rather than retry forever.
#[test]
fn unreachable_bus_is_a_clear_error_not_a_hang() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // TEST-NET-1 (RFC 5737): never routed, so a connection attempt hangs.
    for url in [
        format!("kafka://127.0.0.1:{closed}"),
        format!("nats://127.0.0.1:{closed}"),
        "kafka://192.0.2.1:9092".to_string(),
        "nats://192.0.2.1:4222".to_string(),
    ] {
        let mut child = seawarden()
            .args(["bus", "alerts", "--bus", &url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(120) {
                child.kill().ok();
                panic!("`bus alerts --bus {url}` still running after 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!status.success(), "{url}: exit status {status}");
        let host = url.split("://").nth(1).unwrap();
        assert!(stderr.contains("cannot connect") && stderr.contains(host), "{url}: {stderr}");
        assert!(out.stdout.is_empty(), "{url}: printed {:?}", String::from_utf8_lossy(&out.stdout));
    }
}
