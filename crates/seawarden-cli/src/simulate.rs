//! `seawarden simulate`: a scenario in, NMEA traffic and ground truth out.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use seawarden_sim::Scenario;

/// Arguments of `seawarden simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario file (TOML; see docs/evaluation.md).
    #[arg(value_name = "SCENARIO.toml")]
    scenario: String,
    /// Write the traffic here (NMEA with tag blocks, in receive-time order).
    #[arg(long, value_name = "TRAFFIC.nmea")]
    out: String,
    /// Write the injected behaviours here (JSON Lines).
    #[arg(long, value_name = "TRUTH.jsonl")]
    truth: Option<String>,
    /// Random seed (default: the scenario's).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: SimulateArgs) -> Result<ExitCode> {
    let scenario = Scenario::load(&args.scenario)?;
    let sim = scenario.simulate(args.seed.unwrap_or(scenario.seed))?;
    let mut out = BufWriter::new(File::create(&args.out).with_context(|| format!("cannot create {}", args.out))?);
    for line in &sim.lines {
        writeln!(out, "{line}").with_context(|| format!("cannot write {}", args.out))?;
    }
    out.flush().with_context(|| format!("cannot write {}", args.out))?;
    if let Some(path) = &args.truth {
        let f = File::create(path).with_context(|| format!("cannot create {path}"))?;
        seawarden_sim::write_truth(&sim.truth, BufWriter::new(f)).with_context(|| format!("cannot write {path}"))?;
    }
    if !args.quiet {
        eprintln!(
            "{}: {} vessels, {} lines, {} truth events, {:.0} background vessel-hours",
            scenario.name,
            sim.vessels.len(),
            sim.lines.len(),
            sim.truth.len(),
            sim.background_vessel_hours
        );
    }
    Ok(ExitCode::SUCCESS)
}
