//! Validation on reconstructed incidents (the simulator's scenarios in
//! `scenarios/`, realistic background traffic included): the culprit ranks
//! first where the public record says it damaged the cable, and the ship
//! later judged an accident scores clearly lower.

use std::path::{Path, PathBuf};

use seawarden_investigate::*;
use seawarden_registry::{Ports, Watchlist};
use seawarden_sim::Scenario;

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
}

struct Case {
    inv: Investigation,
    culprit: u32,
    html: String,
}

/// Simulates the scenario, and investigates the lines its scripted
/// incident damaged, over the incident's time plus an hour either side,
/// exactly as an investigator would with the AIS received.
///
/// The traffic is simulated for at least 12 hours: an investigation runs
/// after the fact, with the AIS received until then, and a ship that went
/// dark over the cable (Yi Peng 3, 7 kn in the dark from 11:17 UTC) has
/// reappeared by then. A scenario that ends while the culprit is still dark
/// holds no crossing to find.
fn investigate_scenario(name: &str) -> Case {
    let mut scenario = Scenario::load(scenario_path(name)).unwrap();
    scenario.duration_h = scenario.duration_h.max(12.0);
    let sim = scenario.simulate(scenario.seed).unwrap();
    let event = sim
        .truth
        .iter()
        .find(|t| !t.infrastructure.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{name}: no truth event names a damaged line: {:?}",
                sim.truth
            )
        });
    let culprit = event.mmsis[0];
    let query = Query {
        from_ms: event.start_ms() - 3_600_000,
        to_ms: event.end_ms() + 3_600_000,
        fault: None,
    };
    let spec = scenario.world_spec();
    let target = Target::load(&spec.infra, &event.infrastructure, None, None).unwrap();

    let mut tracks = TrackBuilder::new(i64::MIN, i64::MAX);
    for line in &sim.lines {
        tracks.feed(line.as_bytes());
    }
    let (positions, statics) = tracks.finish();
    let ports = Ports::north_europe();
    let watchlist = Watchlist::load_all(&spec.watchlist).unwrap();
    let ctx = Context {
        ports: Some(&ports),
        watchlist: Some(&watchlist),
        alerts: &[],
    };
    let inv = investigate(
        &target,
        &query,
        &positions,
        &statics,
        ctx,
        &Params::default(),
    );
    let custody = Custody {
        tool: "test".into(),
        ..Custody::default()
    };
    let html = render_html(&ReportInput {
        target: &target,
        query: &query,
        investigation: &inv,
        custody: &custody,
        land: &[],
        top: 10,
    });
    eprintln!(
        "{name}: {} suspects among {} ships; lines {:?}",
        inv.suspects.len(),
        inv.ships,
        event.infrastructure
    );
    for s in inv.suspects.iter().take(6) {
        let top: Vec<String> = s
            .reasons
            .iter()
            .filter(|r| r.points > 0.0)
            .map(|r| format!("{} {}", r.factor, r.points))
            .collect();
        eprintln!(
            "  #{} {} {:?} {:.1} crossings {} [{}]",
            s.rank,
            s.mmsi,
            s.name,
            s.score,
            s.crossings.len(),
            top.join(", ")
        );
    }
    // INVESTIGATE_DUMP=DIR keeps the traffic, the JSON and the report for a look.
    if let Ok(dir) = std::env::var("INVESTIGATE_DUMP") {
        std::fs::write(format!("{dir}/{name}.json"), to_json(&inv.suspects)).unwrap();
        std::fs::write(format!("{dir}/{name}.html"), &html).unwrap();
        std::fs::write(format!("{dir}/{name}.nmea"), sim.lines.join("\n") + "\n").unwrap();
    }
    Case { inv, culprit, html }
}

fn score_of(c: &Case) -> f64 {
    c.inv
        .suspects
        .iter()
        .find(|s| s.mmsi == c.culprit)
        .map_or(0.0, |s| s.score)
}

#[test]
fn incidents_rank_the_culprit_first_and_the_accident_lower() {
    let eagle = investigate_scenario("eagle_s.toml");
    assert_eq!(
        eagle.inv.suspects[0].mmsi, eagle.culprit,
        "Eagle S ranks first"
    );
    assert!(eagle.inv.suspects.len() > 1, "other ships crossed too");
    let s = &eagle.inv.suspects[0];
    assert!(s.crossings.iter().all(|c| !c.inferred_dark), "AIS was on");
    assert!(s
        .reasons
        .iter()
        .any(|r| r.factor == "anchor_drag" && r.points > 0.0));
    assert!(eagle.html.contains("EAGLE S"));

    let yi_peng = investigate_scenario("yi_peng_3.toml");
    assert_eq!(
        yi_peng.inv.suspects[0].mmsi, yi_peng.culprit,
        "Yi Peng 3 ranks first"
    );
    assert!(
        yi_peng.inv.suspects[0]
            .crossings
            .iter()
            .any(|c| c.inferred_dark),
        "crossed with AIS off"
    );

    let vezhen = investigate_scenario("vezhen.toml");
    let v = score_of(&vezhen);
    assert!(v > 0.0, "Vezhen is a suspect");
    let (e, y) = (score_of(&eagle), score_of(&yi_peng));
    assert!(
        v < 0.5 * e && v < 0.5 * y,
        "Vezhen {v} against Eagle S {e} and Yi Peng 3 {y}"
    );
}
