//! The investigation's candidate selection on the archive with DuckDB and
//! Spark (`examples/archive/`) gives the same ships as `seawarden
//! investigate --data`, on an archive made by the real binary: the Yi Peng
//! 3 scenario (a dark crossing of the BCS East-West Interlink among
//! background traffic), simulated, then `seawarden ingest --data`.
//!
//! Needs python3 with duckdb and pyspark, and Java 17+ (`.ci/run` installs
//! them). Without them the test says so and checks nothing, unless
//! `SEAWARDEN_REQUIRE_ENGINES=1` (set by `.ci/run`), when it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const FEATURE: &str = "bcs-east-west-interlink-0";
const YI_PENG_3: u32 = 413_999_003;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seawarden(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_seawarden"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "seawarden {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What is missing to run the engines, if anything.
fn missing_engines() -> Option<String> {
    let py = Command::new("python3")
        .args(["-c", "import duckdb, pyspark"])
        .output();
    match py {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Some(format!(
                "python3 cannot import duckdb and pyspark (pip install duckdb pyspark): {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ))
        }
        Err(e) => return Some(format!("no python3: {e}")),
    }
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("no java (Spark needs Java 17 or newer)".into()),
    }
}

/// The question: window and corridor half-width (metres).
struct Window {
    from: &'static str,
    to: &'static str,
    corridor_m: &'static str,
}

/// A candidate: first time, first crossing time, whether it was dark.
type Candidates = BTreeMap<u32, (String, Option<i64>, Option<bool>)>;

fn parse_time_ms(s: &str) -> i64 {
    seawarden_ais::meta::parse_iso8601(s.as_bytes()).unwrap_or_else(|| panic!("not a time: {s:?}"))
}

/// Runs one of the example scripts and parses its CSV.
fn engine(script: &str, store: &Path, w: &Window) -> (Candidates, f64) {
    let started = Instant::now();
    let infra = root().join("demo/geo/cable-geo-north-europe.json");
    let out = Command::new("python3")
        .arg(root().join("examples/archive").join(script))
        .arg(store)
        .args(["--infra", infra.to_str().unwrap(), "--feature", FEATURE])
        .args(["--from", w.from, "--to", w.to, "--corridor-m", w.corridor_m])
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("mmsi,first_time,first_crossing,first_crossing_dark,corridor_reports"),
        "{script}: {text}"
    );
    let mut c = Candidates::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 5, "{script}: {l}");
        let crossing = (!f[2].is_empty()).then(|| parse_time_ms(f[2]));
        let dark = match f[3] {
            "" => None,
            "true" => Some(true),
            "false" => Some(false),
            other => panic!("{script}: dark {other:?}"),
        };
        assert_eq!(crossing.is_some(), dark.is_some(), "{script}: {l}");
        let first = parse_time_ms(f[1]);
        assert!(
            crossing.is_none_or(|c| c >= first),
            "{script}: first time after first crossing: {l}"
        );
        let reports: usize = f[4].parse().unwrap();
        assert!(
            crossing.is_some() || reports > 0,
            "{script}: a candidate with neither crossing nor corridor report: {l}"
        );
        assert!(
            c.insert(f[0].parse().unwrap(), (f[1].to_string(), crossing, dark))
                .is_none(),
            "{script}: MMSI twice: {l}"
        );
    }
    (c, secs)
}

/// `seawarden investigate --data`'s suspects: MMSI to (first crossing time,
/// its dark flag).
fn investigate(dir: &Path, store: &Path, w: &Window) -> BTreeMap<u32, Option<(i64, bool)>> {
    let json = dir.join("suspects.json");
    let infra = root().join("demo/geo/cable-geo-north-europe.json");
    seawarden(&[
        "investigate",
        "--data",
        store.to_str().unwrap(),
        "--infra",
        infra.to_str().unwrap(),
        "--feature",
        FEATURE,
        "--from",
        w.from,
        "--to",
        w.to,
        "--corridor-m",
        w.corridor_m,
        "--json",
        json.to_str().unwrap(),
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let first = s["crossings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["time_ms"].as_i64().unwrap(),
                        c["inferred_dark"].as_bool().unwrap(),
                    )
                })
                .min();
            (s["mmsi"].as_u64().unwrap() as u32, first)
        })
        .collect()
}

fn same_as_investigate(name: &str, got: &Candidates, want: &BTreeMap<u32, Option<(i64, bool)>>) {
    let got_set: Vec<u32> = got.keys().copied().collect();
    let want_set: Vec<u32> = want.keys().copied().collect();
    assert_eq!(
        got_set, want_set,
        "{name}: candidate ships against investigate's suspects"
    );
    for (mmsi, w) in want {
        let (_, crossing, dark) = &got[mmsi];
        assert_eq!(
            crossing.zip(*dark),
            *w,
            "{name}: first crossing (time, dark) of {mmsi}"
        );
    }
}

#[test]
fn duckdb_and_spark_select_the_ships_investigate_selects() {
    if let Some(why) = missing_engines() {
        if std::env::var("SEAWARDEN_REQUIRE_ENGINES").as_deref() == Ok("1") {
            panic!("SEAWARDEN_REQUIRE_ENGINES=1 and {why}");
        }
        eprintln!("SKIPPED: {why}");
        return;
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    // The library's Yi Peng 3 scenario, simulated for 12 hours so that the
    // ship reappears after its dark crossing (docs/investigate.md).
    let scenario = std::fs::read_to_string(root().join("scenarios/yi_peng_3.toml")).unwrap();
    let abs = |rel: &str| root().join(rel).to_string_lossy().replace('\\', "/");
    let scenario = scenario
        .replace("duration_h = 6.0", "duration_h = 12.0")
        .replace("\"../demo/", &format!("\"{}/", abs("demo")))
        .replace(
            "\"watchlists/",
            &format!("\"{}/", abs("scenarios/watchlists")),
        );
    assert!(
        scenario.contains("duration_h = 12.0"),
        "the scenario changed"
    );
    let toml = dir.path().join("yi_peng_3_12h.toml");
    std::fs::write(&toml, scenario).unwrap();
    let traffic = dir.path().join("traffic.nmea");
    seawarden(&[
        "simulate",
        toml.to_str().unwrap(),
        "--out",
        traffic.to_str().unwrap(),
    ]);
    let store = dir.path().join("store");
    seawarden(&[
        "ingest",
        "--data",
        store.to_str().unwrap(),
        "--quiet",
        traffic.to_str().unwrap(),
    ]);
    let prepared = started.elapsed().as_secs_f64();

    // The incident window, with a 5 km corridor: Yi Peng 3 crosses dark,
    // other ships cross in view or pass through the corridor only.
    let incident = Window {
        from: "2024-11-17T12:00:00Z",
        to: "2024-11-17T19:00:00Z",
        corridor_m: "5000",
    };
    let want = investigate(dir.path(), &store, &incident);
    assert!(
        matches!(want.get(&YI_PENG_3), Some(Some((_, true)))),
        "investigate finds Yi Peng 3's dark crossing: {want:?}"
    );
    assert!(
        want.values()
            .filter(|c| matches!(c, Some((_, false))))
            .count()
            >= 10,
        "ships cross with their AIS on: {want:?}"
    );
    assert!(
        want.values().any(|c| c.is_none()),
        "some ship is in the corridor without crossing: {want:?}"
    );
    let (duck, duck_s) = engine("candidates_duckdb.py", &store, &incident);
    same_as_investigate("duckdb", &duck, &want);
    let (spark, spark_s) = engine("candidates_spark.py", &store, &incident);
    assert_eq!(spark, duck, "Spark and DuckDB give the same rows");

    // Before the dark crossing, with the default corridor (1 nm): other
    // ships, Yi Peng 3 not among them.
    let early = Window {
        from: "2024-11-17T08:00:00Z",
        to: "2024-11-17T12:00:00Z",
        corridor_m: "1852",
    };
    let want_early = investigate(dir.path(), &store, &early);
    assert!(!want_early.contains_key(&YI_PENG_3), "{want_early:?}");
    assert!(want_early.len() >= 5, "{want_early:?}");
    let (duck_early, _) = engine("candidates_duckdb.py", &store, &early);
    same_as_investigate("duckdb, 08:00-12:00", &duck_early, &want_early);
    eprintln!(
        "{} candidates; simulate + ingest {prepared:.1} s, DuckDB {duck_s:.1} s, Spark {spark_s:.1} s, total {:.1} s",
        duck.len(),
        started.elapsed().as_secs_f64()
    );
}
