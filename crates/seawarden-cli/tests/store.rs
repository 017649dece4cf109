//! The store through the binary: ingest, a kill -9 mid-ingest, verify,
//! export, retention.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ais").join(name)
}

fn seawarden() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seawarden"))
}

fn real_lines() -> Vec<Vec<u8>> {
    let text = std::fs::read(demo("kystverket-2019-08-07.nm4")).unwrap();
    text.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec()).collect()
}

#[test]
fn kill_9_mid_ingest_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let mut child = seawarden()
        .args(["ingest", "--ack", "--quiet", "--flush-lines", "50", "--data"])
        .arg(&data)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut acks = BufReader::new(child.stdout.take().unwrap());
    let lines = real_lines();
    // Feed in bursts; wait for each burst's acknowledgement.
    let mut sent = 0usize;
    let mut acked = 0u64;
    for burst in lines.chunks(97).take(6) {
        for l in burst {
            stdin.write_all(l).unwrap();
            stdin.write_all(b"\n").unwrap();
        }
        stdin.flush().unwrap();
        sent += burst.len();
        while acked < sent as u64 {
            let mut a = String::new();
            assert!(acks.read_line(&mut a).unwrap() > 0, "ingest exited early");
            acked = a.trim().strip_prefix("ack ").unwrap().parse().unwrap();
        }
    }
    // More lines that are not acknowledged, then SIGKILL.
    for l in &lines[sent..sent + 40] {
        stdin.write_all(l).unwrap();
        stdin.write_all(b"\n").unwrap();
    }
    stdin.write_all(b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb0").unwrap(); // half a line
    stdin.flush().unwrap();
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    // A torn tail is possible; append garbage to make sure there is one.
    let seg = data.join("journal/00000001.seg");
    let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
    f.write_all(b"SWB1\xff\xff\x00\x00half a block").unwrap();
    drop(f);

    let out = seawarden().args(["store", "verify", "--data"]).arg(&data).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a torn tail is reported: {text}");
    assert!(text.contains("00000001.seg") && text.contains("torn"), "{text}");

    // Reopening for writing cuts the tail; every acknowledged line is there, in order.
    let out = seawarden().args(["ingest", "--quiet", "--data"]).arg(&data).arg(demo("kystverket-2019-08-07.nm4")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = seawarden().args(["store", "verify", "--data"]).arg(&data).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    // Positions buffered but not archived at the kill come back from the journal.
    let out = seawarden().args(["store", "rebuild-archive", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt the archive"));
    let store = seawarden_store::Store::open(&data).unwrap();
    let journal = store.journal_lines(i64::MIN, i64::MAX).unwrap();
    assert!(journal.len() as u64 >= acked + lines.len() as u64);
    for (i, l) in lines[..acked as usize].iter().enumerate() {
        assert_eq!(&journal[i].line, l, "acknowledged line {i}");
    }
    // No garbage served: every record is a line we sent, or a file line.
    assert!(journal.iter().all(|r| lines.contains(&r.line)));
}

#[test]
fn ingest_verify_export_and_tamper() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let out = seawarden().args(["ingest", "--data"]).arg(&data).arg(demo("kystverket-2019-08-07.nm4")).arg(demo("dma-2010-06-11.txt")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ingested 9551 lines"), "{err}");
    let out = seawarden().args(["store", "verify", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    for format in ["geojson", "kml", "csv", "parquet"] {
        let file = dir.path().join(format!("tracks.{format}"));
        let out = seawarden().args(["export", "--what", "tracks", "--format", format, "--from", "2019-08-07", "--to", "2019-08-08", "--data"]).arg(&data).arg("--out").arg(&file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.len() > 1000, "{format}: {} bytes", bytes.len());
        match format {
            "geojson" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert!(v["features"].as_array().unwrap().len() > 50);
                assert_eq!(v["features"][0]["properties"]["start"].as_str().unwrap()[..10], *"2019-08-07");
            }
            "kml" => assert!(String::from_utf8_lossy(&bytes).contains("<gx:Track>")),
            "csv" => assert!(String::from_utf8_lossy(&bytes).starts_with("mmsi,time,lat,lon")),
            _ => assert_eq!(&bytes[..4], b"PAR1"),
        }
    }
    let out = seawarden().args(["export", "--what", "alerts", "--format", "csv", "--data"]).arg(&data).arg("--out").arg(dir.path().join("a.csv")).output().unwrap();
    assert!(out.status.success());
    let out = seawarden().args(["export", "--what", "ships", "--format", "csv", "--data"]).arg(&data).arg("--out").arg(dir.path().join("b.csv")).output().unwrap();
    assert!(!out.status.success());

    // Delete a day of the archive: verify names the file.
    let day = data.join("archive/positions/date=2019-08-07");
    let file = std::fs::read_dir(&day).unwrap().next().unwrap().unwrap().path();
    std::fs::remove_file(&file).unwrap();
    let out = seawarden().args(["store", "verify", "--data"]).arg(&data).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains(&*file.file_name().unwrap().to_string_lossy()) && text.contains("missing"), "{text}");
}

#[test]
fn replay_with_data_fills_the_store_and_keeps_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let input = demo("dma-2010-06-11.txt");
    let plain = seawarden().arg("replay").arg(&input).arg("--quiet").output().unwrap();
    assert!(plain.status.success());
    let with = seawarden().arg("replay").arg(&input).arg("--quiet").arg("--data").arg(&data).output().unwrap();
    assert!(with.status.success(), "{}", String::from_utf8_lossy(&with.stderr));
    // The alert stream is unchanged.
    assert_eq!(plain.stdout, with.stdout);
    let ids: std::collections::BTreeSet<String> = String::from_utf8_lossy(&with.stdout).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string()).collect();
    assert!(!ids.is_empty(), "the demo input raises alerts");
    let store = seawarden_store::Store::open(&data).unwrap();
    let lines = std::fs::read(&input).unwrap().split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(store.journal_lines(i64::MIN, i64::MAX).unwrap().len(), lines);
    assert!(store.positions(i64::MIN, i64::MAX, None).unwrap().len() > 1000);
    let stored: std::collections::BTreeSet<String> = store.alerts(&Default::default()).unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(stored, ids);
    assert!(store.verify().unwrap().ok());
    // Re-running the detectors over the stored journal gives the same alerts.
    let rerun = seawarden().args(["store", "rerun", "--from", "2000-01-01", "--to", "2100-01-01", "--data"]).arg(&data).output().unwrap();
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    assert_eq!(rerun.stdout, with.stdout);
}
