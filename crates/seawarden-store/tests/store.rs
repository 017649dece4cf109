//! The store end to end on real AIS files in temporary directories.

use std::fs;
use std::path::{Path, PathBuf};

use seawarden_geo::LatLon;
use seawarden_store::ingest::Ingester;
use seawarden_store::{AlertQuery, Store};

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo/ais")
        .join(name)
}

/// Real lines plus a few bad ones.
fn lines() -> Vec<Vec<u8>> {
    let text = fs::read(demo("kystverket-2019-08-07.nm4")).unwrap();
    let mut v: Vec<Vec<u8>> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    v.insert(10, b"this is not AIS at all".to_vec());
    v.insert(
        20,
        b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*00".to_vec(),
    ); // bad checksum
    v.insert(30, vec![0xff, 0x00, 0xfe]);
    v
}

fn ingest(store: &mut Store, lines: &[Vec<u8>]) -> Ingester {
    let mut ing = Ingester::new();
    for l in lines {
        ing.feed(store, "kystverket", l, 0).unwrap();
    }
    ing.finish();
    ing
}

#[test]
fn round_trip_journal_archive_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines();
    let ing;
    {
        let mut store = Store::open(dir.path()).unwrap();
        ing = ingest(&mut store, &lines);
        let st = ing.stats();
        assert_eq!(st.lines, lines.len() as u64);
        assert!(
            st.rejected_total() + st.non_ais >= 3,
            "bad lines are counted: {st:?}"
        );
        store.close().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    // Every line is in the journal, bad ones included, byte for byte.
    let j = store.journal_lines(i64::MIN, i64::MAX).unwrap();
    assert_eq!(j.len(), lines.len());
    for (a, b) in j.iter().zip(&lines) {
        assert_eq!(&a.line, b);
        assert_eq!(a.source, "kystverket");
    }
    assert!(j.iter().any(|r| r.line == b"this is not AIS at all"));
    // The receive time comes from the tag block.
    assert_eq!(j[0].time_ms, 1_565_218_798_000);

    let all = store.positions(i64::MIN, i64::MAX, None).unwrap();
    assert!(all.len() > 500, "{} positions", all.len());
    assert!(all
        .windows(2)
        .all(|w| (w[0].mmsi, w[0].time_ms) <= (w[1].mmsi, w[1].time_ms)));
    // Decoding the same lines again gives the same positions (exact AIS units).
    let mut dec = seawarden_ais::Decoder::new();
    let mut expected = Vec::new();
    for l in &lines {
        dec.feed(l, &mut |e| {
            if let seawarden_ais::Event::Message(d) = e {
                if let Some(seawarden_track::Observation::Position(p)) =
                    seawarden_track::Observation::from_decoded(d, d.meta.rx_time_ms.unwrap_or(0))
                {
                    expected.push(p);
                }
            }
        });
    }
    assert_eq!(expected.len(), all.len());
    expected.sort_by_key(|p| (p.mmsi, p.time_ms));
    for (e, a) in expected.iter().zip(&all) {
        if e.mmsi != a.mmsi || e.time_ms != a.time_ms {
            continue; // equal keys may sort differently
        }
        assert!(
            (e.lat - a.lat).abs() < 1e-9 && (e.lon - a.lon).abs() < 1e-9,
            "{e:?} vs {a:?}"
        );
    }
    let mut e_sorted: Vec<_> = expected
        .iter()
        .map(|p| {
            (
                p.mmsi,
                p.time_ms,
                (p.lat * 6e5).round() as i64,
                (p.lon * 6e5).round() as i64,
                p.sog.map(|s| (s * 10.0).round() as i32),
                p.heading,
            )
        })
        .collect();
    let mut a_sorted: Vec<_> = all
        .iter()
        .map(|p| {
            (
                p.mmsi,
                p.time_ms,
                (p.lat * 6e5).round() as i64,
                (p.lon * 6e5).round() as i64,
                p.sog.map(|s| (s * 10.0).round() as i32),
                p.heading,
            )
        })
        .collect();
    e_sorted.sort();
    a_sorted.sort();
    assert_eq!(e_sorted, a_sorted);

    // A track is one vessel's positions in time order.
    let busiest = all
        .chunk_by(|a, b| a.mmsi == b.mmsi)
        .max_by_key(|c| c.len())
        .unwrap();
    let track = store.track(busiest[0].mmsi, i64::MIN, i64::MAX).unwrap();
    assert_eq!(track.len(), busiest.len());
    // A bounding box keeps exactly the positions inside it.
    let p = busiest[0];
    let bbox = [p.lon - 0.05, p.lat - 0.05, p.lon + 0.05, p.lat + 0.05];
    let inside = store.positions(i64::MIN, i64::MAX, Some(bbox)).unwrap();
    let brute = all
        .iter()
        .filter(|q| q.lon >= bbox[0] && q.lon <= bbox[2] && q.lat >= bbox[1] && q.lat <= bbox[3])
        .count();
    assert_eq!(inside.len(), brute);
    assert!(brute > 0);
    // Vessels near a point: the busiest vessel's first position is 0 m away.
    let near = store
        .vessels_near(&[LatLon::new(p.lat, p.lon)], 2000.0, i64::MIN, i64::MAX)
        .unwrap();
    assert!(near[0].closest_m < 1.0, "{:?}", near[0]);
    assert!(near.iter().all(|v| v.closest_m <= 2000.0));
    // Time window: nothing before the data.
    assert!(store.positions(0, 1_000_000, None).unwrap().is_empty());
    // Static reports and the vessel table.
    let statics = store.statics(None, i64::MIN, i64::MAX).unwrap();
    assert!(!statics.is_empty());
    let named = statics.iter().find(|s| s.identity.name.is_some()).unwrap();
    let v = store.vessel(named.mmsi).unwrap().unwrap();
    assert!(v.name.is_some());
    assert!(store.vessels().unwrap().len() > 50);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(r.records, lines.len() as u64);
}

#[test]
fn torn_tail_is_cut_and_acknowledged_lines_kept() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines();
    {
        let mut store = Store::open(dir.path()).unwrap();
        for l in &lines[..500] {
            store.append(1000, "a", l).unwrap();
        }
        store.flush().unwrap();
        std::mem::forget(store); // no close: like a kill
    }
    // A half-written block after the acknowledged ones.
    let seg = dir.path().join("journal/00000001.seg");
    let mut bytes = fs::read(&seg).unwrap();
    let good = bytes.len();
    bytes.extend_from_slice(b"SWB1\x00\x10\x00\x00garbage");
    fs::write(&seg, &bytes).unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        // Reading serves only intact blocks.
        assert_eq!(store.journal_lines(i64::MIN, i64::MAX).unwrap().len(), 500);
        let r = store.verify().unwrap();
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains("00000001.seg") && p.contains("torn")),
            "{:?}",
            r.problems
        );
    }
    let mut store = Store::open(dir.path()).unwrap();
    store.append(2000, "b", b"after").unwrap();
    assert_eq!(
        store.recovery().truncated_bytes as usize,
        bytes.len() - good
    );
    store.flush().unwrap();
    assert_eq!(fs::metadata(&seg).unwrap().len() as usize, good);
    let j = store.journal_lines(i64::MIN, i64::MAX).unwrap();
    assert_eq!(j.len(), 501);
    assert_eq!(j[500].line, b"after");
    let r = store.verify().unwrap();
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(r.segments, 2);
}

fn three_segments(dir: &Path) {
    fs::write(dir.join("store.toml"), "segment_bytes = 65536\n").unwrap();
    let lines = lines();
    let mut store = Store::open(dir).unwrap();
    for round in 0..60 {
        for l in &lines {
            store
                .append(1_565_218_798_000 + round * 86_400_000, "x", l)
                .unwrap();
        }
    }
    store.close().unwrap();
    let n = fs::read_dir(dir.join("journal")).unwrap().count();
    assert!(n >= 3, "{n} segments");
}

#[test]
fn tampering_is_detected_and_named() {
    // A flipped byte inside a sealed segment.
    let dir = tempfile::tempdir().unwrap();
    three_segments(dir.path());
    let store = Store::open(dir.path()).unwrap();
    assert!(store.verify().unwrap().ok());
    drop(store);
    let seg = dir.path().join("journal/00000002.seg");
    let mut b = fs::read(&seg).unwrap();
    let i = b.len() / 2;
    b[i] ^= 0x01;
    fs::write(&seg, &b).unwrap();
    let r = Store::open(dir.path()).unwrap().verify().unwrap();
    assert!(!r.ok());
    assert!(
        r.problems.iter().any(|p| p.contains("00000002.seg")),
        "{:?}",
        r.problems
    );

    // A removed segment in the middle, and the newest sealed one.
    let dir = tempfile::tempdir().unwrap();
    three_segments(dir.path());
    fs::remove_file(dir.path().join("journal/00000002.seg")).unwrap();
    let r = Store::open(dir.path()).unwrap().verify().unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("00000002.seg is missing")),
        "{:?}",
        r.problems
    );

    // A segment rewritten consistently (CRCs recomputed) still breaks the chain.
    let dir = tempfile::tempdir().unwrap();
    three_segments(dir.path());
    let seg = dir.path().join("journal/00000001.seg");
    let mut b = fs::read(&seg).unwrap();
    b.truncate(b.len() - 1); // drop the last byte: the last block is torn
    fs::write(&seg, &b).unwrap();
    let r = Store::open(dir.path()).unwrap().verify().unwrap();
    assert!(
        r.problems.iter().any(|p| p.contains("00000001.seg")),
        "{:?}",
        r.problems
    );
}

#[test]
fn altered_archive_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        ingest(&mut store, &lines());
        store.close().unwrap();
    }
    let file = walk(&dir.path().join("archive/positions"))
        .into_iter()
        .next()
        .unwrap();
    let mut b = fs::read(&file).unwrap();
    b[100] ^= 0x55;
    fs::write(&file, &b).unwrap();
    let r = Store::open(dir.path()).unwrap().verify().unwrap();
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains(&name) && p.contains("altered")),
        "{:?}",
        r.problems
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn retention_removes_old_data_and_the_chain_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    three_segments(dir.path());
    let mut store = Store::open(dir.path()).unwrap();
    let mut c = store.config().clone();
    c.retention_days = 10;
    store.set_config(c).unwrap();
    let last = 1_565_218_798_000 + 59 * 86_400_000;
    let before = store.journal_lines(i64::MIN, i64::MAX).unwrap().len();
    let rep = store.apply_retention(last).unwrap();
    assert!(rep.segments_removed >= 1, "{rep:?}");
    let after = store.journal_lines(i64::MIN, i64::MAX).unwrap();
    assert!(after.len() < before);
    // Whatever was inside the retention window is still there.
    let cutoff = last - 10 * 86_400_000;
    assert_eq!(
        after.iter().filter(|r| r.time_ms >= cutoff).count(),
        11 * lines().len()
    );
    let r = store.verify().unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn alerts_investigations_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let id = store
        .create_investigation(
            "Cable fault 2019-08-07",
            "who was near the cable",
            "{\"bbox\":[10,59,11,60]}",
        )
        .unwrap();
    let n = store
        .add_note(id, "analyst", "AIS gap of 3 h before the fault")
        .unwrap();
    assert!(n > 0);
    assert!(store.add_note(id + 100, "analyst", "nothing").is_err());
    assert_eq!(
        store.notes(id).unwrap()[0].text,
        "AIS gap of 3 h before the fault"
    );
    assert!(store.set_investigation_status(id, "closed").unwrap());
    assert_eq!(store.investigation(id).unwrap().unwrap().status, "closed");
    assert!(store.alerts(&AlertQuery::default()).unwrap().is_empty());
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("store.toml"), "retention_days = many\n").unwrap();
    let e = Store::open(dir.path()).err().unwrap();
    assert!(e.to_string().contains("retention_days"), "{e}");
}

#[test]
fn archive_rebuilt_from_the_journal_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines();
    let expected = {
        let mut store = Store::open(dir.path()).unwrap();
        ingest(&mut store, &lines);
        store.flush_archive().unwrap();
        let p = store.positions(i64::MIN, i64::MAX, None).unwrap();
        // A crash: journal acknowledged, archive buffer lost.
        ingest(&mut store, &lines[..300]);
        store.flush().unwrap();
        std::mem::forget(store);
        p.len()
    };
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.positions(i64::MIN, i64::MAX, None).unwrap().len(),
        expected
    );
    let n = store.rebuild_archive().unwrap();
    assert_eq!(n as usize, lines.len() + 300);
    let after = store.positions(i64::MIN, i64::MAX, None).unwrap();
    assert!(
        after.len() > expected,
        "the lost positions are back: {} vs {expected}",
        after.len()
    );
    let again: usize = {
        let mut fresh = Store::open(tempfile::tempdir().unwrap().path()).unwrap();
        let mut all = lines.clone();
        all.extend_from_slice(&lines[..300]);
        ingest(&mut fresh, &all);
        fresh.positions(i64::MIN, i64::MAX, None).unwrap().len()
    };
    assert_eq!(after.len(), again);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn a_time_window_reads_only_the_blocks_that_overlap_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Ten blocks of 100 lines, one minute apart each, as a live server
    // writes them (one block per flushed batch).
    let t0 = 1_700_000_000_000i64;
    for i in 0..1000i64 {
        let line = format!("line {i}");
        store.append(t0 + i * 600, "live", line.as_bytes()).unwrap();
        if i % 100 == 99 {
            store.flush().unwrap();
        }
    }
    store.close().unwrap();
    let jdir = dir.path().join("journal");
    let (from, to) = (t0 + 250 * 600, t0 + 420 * 600);
    let mut got = Vec::new();
    let w = seawarden_store::journal::read_window(&jdir, from, to, |t, src, line| {
        assert_eq!(src, "live");
        got.push((t, String::from_utf8(line.to_vec()).unwrap()));
    })
    .unwrap();
    let want: Vec<(i64, String)> = (250..420).map(|i| (t0 + i * 600, format!("line {i}"))).collect();
    assert_eq!(got, want);
    assert_eq!(w.records, 170);
    assert_eq!(w.segments.len(), 1);
    let s = &w.segments[0];
    assert_eq!((s.blocks_read, s.blocks_skipped), (3, 7), "blocks 2 to 4 hold the window");
    // The chain of custody: the bytes read are those three blocks as on disk.
    assert!(s.bytes_read > 0 && s.bytes_read < fs::metadata(&s.path).unwrap().len() / 2);
    assert_eq!(
        seawarden_store::journal::newest_time(&jdir).unwrap(),
        Some(t0 + 999 * 600)
    );
    // The whole journal, for comparison: every block read.
    let all = seawarden_store::journal::read_window(&jdir, i64::MIN, i64::MAX, |_, _, _| {}).unwrap();
    assert_eq!((all.records, all.segments[0].blocks_read), (1000, 10));
    // Alert events and review actions kept for the live service.
    let mut store = Store::open(dir.path()).unwrap();
    store
        .record_alert_action(&seawarden_store::AlertAction {
            id: "a1".into(),
            action: "comment".into(),
            author: "ana".into(),
            time_ms: t0,
            text: Some("seen".into()),
        })
        .unwrap();
    assert_eq!(store.alert_actions().unwrap()[0].text.as_deref(), Some("seen"));
    assert!(store.alert_events().unwrap().is_empty());
}
