//! `seawarden replay`: AIS files in, alert episodes out, as fast as possible,
//! in receive-time order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use seawarden_ais::{Decoder, Event};
use seawarden_detect::{AlertKind, Config, Engine};
use seawarden_track::{Observation, Reorder};

use crate::input;
use crate::world::{GeoWorld, WorldArgs};

/// Arguments of `seawarden replay`.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// AIS input files (plain or gzip), in any of the formats `decode` reads.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<String>,
    /// Where the world is: infrastructure, zones, watchlists, ports, land.
    #[command(flatten)]
    world: WorldArgs,
    /// Detector thresholds (TOML; see `docs/alerts.md`).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Write alert events here (JSON Lines); default: stdout.
    #[arg(long, value_name = "OUT.jsonl")]
    alerts: Option<String>,
    /// Receive-time reordering window across receivers, seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    reorder_window_s: i64,
    /// Print no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: ReplayArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
            Config::from_toml(&text).with_context(|| format!("invalid configuration in {path}"))?
        }
        None => Config::default(),
    };
    let world = GeoWorld::load(&args.world)?;
    let loaded = started.elapsed().as_secs_f64();
    let mut out: Box<dyn Write> = match &args.alerts {
        Some(path) => Box::new(BufWriter::new(File::create(path).with_context(|| format!("cannot create {path}"))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut engine = Engine::new(world, config);
    let mut counts = [0u64; AlertKind::ALL.len()];
    let mut write_error: Option<io::Error> = None;
    let mut emit = |engine: &mut Engine<GeoWorld>| {
        for a in engine.drain_alerts() {
            if a.event == "start" {
                counts[AlertKind::ALL.iter().position(|k| *k == a.kind).unwrap_or(0)] += 1;
            }
            if write_error.is_none() {
                if let Err(e) = writeln!(out, "{}", a.to_json()) {
                    write_error = Some(e);
                }
            }
        }
    };

    let decode_started = Instant::now();
    let mut reorder: Reorder<Observation> = Reorder::new(args.reorder_window_s * 1000);
    let mut decoder = Decoder::new();
    let mut untimed = 0u64;
    let mut timed = 0u64;
    let mut failed_inputs = 0;
    // Several inputs may cover the same period: their observations are merged
    // by time. One input is streamed.
    let mut collected: Vec<Observation> = Vec::new();
    let stream = args.inputs.len() == 1;
    for path in &args.inputs {
        let mut last_time: Option<i64> = None;
        let mut on_obs = |o: Observation, engine: &mut Engine<GeoWorld>, reorder: &mut Reorder<Observation>| {
            if stream {
                reorder.push(o.time_ms(), o, |_, o| engine.observe(&o));
            } else {
                collected.push(o);
            }
        };
        let result = input::for_each_line_of(path, |line| {
            decoder.feed(line, &mut |e| {
                if let Event::Message(d) = e {
                    let Some(t) = d.meta.rx_time_ms.or(last_time) else {
                        untimed += 1;
                        return;
                    };
                    last_time = Some(t);
                    timed += 1;
                    if let Some(o) = Observation::from_decoded(d, t) {
                        on_obs(o, &mut engine, &mut reorder);
                    }
                    if let Some(s) = Observation::extended_b_static(d, t) {
                        on_obs(Observation::Static(s), &mut engine, &mut reorder);
                    }
                }
            });
            if stream {
                emit(&mut engine);
            }
        });
        if let Err(e) = result {
            eprintln!("seawarden: {e:#}");
            failed_inputs += 1;
        }
    }
    decoder.finish(&mut |_| {});
    if !stream {
        collected.sort_by_key(Observation::time_ms);
        for o in &collected {
            engine.observe(o);
            emit(&mut engine);
        }
    }
    reorder.flush(|_, o| engine.observe(&o));
    engine.finish();
    emit(&mut engine);
    if let Some(e) = write_error {
        return Err(e).context("cannot write alerts");
    }
    out.flush().context("cannot write alerts")?;
    if timed == 0 && untimed > 0 {
        bail!("the input has no receive times (no tag blocks, $PGHP headers or timestamps): replay needs them to judge durations");
    }

    if !args.quiet {
        let secs = decode_started.elapsed().as_secs_f64();
        let s = decoder.stats();
        let vessels = engine.tracker().len();
        let t = engine.tracker().stats();
        eprintln!(
            "replayed {} messages ({} lines, {} rejected) from {} input(s) in {:.2} s: {:.2} M messages/s; world loaded in {:.2} s",
            s.messages(),
            s.lines,
            s.rejected_total(),
            args.inputs.len(),
            secs,
            s.messages() as f64 / secs.max(1e-9) / 1e6,
            loaded
        );
        eprintln!(
            "vessels {vessels}, positions applied {}, duplicates across receivers {}, out of order {}, on land {}, untimed {untimed}, late after reordering {}",
            t.applied,
            t.duplicates,
            t.out_of_order,
            t.on_land,
            reorder.late()
        );
        let by_kind: Vec<String> = AlertKind::ALL.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(k, n)| format!("{} {n}", k.as_str())).collect();
        eprintln!("alerts {}: {}", counts.iter().sum::<u64>(), if by_kind.is_empty() { "none".to_string() } else { by_kind.join(", ") });
    }
    // Freeing millions of small allocations one by one at exit takes longer
    // than the process teardown that frees them at once.
    std::mem::forget(engine);
    Ok(if failed_inputs > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
