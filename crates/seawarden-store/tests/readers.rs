//! The archive read by analysts' tools: pyarrow (pandas/GeoPandas use it)
//! and DuckDB, when python3 has them (`pip install duckdb pyarrow`; CI
//! installs both). Without them the test says so and checks nothing else,
//! unless `SEAWARDEN_REQUIRE_ENGINES=1` (set by `.ci/run`): then it fails.

use std::path::Path;
use std::process::Command;

use seawarden_store::ingest::Ingester;
use seawarden_store::Store;

#[test]
fn pyarrow_and_duckdb_read_the_archive() {
    let have = Command::new("python3")
        .args(["-c", "import pyarrow, duckdb"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !have {
        assert_ne!(
            std::env::var("SEAWARDEN_REQUIRE_ENGINES").as_deref(),
            Ok("1"),
            "SEAWARDEN_REQUIRE_ENGINES=1 and python3 cannot import pyarrow and duckdb"
        );
        eprintln!(
            "SKIPPED: python3 with pyarrow and duckdb not found (pip install duckdb pyarrow)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ais/kystverket-2019-08-07.nm4"),
    )
    .unwrap();
    let (positions, statics) = {
        let mut store = Store::open(dir.path()).unwrap();
        let mut ing = Ingester::new();
        for l in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            ing.feed(&mut store, "kystverket", l, 0).unwrap();
        }
        store.flush_archive().unwrap();
        let p = store.positions(i64::MIN, i64::MAX, None).unwrap();
        let s = store.statics(None, i64::MIN, i64::MAX).unwrap();
        (p, s)
    };
    let first = positions
        .iter()
        .min_by_key(|p| (p.time_ms, p.mmsi))
        .unwrap();
    let script = r#"
import json, sys
import pyarrow.parquet as pq, duckdb
root = sys.argv[1]
t = pq.read_table(root + "/archive/positions", partitioning="hive")
schema = pq.read_schema(next(__import__("pathlib").Path(root, "archive/positions").rglob("*.parquet")))
assert "uint" not in str(schema).lower(), str(schema)
geo = json.loads(schema.metadata[b"geo"])
assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "point", geo
s = pq.read_table(root + "/archive/statics", partitioning="hive")
assert "uint" not in str(s.schema).lower(), str(s.schema)
con = duckdb.connect()
n, x, y, mmsi = con.execute(
    "SELECT count(*), arg_min(geometry.x, (time, mmsi)), arg_min(geometry.y, (time, mmsi)), arg_min(mmsi, (time, mmsi)) "
    "FROM read_parquet(?, hive_partitioning = true)", [root + "/archive/positions/*/*.parquet"]).fetchone()
named = con.execute("SELECT count(*) FROM read_parquet(?) WHERE name IS NOT NULL", [root + "/archive/statics/*/*.parquet"]).fetchone()[0]
print(t.num_rows, s.num_rows, n, x, y, mmsi, named)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        f[0].parse::<usize>().unwrap(),
        positions.len(),
        "pyarrow rows"
    );
    assert_eq!(
        f[1].parse::<usize>().unwrap(),
        statics.len(),
        "pyarrow static rows"
    );
    assert_eq!(
        f[2].parse::<usize>().unwrap(),
        positions.len(),
        "duckdb rows"
    );
    let (x, y): (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
    assert!(
        (x - first.lon).abs() < 1e-6 && (y - first.lat).abs() < 1e-6,
        "{x} {y} vs {first:?}"
    );
    assert_eq!(f[5].parse::<u32>().unwrap(), first.mmsi);
    assert!(f[6].parse::<usize>().unwrap() > 0);
}
