//! The wire format carries every observation of real recordings bit for bit,
//! and rejects damaged batches with an error instead of a panic.

use std::path::PathBuf;

use seawarden_bus::{decode_batch, encode_frame, partition_of, Frame, Ingest, Route};

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn frames_of(path: &str, partitions: u32) -> Vec<(Route, Frame)> {
    let mut ingest = Ingest::new(partitions, 60_000);
    let mut out = Vec::new();
    seawarden_pipeline::input::for_each_line_of(path, |l| {
        ingest.feed_line(l, &mut |r, f| out.push((r, f)))
    })
    .unwrap();
    ingest.finish(&mut |r, f| out.push((r, f)));
    out
}

#[test]
fn real_observations_round_trip_exactly() {
    let mut total = 0;
    let mut statics = 0;
    for f in [
        "ais/amsa_risky/exact-earth-augmented.txt",
        "ais/dma_aisabnormal/ais-sample.txt.gz",
        "ais/kystverket_aisnet/Ais1000Lines.nm4",
        "ais/simpleais/sample.ais",
    ] {
        let frames: Vec<Frame> = frames_of(&data(f), 4).into_iter().map(|(_, f)| f).collect();
        assert!(frames.len() > 500, "{f}: {}", frames.len());
        let mut buf = Vec::new();
        seawarden_bus::wire::begin_batch(&mut buf);
        for fr in &frames {
            encode_frame(fr, &mut buf);
        }
        let mut back = Vec::new();
        decode_batch(&buf, |fr| back.push(fr)).unwrap();
        assert_eq!(back, frames, "{f}");
        total += frames.len();
        statics += frames
            .iter()
            .filter(|f| {
                matches!(
                    f,
                    Frame::Obs {
                        obs: seawarden_track::Observation::Static(_),
                        ..
                    }
                )
            })
            .count();
        // Compact: well under the NMEA text it came from.
        let bytes_per_frame = buf.len() as f64 / frames.len() as f64;
        assert!(
            bytes_per_frame < 60.0,
            "{f}: {bytes_per_frame:.1} bytes a frame"
        );
        // Sequence numbers rise by one; the stream opens with a tick and closes with the end.
        assert!(frames.windows(2).all(|w| w[1].seq() == w[0].seq() + 1));
        assert!(
            matches!(frames.first(), Some(Frame::Tick { .. }))
                && matches!(frames.last(), Some(Frame::End { .. }))
        );
    }
    assert!(
        total > 20_000 && statics > 1_000,
        "{total} frames, {statics} static"
    );
}

#[test]
fn damaged_batches_are_errors_not_panics() {
    let frames = frames_of(&data("ais/kystverket_aisnet/Ais1000Lines.nm4"), 1);
    let mut buf = Vec::new();
    seawarden_bus::wire::begin_batch(&mut buf);
    for (_, fr) in frames.iter().take(50) {
        encode_frame(fr, &mut buf);
    }
    // Every truncation either decodes a prefix of the frames and then fails,
    // or ends exactly on a frame boundary.
    for cut in 0..buf.len() {
        let mut n = 0;
        let r = decode_batch(&buf[..cut], |_| n += 1);
        assert!(n <= 50);
        if cut == 0 {
            assert!(r.is_err());
        }
    }
    // Unknown version, unknown tag, and flipped bytes.
    let mut v = buf.clone();
    v[0] = 9;
    assert_eq!(
        decode_batch(&v, |_| {}).unwrap_err().what,
        "unknown version"
    );
    let mut v = buf.clone();
    v[1] = 77;
    assert_eq!(
        decode_batch(&v, |_| {}).unwrap_err().what,
        "unknown frame tag"
    );
    for i in 1..buf.len() {
        let mut v = buf.clone();
        v[i] ^= 0xA5;
        let _ = decode_batch(&v, |_| {});
    }
}

#[test]
fn partitions_spread_ships_evenly_and_route_ticks_everywhere() {
    let frames = frames_of(&data("ais/dma_aisabnormal/ais-sample.txt.gz"), 3);
    let mut ships = [
        std::collections::BTreeSet::new(),
        Default::default(),
        Default::default(),
    ];
    for (route, f) in &frames {
        match (route, f) {
            (Route::Partition(p), Frame::Obs { obs, .. }) => {
                assert_eq!(*p, partition_of(obs.mmsi(), 3));
                ships[*p as usize].insert(obs.mmsi());
            }
            (Route::Every, Frame::Tick { .. } | Frame::End { .. }) => {}
            other => panic!("misrouted {other:?}"),
        }
    }
    let n: Vec<usize> = ships.iter().map(|s| s.len()).collect();
    let total: usize = n.iter().sum();
    assert!(n.iter().all(|&k| k * 5 > total), "uneven: {n:?}");
    // Consecutive MMSIs (one fleet) do not all land together.
    let ps: std::collections::BTreeSet<u32> = (257_000_000..257_000_030)
        .map(|m| partition_of(m, 3))
        .collect();
    assert_eq!(ps.len(), 3);
    // One partition takes everything.
    assert!((0..10_000).all(|m| partition_of(m * 7919, 1) == 0));
}
