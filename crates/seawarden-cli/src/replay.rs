//! `seawarden replay`: AIS files in, alert episodes out, as fast as possible,
//! in receive-time order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use seawarden_detect::{AlertKind, Config};
use seawarden_pipeline::{input, GeoWorld, Pipeline};
use seawarden_track::Observation;

use crate::world_args::WorldArgs;

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
    /// Also fill the store in DIR: every line into its journal, positions
    /// and static reports into its archive, alerts into its database.
    #[arg(long, value_name = "DIR")]
    data: Option<String>,
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
    let world = GeoWorld::load(&args.world.spec())?;
    let loaded = started.elapsed().as_secs_f64();
    let mut out: Box<dyn Write> = match &args.alerts {
        Some(path) => Box::new(BufWriter::new(File::create(path).with_context(|| format!("cannot create {path}"))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut pipeline = Pipeline::new(world, config, args.reorder_window_s * 1000);
    let mut rec = args.data.as_deref().map(crate::store_cmd::ReplayRecorder::open).transpose()?;
    let mut counts = [0u64; AlertKind::ALL.len()];
    let mut write_error: Option<io::Error> = None;
    let mut emit = |pipeline: &mut Pipeline, rec: &mut Option<crate::store_cmd::ReplayRecorder>| {
        for a in pipeline.drain_alerts() {
            if let Some(r) = rec.as_mut() {
                r.alert(&a);
            }
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
    let mut failed_inputs = 0;
    if let [path] = args.inputs.as_slice() {
        // One input is streamed through the reordering window.
        if let Some(r) = rec.as_mut() {
            r.begin_input(path);
        }
        let result = if rec.is_some() {
            input::for_each_line_of(path, |line| {
                if let Some(r) = rec.as_mut() {
                    r.line(line);
                    pipeline.feed_line(line, &mut |o| r.obs(o));
                }
                emit(&mut pipeline, &mut rec);
            })
        } else {
            // Without a recording, blocks of lines go through the pipeline's
            // stages in batches: the same alerts, sooner. Alerts are written
            // after every 64 KiB of input, while they are still in the caches.
            input::for_each_block_of(path, |block| {
                input::for_each_chunk(block, 64 << 10, |chunk| {
                    pipeline.feed_lines(chunk, &mut |_| {});
                    emit(&mut pipeline, &mut rec);
                })
            })
        };
        if let Err(e) = result {
            eprintln!("seawarden: {e:#}");
            failed_inputs += 1;
        }
    } else {
        // Several inputs may cover the same period: their observations are
        // merged by time.
        let mut collected: Vec<Observation> = Vec::new();
        for path in &args.inputs {
            pipeline.begin_input();
            if let Some(r) = rec.as_mut() {
                r.begin_input(path);
            }
            if let Err(e) = input::for_each_line_of(path, |line| {
                if let Some(r) = rec.as_mut() {
                    r.line(line);
                }
                pipeline.decode_line(line, &mut |o| collected.push(o))
            }) {
                eprintln!("seawarden: {e:#}");
                failed_inputs += 1;
            }
        }
        collected.sort_by_key(Observation::time_ms);
        for o in &collected {
            pipeline.observe(o);
            if let Some(r) = rec.as_mut() {
                r.obs(o);
            }
            emit(&mut pipeline, &mut rec);
        }
    }
    match rec.as_mut() {
        Some(r) => pipeline.finish(&mut |o| r.obs(o)),
        None => pipeline.finish(&mut |_| {}),
    }
    emit(&mut pipeline, &mut rec);
    if let Some(r) = rec {
        r.finish()?;
    }
    if let Some(e) = write_error {
        return Err(e).context("cannot write alerts");
    }
    out.flush().context("cannot write alerts")?;
    let (timed, untimed) = pipeline.timed_untimed();
    if timed == 0 && untimed > 0 {
        bail!("the input has no receive times (no tag blocks, $PGHP headers or timestamps): replay needs them to judge durations");
    }

    if !args.quiet {
        let secs = decode_started.elapsed().as_secs_f64();
        let s = pipeline.decoder_stats();
        let vessels = pipeline.engine().tracker().len();
        let t = pipeline.engine().tracker().stats();
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
            pipeline.late()
        );
        let by_kind: Vec<String> = AlertKind::ALL.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(k, n)| format!("{} {n}", k.as_str())).collect();
        eprintln!("alerts {}: {}", counts.iter().sum::<u64>(), if by_kind.is_empty() { "none".to_string() } else { by_kind.join(", ") });
    }
    // Freeing millions of small allocations one by one at exit takes longer
    // than the process teardown that frees them at once.
    std::mem::forget(pipeline);
    Ok(if failed_inputs > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
