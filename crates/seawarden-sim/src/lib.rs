//! # seawarden-sim
//!
//! Measured detection quality for Seawarden: a seeded, deterministic AIS
//! traffic simulator, the scenario format of the library in `scenarios/`,
//! and the scorer behind `seawarden evaluate`.
//!
//! A [`Scenario`] (TOML) names its world (cables, pipelines, zones and
//! watchlists as GeoJSON and CSV, relative to the scenario file), its
//! receivers, its background traffic (shipping lanes, ferries, fishing
//! grounds, anchorages) and scripted vessels whose legs carry the ground
//! truth. [`Scenario::simulate`] turns it into NMEA lines as a shore network
//! delivers them (tag blocks with station and receive time, several
//! receivers, ITU-R M.1371-5 reporting intervals, static data every six
//! minutes, GNSS noise, lost, corrupt and duplicated lines) and a list of
//! [`TruthEvent`]s. [`run_scenario`] replays the lines through
//! [`seawarden_pipeline::Pipeline`] and [`evaluate()`] scores the alerts.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let scenario = seawarden_sim::Scenario::load("scenarios/eagle_s.toml")?;
//! let run = seawarden_sim::run_scenario(&scenario, scenario.seed, &seawarden_detect::Config::default())?;
//! print!("{}", run.report.table());
//! # Ok(()) }
//! ```
//!
//! [`traffic`] builds small hand-made traffic for tests and benchmarks (a
//! ship that changes its identity).
//!
//! Determinism: everything random comes from one seeded xorshift generator
//! per stage; nothing reads the clock, so a scenario and a seed give the same
//! lines, truth and alerts byte for byte.
#![warn(missing_docs)]

pub mod evaluate;
pub mod scenario;
mod sim;
pub mod traffic;
pub mod truth;

use anyhow::Result;
use seawarden_detect::{Alert, Config};
use seawarden_pipeline::{GeoWorld, Pipeline};

pub use evaluate::{evaluate, evaluate_with, read_alerts, AlertLine, KindScore, Report};
pub use scenario::{parse_rfc3339, Scenario};
pub use sim::{reporting_interval_ms, Simulation, VesselSummary};
pub use truth::{read_truth, write_truth, TruthEvent};

/// A scenario simulated, replayed and scored.
#[derive(Debug)]
pub struct ScenarioRun {
    /// The simulated traffic and its truth.
    pub simulation: Simulation,
    /// Every alert event the pipeline raised, in order.
    pub alerts: Vec<Alert>,
    /// The score.
    pub report: Report,
}

/// Replays lines through a pipeline over the scenario's world; returns the
/// alert events.
///
/// # Errors
/// When the world files cannot be loaded.
pub fn replay(scenario: &Scenario, lines: &[String], config: &Config) -> Result<Vec<Alert>> {
    let world = GeoWorld::load(&scenario.world_spec())?;
    let mut pipeline: Pipeline<GeoWorld> = Pipeline::new(world, config.clone(), 60_000);
    let mut alerts = Vec::new();
    for line in lines {
        pipeline.feed_line(line.as_bytes(), &mut |_| {});
        alerts.extend(pipeline.drain_alerts());
    }
    pipeline.finish(&mut |_| {});
    alerts.extend(pipeline.drain_alerts());
    Ok(alerts)
}

/// Simulates `scenario` with `seed`, replays it in-process and scores the
/// alerts against the truth.
///
/// # Errors
/// When the world files cannot be loaded.
pub fn run_scenario(scenario: &Scenario, seed: u64, config: &Config) -> Result<ScenarioRun> {
    let simulation = scenario.simulate(seed)?;
    let alerts = replay(scenario, &simulation.lines, config)?;
    let lines: Vec<AlertLine> = alerts.iter().map(AlertLine::from).collect();
    let report = evaluate_with(
        &simulation.truth,
        &lines,
        simulation.background_vessel_hours,
        evaluate::DEFAULT_TOLERANCE_MS,
        &scenario.name,
    );
    Ok(ScenarioRun {
        simulation,
        alerts,
        report,
    })
}
