//! `seawarden evaluate`: detection quality against ground truth, from files
//! or by simulating and replaying scenarios in one go.

use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use seawarden_detect::Config;
use seawarden_sim::{evaluate_with, read_alerts, read_truth, Report, Scenario};

/// Output format of `seawarden evaluate`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// JSON for machines.
    Json,
}

/// Arguments of `seawarden evaluate`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// Scenarios to simulate, replay and score (TOML).
    #[arg(value_name = "SCENARIO.toml")]
    scenarios: Vec<String>,
    /// Truth file (JSON Lines from `seawarden simulate --truth`).
    #[arg(long, value_name = "TRUTH.jsonl", requires = "alerts")]
    truth: Option<String>,
    /// Alerts file (JSON Lines from `seawarden replay --alerts`).
    #[arg(long, value_name = "ALERTS.jsonl", requires = "truth")]
    alerts: Option<String>,
    /// Background vessel-hours, for false alerts per 1,000 vessel-hours when
    /// scoring files.
    #[arg(long, value_name = "HOURS")]
    vessel_hours: Option<f64>,
    /// Detector thresholds (TOML; see docs/alerts.md).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Seed for every scenario (default: each scenario's own).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// How far outside a behaviour an alert may lie and still match, minutes.
    #[arg(long, default_value_t = 15, value_name = "MINUTES")]
    tolerance_min: i64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs the command.
pub fn run(args: EvaluateArgs) -> Result<ExitCode> {
    let tolerance_ms = args.tolerance_min * 60_000;
    let report = match (&args.truth, &args.alerts) {
        (Some(truth), Some(alerts)) => {
            if !args.scenarios.is_empty() {
                bail!("give either scenarios or --truth and --alerts, not both");
            }
            let t = read_truth(BufReader::new(File::open(truth).with_context(|| format!("cannot open {truth}"))?)).with_context(|| format!("cannot read {truth}"))?;
            let a = read_alerts(BufReader::new(File::open(alerts).with_context(|| format!("cannot open {alerts}"))?)).with_context(|| format!("cannot read {alerts}"))?;
            evaluate_with(&t, &a, args.vessel_hours.unwrap_or(0.0), tolerance_ms, "")
        }
        _ => {
            if args.scenarios.is_empty() {
                bail!("nothing to evaluate: give SCENARIO.toml files, or --truth and --alerts");
            }
            let config = match &args.config {
                Some(path) => {
                    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
                    Config::from_toml(&text).with_context(|| format!("invalid configuration in {path}"))?
                }
                None => Config::default(),
            };
            let mut report = Report::default();
            for path in &args.scenarios {
                let scenario = Scenario::load(path)?;
                let seed = args.seed.unwrap_or(scenario.seed);
                let sim = scenario.simulate(seed)?;
                let alerts = seawarden_sim::replay(&scenario, &sim.lines, &config)?;
                let lines: Vec<_> = alerts.iter().map(seawarden_sim::AlertLine::from).collect();
                let r = evaluate_with(&sim.truth, &lines, sim.background_vessel_hours, tolerance_ms, &scenario.name);
                eprintln!(
                    "{}: {} vessels, {} lines, {} truth events, {} alert episodes",
                    scenario.name,
                    sim.vessels.len(),
                    sim.lines.len(),
                    sim.truth.len(),
                    r.total.alerts
                );
                report.merge(r);
            }
            report
        }
    };
    match args.format {
        Format::Table => print!("{}", report.table()),
        Format::Json => println!("{}", report.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}
