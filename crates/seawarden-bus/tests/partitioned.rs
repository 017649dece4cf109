//! Without a bus: ingest's frames routed by hand to N in-process workers
//! (ship partitions and the area stage) give the single node's alert events
//! for N = 1, 2 and 5, for one streamed input and for several inputs merged
//! by time (the two ways `replay` reads).

use std::collections::BTreeMap;
use std::path::PathBuf;

use seawarden_bus::{Frame, Ingest, Route, Stage, Worker};
use seawarden_detect::EmptyWorld;
use seawarden_pipeline::Pipeline;
use seawarden_track::Observation;

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn counts(v: Vec<String>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for l in v {
        *m.entry(l).or_insert(0) += 1;
    }
    m
}

/// Episodes close after two idle minutes, at the once-a-minute checks: the
/// ship workers' end events then depend on running those checks at the
/// single node's instants.
fn config() -> seawarden_detect::Config {
    let mut c = seawarden_detect::Config::default();
    c.general.episode_idle_close_s = 120;
    c
}

fn single_node(inputs: &[String]) -> Vec<String> {
    let mut p = Pipeline::new(EmptyWorld, config(), 60_000);
    let mut out = Vec::new();
    if let [path] = inputs {
        seawarden_pipeline::input::for_each_line_of(path, |l| p.feed_line(l, &mut |_| {})).unwrap();
    } else {
        let mut all: Vec<Observation> = Vec::new();
        for path in inputs {
            p.begin_input();
            seawarden_pipeline::input::for_each_line_of(path, |l| {
                p.decode_line(l, &mut |o| all.push(o))
            })
            .unwrap();
        }
        all.sort_by_key(Observation::time_ms);
        for o in &all {
            p.observe(o);
        }
    }
    p.finish(&mut |_| {});
    out.extend(p.drain_alerts().iter().map(|a| a.to_json()));
    out
}

fn frames(inputs: &[String], partitions: u32) -> Vec<(Route, Frame)> {
    let mut ingest = Ingest::new(partitions, 60_000);
    let mut out = Vec::new();
    if let [path] = inputs {
        seawarden_pipeline::input::for_each_line_of(path, |l| {
            ingest.feed_line(l, &mut |r, f| out.push((r, f)))
        })
        .unwrap();
    } else {
        let mut all = Vec::new();
        for path in inputs {
            ingest.begin_input();
            seawarden_pipeline::input::for_each_line_of(path, |l| {
                ingest.decode_line(l, &mut |o| all.push(o))
            })
            .unwrap();
        }
        all.sort_by_key(Observation::time_ms);
        for o in all {
            ingest.send(o, &mut |r, f| out.push((r, f)));
        }
    }
    ingest.finish(&mut |r, f| out.push((r, f)));
    out
}

fn cluster(inputs: &[String], partitions: u32) -> Vec<String> {
    let frames = frames(inputs, partitions);
    let mut out = Vec::new();
    let mut area = Worker::new(EmptyWorld, config(), Stage::Area);
    for (_, f) in &frames {
        area.handle(f.clone(), &mut |p| out.push(p.alert.to_json()));
    }
    assert!(area.ended());
    for partition in 0..partitions {
        let mut w = Worker::new(
            EmptyWorld,
            config(),
            Stage::Ship {
                partition,
                partitions,
            },
        );
        for (r, f) in &frames {
            if *r == Route::Every || *r == Route::Partition(partition) {
                w.handle(f.clone(), &mut |p| out.push(p.alert.to_json()));
            }
        }
        assert!(w.ended());
    }
    out
}

#[test]
fn any_number_of_partitions_equals_a_single_node() {
    let cases: Vec<Vec<String>> = vec![
        vec![data("ais/amsa_risky/ais.txt.gz")],
        vec![
            data("ais/amsa_risky/exact-earth-augmented.txt"),
            data("ais/simpleais/sample.ais"),
            data("ais/dma_aisabnormal/ais-sample.txt.gz"),
        ],
    ];
    for inputs in cases {
        let want = counts(single_node(&inputs));
        assert!(want.len() > 20, "{inputs:?}: {}", want.len());
        for n in [1, 2, 5] {
            assert_eq!(
                counts(cluster(&inputs, n)),
                want,
                "{inputs:?} with {n} partitions"
            );
        }
    }
}
