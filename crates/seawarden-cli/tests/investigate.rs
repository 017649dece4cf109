//! `seawarden investigate` through the binary: AIS files directly and
//! through a store, JSON and HTML outputs, chain of custody, usage errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use seawarden_ais::encode::to_sentences;
use seawarden_ais::messages::{AisMessage, Header, PositionReport};

fn seawarden() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seawarden"))
}

const T0: i64 = 1_735_120_800; // 2024-12-25T10:00:00Z, seconds

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "seawarden-investigate-cli-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An NMEA 4.0 tag-block line (`\c:unixtime*hh\!AIVDM...`).
fn line(t: i64, m: &AisMessage) -> String {
    let tag = format!("c:{t}");
    let cs = tag.bytes().fold(0u8, |a, b| a ^ b);
    let sentence = to_sentences(&m.encode().unwrap(), "AI", 'A', 0, 60).remove(0);
    format!("\\{tag}*{cs:02X}\\{sentence}")
}

fn report(mmsi: u32, lat: f64, lon: f64, sog: f32) -> AisMessage {
    AisMessage::Position(PositionReport {
        header: Header {
            msg_type: 1,
            repeat: 0,
            mmsi,
        },
        status: Some(0),
        rot: None,
        speed: Some(sog),
        accuracy: false,
        lon: Some(lon),
        lat: Some(lat),
        course: Some(90.0),
        heading: Some(90),
        second: None,
        maneuver: None,
        spare: 0,
        raim: false,
        radio: 0,
    })
}

/// A cable along 25°E and four hours of two ships sailing east across it:
/// one slowing to 4 kn for two hours over it (as an anchor drags), one at
/// 18 kn. Returns (dir, ais file, cable file).
fn scene(name: &str) -> (PathBuf, String, String) {
    let dir = tmpdir(name);
    let cable = dir.join("cable.geojson");
    std::fs::write(
        &cable,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"test-cable","name":"Test <Cable>"},"geometry":{"type":"LineString","coordinates":[[25.0,59.5],[25.0,60.0]]}}]}"#,
    )
    .unwrap();
    let mut lines = Vec::new();
    for (mmsi, lat, lon0, slow) in [
        (230_000_001u32, 59.70, 24.6, true),
        (230_000_002, 59.80, 24.5, false),
    ] {
        let mut lon = lon0;
        for k in 0..(4 * 360) {
            let tm = k as f64 / 6.0; // minutes
            let v: f32 = if !slow {
                18.0
            } else if (60.0..180.0).contains(&tm) {
                4.0
            } else {
                10.0
            };
            lines.push((T0 + k * 10, line(T0 + k * 10, &report(mmsi, lat, lon, v))));
            lon += v as f64 * 1852.0 / 3600.0 * 10.0 / (111_320.0 * lat.to_radians().cos());
        }
    }
    lines.sort_by_key(|l| l.0);
    let ais = dir.join("traffic.nmea");
    std::fs::write(
        &ais,
        lines.into_iter().map(|l| l.1 + "\n").collect::<String>(),
    )
    .unwrap();
    (
        dir,
        ais.to_string_lossy().into_owned(),
        cable.to_string_lossy().into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = seawarden().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_outputs(dir: &Path, input_role_file: &str) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("suspects.json")).unwrap()).unwrap();
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), 2, "{json:#}");
    assert_eq!(arr[0]["mmsi"], 230_000_001);
    assert_eq!(arr[0]["rank"], 1);
    assert_eq!(arr[1]["mmsi"], 230_000_002);
    assert!(
        arr[0]["score"].as_f64().unwrap() > 30.0 && arr[1]["score"].as_f64().unwrap() < 10.0,
        "{json:#}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!html.to_ascii_lowercase().contains("<script") && !html.contains("http"));
    assert!(html.contains("Test &lt;Cable&gt;"));
    // Chain of custody: the digest of the file the tracks came from.
    let (sha, _) = seawarden_investigate::custody::sha256_file(input_role_file).unwrap();
    assert!(
        html.contains(&sha),
        "the report holds the SHA-256 of {input_role_file}"
    );
    assert!(
        html.contains("investigate") && html.contains("--feature test-cable"),
        "the exact command"
    );
    json
}

#[test]
fn investigate_ais_files_directly() {
    let (dir, ais, cable) = scene("input");
    let (json, html) = (dir.join("suspects.json"), dir.join("report.html"));
    let (code, stdout, stderr) = run(&[
        "investigate",
        "--input",
        &ais,
        "--infra",
        &cable,
        "--feature",
        "test-cable",
        "--from",
        "2024-12-25T10:00:00Z",
        "--to",
        "2024-12-25T14:00:00Z",
        "--json",
        json.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.lines().nth(1).unwrap().contains("230000001"),
        "{stdout}"
    );
    check_outputs(&dir, &ais);
    // A fault position far from both crossings: no suspect.
    let (code, stdout, stderr) = run(&[
        "investigate",
        "--input",
        &ais,
        "--infra",
        &cable,
        "--feature",
        "test-cable",
        "--from",
        "2024-12-25T10:00:00Z",
        "--to",
        "2024-12-25T14:00:00Z",
        "--near",
        "59.55,25.0",
        "--radius-km",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only the header: {stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn investigate_from_a_store() {
    let (dir, ais, cable) = scene("store");
    let store = dir.join("store");
    let (code, _, stderr) = run(&["ingest", "--data", store.to_str().unwrap(), "--quiet", &ais]);
    assert_eq!(code, 0, "{stderr}");
    let (json, html) = (dir.join("suspects.json"), dir.join("report.html"));
    let (code, _, stderr) = run(&[
        "investigate",
        "--data",
        store.to_str().unwrap(),
        "--infra",
        &cable,
        "--feature",
        "test-cable",
        "--from",
        "2024-12-25T10:00:00Z",
        "--to",
        "2024-12-25T14:00:00Z",
        "--json",
        json.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(
        report.contains("store positions"),
        "archive files are in the chain of custody"
    );
    check_outputs(&dir, &cable);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_are_clear() {
    let (dir, ais, cable) = scene("errors");
    let base = [
        "investigate",
        "--infra",
        &cable,
        "--from",
        "2024-12-25T10:00:00Z",
        "--to",
        "2024-12-25T14:00:00Z",
    ];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        run(&a)
    };
    let (code, _, err) = with(&["--input", &ais, "--feature", "no-such-cable"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no-such-cable") && err.contains("test-cable"),
        "{err}"
    );
    let (code, _, err) = with(&["--feature", "test-cable"]);
    assert_eq!(code, 1);
    assert!(err.contains("--data") && err.contains("--input"), "{err}");
    let (code, _, err) = run(&[
        "investigate",
        "--input",
        &ais,
        "--infra",
        &cable,
        "--feature",
        "test-cable",
        "--from",
        "2024-12-25T14:00:00Z",
        "--to",
        "2024-12-25T10:00:00Z",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("before"), "{err}");
    let (code, _, err) = run(&[
        "investigate",
        "--input",
        &ais,
        "--infra",
        &cable,
        "--feature",
        "test-cable",
        "--from",
        "yesterday",
        "--to",
        "2024-12-25T10:00:00Z",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("RFC 3339"), "{err}");
    let (code, _, err) = with(&[
        "--input",
        &ais,
        "--feature",
        "test-cable",
        "--near",
        "north",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("LAT,LON"), "{err}");
    let (code, _, err) = with(&[
        "--data",
        dir.join("nothing-here").to_str().unwrap(),
        "--feature",
        "test-cable",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("not a Seawarden store"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
