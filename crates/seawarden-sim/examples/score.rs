//! Simulates, replays and scores scenarios, printing the table and timings:
//! `cargo run --release -p seawarden-sim --example score -- scenarios/*.toml`.
//! `SEED=N` replaces each scenario's seed; `CONFIG=FILE` is a detector
//! configuration (TOML, as `--config`) instead of the defaults.

fn main() -> anyhow::Result<()> {
    let mut report = seawarden_sim::Report::default();
    let config = match std::env::var_os("CONFIG") {
        Some(path) => seawarden_detect::Config::from_toml(&std::fs::read_to_string(path)?)?,
        None => seawarden_detect::Config::default(),
    };
    for path in std::env::args().skip(1) {
        let sc = seawarden_sim::Scenario::load(&path)?;
        let t = std::time::Instant::now();
        let seed = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(sc.seed);
        let sim = sc.simulate(seed)?;
        let t_sim = t.elapsed().as_secs_f64();
        let alerts = seawarden_sim::replay(&sc, &sim.lines, &config)?;
        let t_all = t.elapsed().as_secs_f64();
        let lines: Vec<_> = alerts.iter().map(seawarden_sim::AlertLine::from).collect();
        let r = seawarden_sim::evaluate_with(
            &sim.truth,
            &lines,
            sim.background_vessel_hours,
            seawarden_sim::evaluate::DEFAULT_TOLERANCE_MS,
            &sc.name,
        );
        eprintln!(
            "{}: {} vessels, {} lines, {} truth, simulate {t_sim:.2} s, replay {:.2} s",
            sc.name,
            sim.vessels.len(),
            sim.lines.len(),
            sim.truth.len(),
            t_all - t_sim
        );
        if std::env::var_os("SHOW_TRUTH").is_some() {
            for t in &sim.truth {
                eprintln!("  truth {}", serde_json::to_string(t).unwrap_or_default());
            }
        }
        if std::env::var_os("SHOW_ALERTS").is_some() {
            for a in &alerts {
                if a.event == "start" {
                    eprintln!(
                        "  {} {} {} {} ({:.3}, {:.3}) {}",
                        a.kind.as_str(),
                        a.mmsi,
                        a.start,
                        a.end,
                        a.lat,
                        a.lon,
                        a.summary
                    );
                    if std::env::var_os("SHOW_EVIDENCE").is_some() {
                        eprintln!(
                            "    {}",
                            serde_json::to_string(&a.evidence).unwrap_or_default()
                        );
                    }
                }
            }
        }
        report.merge(r);
    }
    print!("{}", report.table());
    Ok(())
}
