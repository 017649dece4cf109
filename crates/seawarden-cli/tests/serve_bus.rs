//! `seawarden serve --bus` on a real nats-server and on a real tansu
//! (Kafka protocol): the server is started before anything exists on the
//! bus, then a ship worker and the area worker run while `seawarden bus
//! ingest` publishes the AMSA recording. `/api/alerts` must then show every
//! episode `seawarden replay` raises on the same input (same ids, kinds and
//! fields, each in the state of its last event), and `/api/vessels` every
//! vessel of the observations the bus carried, where the bus last put it.
//! Investigations are refused (409). Restarted on the same `--data`, the
//! server re-reads the bus and delivers nothing twice.
//!
//! The brokers are `$SEAWARDEN_NATS_SERVER` / `$SEAWARDEN_TANSU` or on
//! PATH; without one its test is skipped unless `SEAWARDEN_REQUIRE_BUS=1`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use seawarden_bus::{Frame, Ingest};
use seawarden_track::{Tracker, TrackerConfig};
use serde_json::{Map, Value};

mod bus_common;
use bus_common::{
    data, replay_alerts, seawarden, start_nats, start_tansu, world_args, Killed,
};

#[test]
fn serve_reads_nats() {
    let dir = tempfile::tempdir().unwrap();
    if let Some((_server, url)) = start_nats(dir.path()) {
        serve_shows_what_the_bus_carries(&url, "nats", dir.path());
    }
}

#[test]
fn serve_reads_kafka() {
    let dir = tempfile::tempdir().unwrap();
    if let Some((_server, url)) = start_tansu() {
        serve_shows_what_the_bus_carries(&url, "kafka", dir.path());
    }
}

fn serve_shows_what_the_bus_carries(url: &str, kind: &str, dir: &Path) {
    let input = data("ais/amsa_risky/ais.txt.gz");
    let state = dir.join("serve").to_string_lossy().into_owned();
    let delivered = dir.join("delivered.jsonl");
    let delivered_arg = delivered.to_string_lossy().into_owned();

    // Refused: a bus with feeds, a bus of unknown kind.
    let both = seawarden()
        .args(["serve", "--bus", url, "--udp", "x=127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!both.status.success());
    let unknown = seawarden()
        .args(["serve", "--bus", "redis://127.0.0.1:1"])
        .output()
        .unwrap();
    assert!(
        !unknown.status.success()
            && String::from_utf8_lossy(&unknown.stderr).contains("unknown bus"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    // The server first: nothing exists on the bus yet.
    let server_args = [
        "--bus",
        url,
        "--data",
        &state,
        "--alerts-jsonl",
        &delivered_arg,
    ];
    let (first, addr) = serve(&server_args);
    let worker = |args: &[&str]| {
        seawarden()
            .args(["bus", "detect", "--bus", url, "--partitions", "1"])
            .args(args)
            .args(world_args())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut ship = Killed(worker(&["--partition", "0"]));
    let mut area = Killed(worker(&["--area"]));
    let ingest = seawarden()
        .args(["bus", "ingest", "--bus", url, "--partitions", "1", &input])
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    assert!(ship.0.wait().unwrap().success() && area.0.wait().unwrap().success());

    // What a single node raises on the same input.
    let reference = dir.join("replay.jsonl");
    replay_alerts(&input, &reference);
    let events = std::fs::read_to_string(&reference).unwrap().lines().count();
    let want = episodes(&reference);
    assert!(want.len() > 10, "{} episodes", want.len());
    // The vessels the bus carried: the observation frames ingest makes.
    let (tracker, observations) = tracked(&input);
    assert!(tracker.len() > 100, "{} vessels", tracker.len());

    // The API shows it all.
    wait_until("every episode in /api/alerts", 120, || {
        shown(&addr).len() >= want.len()
    });
    wait_until("every observation read", 120, || {
        let h = get_json(&addr, "/api/health");
        h["sources"][0]["lines"].as_u64() == Some(observations)
    });
    let got = shown(&addr);
    let kinds = |m: &BTreeMap<String, Map<String, Value>>| -> Vec<(String, Value)> {
        m.iter().map(|(id, a)| (id.clone(), a["kind"].clone())).collect()
    };
    assert_eq!(kinds(&got), kinds(&want));
    assert_eq!(got, want);
    let Value::Array(vessels) = get_json(&addr, "/api/vessels?limit=1000000") else {
        panic!("not a list")
    };
    assert_eq!(vessels.len(), tracker.len());
    for v in &vessels {
        let mmsi = v["mmsi"].as_u64().unwrap() as u32;
        let t = tracker.vessel(mmsi).expect("a vessel the bus did not carry");
        // The API prints positions rounded in the last digit.
        let near = |shown: &Value, want: Option<f64>| match (shown.as_f64(), want) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a == b,
        };
        let last = t.last.as_ref();
        assert!(near(&v["lat"], last.map(|p| p.lat)), "{mmsi}: {v}");
        assert!(near(&v["lon"], last.map(|p| p.lon)), "{mmsi}: {v}");
    }
    let health = get_json(&addr, "/api/health");
    assert_eq!(health["sources"][0]["kind"], kind);
    assert_eq!(health["sources"][0]["connected"], 1);
    // No raw lines on a bus server: investigations are refused, clearly.
    let (status, body) = request(&addr, "POST", "/api/investigations", "{}");
    assert!(status == 409 && body.contains("--bus"), "{status} {body}");
    // Every event delivered to the sinks once.
    wait_until("the JSON Lines sink", 60, || {
        std::fs::read_to_string(&delivered).map_or(0, |t| t.lines().count()) == events
    });
    drop(first);

    // Restarted on the same --data: the bus is read again, nothing is
    // delivered twice.
    let (_second, addr) = serve(&server_args);
    wait_until("the events read again", 120, || {
        metric(&addr, "seawarden_alert_events_suppressed_total") as usize >= events
    });
    assert_eq!(shown(&addr), want);
    assert_eq!(metric(&addr, "seawarden_alert_events_total"), 0);
    assert_eq!(
        std::fs::read_to_string(&delivered).unwrap().lines().count(),
        events
    );
}

/// The observation frames `seawarden bus ingest` publishes for `input`
/// applied to a tracker (no land given: nothing is on land), and how many.
fn tracked(input: &str) -> (Tracker, u64) {
    let mut ingest = Ingest::new(1, 60_000);
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut observations = 0u64;
    let mut apply = |f: Frame| {
        if let Frame::Obs { obs, .. } = f {
            observations += 1;
            tracker.apply(&obs, |_, _| false);
        }
    };
    seawarden_pipeline::input::for_each_line_of(input, |line| {
        ingest.feed_line(line, &mut |_, f| apply(f))
    })
    .unwrap();
    ingest.finish(&mut |_, f| apply(f));
    (tracker, observations)
}

/// `GET path` over plain HTTP/1.1: status and body.
fn get(addr: &str, path: &str) -> (u16, String) {
    request(addr, "GET", path, "")
}

fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(
        !head.to_ascii_lowercase().contains("chunked"),
        "chunked answer to {path}"
    );
    (status, body.to_string())
}

fn get_json(addr: &str, path: &str) -> Value {
    let (status, body) = get(addr, path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Starts `seawarden serve` with `args`; returns it and its `host:port`.
fn serve(args: &[&str]) -> (Killed, String) {
    let mut child = Killed(
        seawarden()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = tx.send(rest.trim_end_matches('/').to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve did not print its address");
    (child, addr)
}

fn wait_until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What `/api/alerts` should show: the last event of each episode.
fn episodes(jsonl: &Path) -> BTreeMap<String, Map<String, Value>> {
    let mut out = BTreeMap::new();
    for line in std::fs::read_to_string(jsonl).unwrap().lines() {
        let Value::Object(m) = serde_json::from_str(line).unwrap() else {
            panic!("not an object: {line}")
        };
        out.insert(m["id"].as_str().unwrap().to_string(), m);
    }
    out
}

/// The episodes `/api/alerts` shows, without the analyst's fields.
fn shown(addr: &str) -> BTreeMap<String, Map<String, Value>> {
    let Value::Array(list) = get_json(addr, "/api/alerts?limit=100000") else {
        panic!("not a list")
    };
    list.into_iter()
        .map(|a| {
            let Value::Object(mut m) = a else {
                panic!("not an object")
            };
            for k in ["state", "acknowledged_by", "comments"] {
                m.remove(k);
            }
            (m["id"].as_str().unwrap().to_string(), m)
        })
        .collect()
}

fn metric(addr: &str, name: &str) -> u64 {
    let (_, text) = get(addr, "/metrics");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}
