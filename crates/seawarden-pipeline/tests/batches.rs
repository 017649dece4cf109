//! `Pipeline::feed_lines` runs the pipeline's stages over batches of
//! observations (decoding a batch, then tracking and the detectors for it)
//! instead of one message at a time. That must change nothing: real Danish
//! and Norwegian logs are replayed line by line with `feed_line`, and in
//! blocks of many sizes with `feed_lines`, and the engine must see the same
//! observations in the same order and raise the same alerts.

use seawarden_detect::Config;
use seawarden_pipeline::input::{for_each_block_of, for_each_chunk, for_each_line_of};
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};
use seawarden_track::Observation;

const DATA: &str = "../../../shared/data";

/// What a replay produced: every observation in the order the engine got
/// it, the alerts as JSON Lines, and the decoder's and tracker's counts.
#[derive(Debug, PartialEq)]
struct Replayed {
    observations: Vec<Observation>,
    alerts: Vec<String>,
    timed_untimed: (u64, u64),
    messages: u64,
    applied: u64,
}

/// Replays `files`, each line by line (`chunk` is `None`) or in blocks of
/// up to `chunk` bytes.
fn replay(world: &GeoWorld, files: &[&str], chunk: Option<usize>) -> Replayed {
    let mut p = Pipeline::new(world, Config::default(), 60_000);
    let mut observations = Vec::new();
    let mut alerts = Vec::new();
    for f in files {
        p.begin_input();
        match chunk {
            None => for_each_line_of(f, |line| {
                p.feed_line(line, &mut |o| observations.push(*o));
                alerts.extend(p.drain_alerts().iter().map(|a| a.to_json()));
            }),
            Some(n) => for_each_block_of(f, |block| {
                for_each_chunk(block, n, |piece| {
                    p.feed_lines(piece, &mut |o| observations.push(*o));
                    alerts.extend(p.drain_alerts().iter().map(|a| a.to_json()));
                })
            }),
        }
        .unwrap();
    }
    p.finish(&mut |o| observations.push(*o));
    alerts.extend(p.drain_alerts().iter().map(|a| a.to_json()));
    Replayed { observations, alerts, timed_untimed: p.timed_untimed(), messages: p.decoder_stats().messages(), applied: p.engine().tracker().stats().applied }
}

#[test]
fn batches_change_nothing() {
    let spec = WorldSpec {
        infra: vec![format!("{DATA}/infrastructure/telegeography/cable-geo.json"), format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson")],
        zones: vec![format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson")],
        ..WorldSpec::default()
    };
    let world = GeoWorld::load(&spec).unwrap();
    // The demo logs (tag blocks; `$PGHP` headers before each sentence) and a
    // gzip log read through the buffered path.
    let files = ["../../demo/ais/kystverket-2019-08-07.nm4", "../../demo/ais/dma-2010-06-11.txt", &format!("{DATA}/ais/dma_aisabnormal/ais-sample.txt.gz")];
    let want = replay(&world, &files, None);
    assert!(want.observations.len() > 10_000, "{} observations", want.observations.len());
    assert!(want.alerts.len() > 10, "the logs raise alerts: {}", want.alerts.len());
    // A byte at a time (every line its own block), a few lines, a few
    // batches, and whole files.
    for chunk in [1, 300, 20_000, 64 << 10, usize::MAX] {
        let got = replay(&world, &files, Some(chunk));
        assert_eq!(got.timed_untimed, want.timed_untimed, "blocks of {chunk} bytes");
        assert_eq!((got.messages, got.applied), (want.messages, want.applied), "blocks of {chunk} bytes");
        assert_eq!(got.observations.len(), want.observations.len(), "blocks of {chunk} bytes");
        assert!(got.observations == want.observations, "blocks of {chunk} bytes: the engine saw other observations or another order");
        assert_eq!(got.alerts, want.alerts, "blocks of {chunk} bytes");
    }
}
