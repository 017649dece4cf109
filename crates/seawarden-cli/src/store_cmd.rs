//! `seawarden ingest`, `seawarden store ...` and `seawarden export`: the
//! embedded store (see docs/store.md).

use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use seawarden_detect::Config;
use seawarden_pipeline::{GeoWorld, Pipeline};
use seawarden_store::export::{self, Format};
use seawarden_store::ingest::Ingester;
use seawarden_store::{AlertQuery, Store};

use crate::world_args::WorldArgs;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A time argument: RFC 3339 (`2019-08-07T00:00:00Z`), a date, or
/// milliseconds since the epoch.
fn parse_time(s: &str) -> Result<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    let full = if s.len() == 10 { format!("{s}T00:00:00Z") } else { s.to_string() };
    seawarden_ais::meta::parse_iso8601(full.as_bytes()).with_context(|| format!("invalid time {s:?}: give RFC 3339 (2019-08-07T12:00:00Z), a date or epoch milliseconds"))
}

/// Arguments of `seawarden ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// The store directory (created if missing).
    #[arg(long, value_name = "DIR")]
    data: String,
    /// AIS input files (plain or gzip); `-` reads standard input, acknowledging as it goes.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<String>,
    /// On standard input: flush (acknowledge) at least every N lines, and
    /// whenever the input pauses.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    flush_lines: u64,
    /// Print `ack N` on standard output each time the first N lines are
    /// acknowledged (safe in the journal even if this process is killed).
    #[arg(long)]
    ack: bool,
    /// Print no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `seawarden ingest`.
pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut store = Store::open(&args.data).with_context(|| format!("cannot open store {}", args.data))?;
    store.journal_writer()?;
    let rec = store.recovery().clone();
    if rec.truncated_bytes > 0 && !args.quiet {
        eprintln!("store: cut a torn journal tail of {} bytes ({})", rec.truncated_bytes, rec.reason.unwrap_or_default());
    }
    let mut ing = Ingester::new();
    let mut failed_inputs = 0;
    let mut lines = 0u64;
    let stdout = io::stdout();
    for path in &args.inputs {
        ing.begin_input();
        if path == "-" {
            let stdin = io::stdin();
            let mut reader = io::BufReader::with_capacity(1 << 16, stdin.lock());
            let mut line = Vec::new();
            let mut since_flush = 0u64;
            loop {
                // Acknowledge before waiting for more input.
                if reader.buffer().is_empty() || since_flush >= args.flush_lines {
                    if since_flush > 0 {
                        store.flush()?;
                        since_flush = 0;
                        if args.ack {
                            let mut o = stdout.lock();
                            writeln!(o, "ack {lines}")?;
                            o.flush()?;
                        }
                    }
                }
                line.clear();
                if reader.read_until(b'\n', &mut line).context("cannot read standard input")? == 0 {
                    break;
                }
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                ing.feed(&mut store, "stdin", l, now_ms())?;
                lines += 1;
                since_flush += 1;
            }
        } else {
            let source = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| path.clone());
            let fallback = now_ms();
            let mut err: Option<seawarden_store::Error> = None;
            let r = seawarden_pipeline::input::for_each_line_of(path, |l| {
                if err.is_none() {
                    if let Err(e) = ing.feed(&mut store, &source, l, fallback) {
                        err = Some(e);
                    }
                    lines += 1;
                }
            });
            if let Some(e) = err {
                return Err(e).context("cannot write to the store");
            }
            if let Err(e) = r {
                eprintln!("seawarden: {e:#}");
                failed_inputs += 1;
            }
            store.flush()?;
            if args.ack {
                writeln!(stdout.lock(), "ack {lines}")?;
            }
        }
    }
    ing.finish();
    store.flush()?;
    store.flush_archive()?;
    let st = store.stats();
    if !args.quiet {
        let s = ing.stats();
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "ingested {lines} lines in {secs:.2} s ({:.2} M lines/s): {} messages, {} rejected, {} not AIS (every line kept in the journal); {} positions, {} static reports archived in {} files",
            lines as f64 / secs.max(1e-9) / 1e6,
            s.messages(),
            s.rejected_total(),
            s.non_ais,
            st.positions,
            st.statics,
            st.files_written
        );
    }
    store.close()?;
    Ok(if failed_inputs > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `seawarden store` subcommands.
#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Check the whole store: journal checksums and hash chain, archive
    /// file hashes, database integrity. Exit status 1 if anything is wrong.
    Verify {
        /// The store directory.
        #[arg(long, value_name = "DIR")]
        data: String,
    },
    /// Set how many days are kept, and remove what is older.
    Retention {
        /// The store directory.
        #[arg(long, value_name = "DIR")]
        data: String,
        /// Days kept (0 keeps everything).
        #[arg(long, value_name = "N")]
        days: u32,
        /// "Now" for the cut-off (default: the clock).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Rebuild the archive and the vessel table from the journal (after a
    /// crash lost positions not yet archived).
    RebuildArchive {
        /// The store directory.
        #[arg(long, value_name = "DIR")]
        data: String,
    },
    /// Re-run the detectors over the journal of a stored period, with other
    /// settings; alert events go to standard output (JSON Lines).
    Rerun {
        /// The store directory.
        #[arg(long, value_name = "DIR")]
        data: String,
        /// Start of the period (RFC 3339, date or epoch ms).
        #[arg(long, value_name = "TIME")]
        from: String,
        /// End of the period (exclusive).
        #[arg(long, value_name = "TIME")]
        to: String,
        /// Detector thresholds (TOML; see docs/alerts.md).
        #[arg(long, value_name = "FILE")]
        config: Option<String>,
        /// Infrastructure, zones, watchlists, ports, land.
        #[command(flatten)]
        world: WorldArgs,
        /// Write alert events here instead of standard output.
        #[arg(long, value_name = "OUT.jsonl")]
        alerts: Option<String>,
        /// Also record the alerts in the store's database.
        #[arg(long)]
        record: bool,
    },
}

/// Runs `seawarden store ...`.
pub fn store(cmd: StoreCommand) -> Result<ExitCode> {
    match cmd {
        StoreCommand::Verify { data } => {
            let store = Store::open(&data).with_context(|| format!("cannot open store {data}"))?;
            let r = store.verify()?;
            println!("journal: {} segments, {} blocks, {} lines; archive: {} files", r.segments, r.blocks, r.records, r.archive_files);
            if let Some(h) = &r.head {
                println!("journal head SHA-256: {h}");
            }
            for p in &r.problems {
                println!("PROBLEM: {p}");
            }
            println!("{}", if r.ok() { "store verified: OK" } else { "store verification FAILED" });
            Ok(if r.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        StoreCommand::RebuildArchive { data } => {
            let mut store = Store::open(&data).with_context(|| format!("cannot open store {data}"))?;
            let n = store.rebuild_archive()?;
            let st = store.stats();
            println!("rebuilt the archive from {n} journal lines: {} positions, {} static reports in {} files", st.positions, st.statics, st.files_written);
            store.close()?;
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Retention { data, days, now } => {
            let mut store = Store::open(&data).with_context(|| format!("cannot open store {data}"))?;
            let mut c = store.config().clone();
            c.retention_days = days;
            store.set_config(c)?;
            let now = match now {
                Some(t) => parse_time(&t)?,
                None => now_ms(),
            };
            let r = store.apply_retention(now)?;
            println!("retention {days} days: removed {} journal segments and {} archive files, {} bytes freed", r.segments_removed, r.files_removed, r.bytes_freed);
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Rerun { data, from, to, config, world, alerts, record } => {
            let (from, to) = (parse_time(&from)?, parse_time(&to)?);
            if from >= to {
                bail!("--from must be before --to");
            }
            let config = match &config {
                Some(path) => {
                    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
                    Config::from_toml(&text).with_context(|| format!("invalid configuration in {path}"))?
                }
                None => Config::default(),
            };
            let world = GeoWorld::load(&world.spec())?;
            let mut store = Store::open(&data).with_context(|| format!("cannot open store {data}"))?;
            let mut out: Box<dyn Write> = match &alerts {
                Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("cannot create {p}"))?)),
                None => Box::new(BufWriter::new(io::stdout().lock())),
            };
            let mut pipeline = Pipeline::new(world, config, 60_000);
            let mut found = Vec::new();
            let mut write_err = None;
            let mut emit = |pipeline: &mut Pipeline<GeoWorld>, found: &mut Vec<seawarden_detect::Alert>| {
                for a in pipeline.drain_alerts() {
                    if write_err.is_none() {
                        if let Err(e) = writeln!(out, "{}", a.to_json()) {
                            write_err = Some(e);
                        }
                    }
                    if record {
                        found.push(a);
                    }
                }
            };
            let n = store.for_each_journal_line(from, to, |_, _, line| {
                pipeline.feed_line(line, &mut |_| {});
                emit(&mut pipeline, &mut found);
            })?;
            pipeline.finish(&mut |_| {});
            emit(&mut pipeline, &mut found);
            if let Some(e) = write_err {
                return Err(e).context("cannot write alerts");
            }
            out.flush()?;
            for a in &found {
                store.record_alert(a)?;
            }
            eprintln!("re-ran the detectors over {n} stored lines: {} messages", pipeline.decoder_stats().messages());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Arguments of `seawarden export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The store directory.
    #[arg(long, value_name = "DIR")]
    data: String,
    /// What to export: `tracks` or `alerts`.
    #[arg(long, value_name = "WHAT")]
    what: String,
    /// `geojson`, `kml`, `csv` or `parquet`.
    #[arg(long, value_name = "FORMAT")]
    format: String,
    /// Only this vessel.
    #[arg(long, value_name = "N")]
    mmsi: Option<u32>,
    /// Start (RFC 3339, date or epoch ms); default: the beginning.
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// End, exclusive; default: no end.
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Only positions inside `min_lon,min_lat,max_lon,max_lat` (tracks).
    #[arg(long, value_name = "BBOX", value_delimiter = ',', num_args = 4)]
    bbox: Option<Vec<f64>>,
    /// Output file.
    #[arg(long, value_name = "FILE")]
    out: String,
}

/// Runs `seawarden export`.
pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let format = Format::parse(&args.format).with_context(|| format!("unknown format {:?}: use geojson, kml, csv or parquet", args.format))?;
    let from = args.from.as_deref().map(parse_time).transpose()?.unwrap_or(i64::MIN);
    let to = args.to.as_deref().map(parse_time).transpose()?.unwrap_or(i64::MAX);
    let bbox = args.bbox.as_ref().map(|b| [b[0], b[1], b[2], b[3]]);
    let store = Store::open(&args.data).with_context(|| format!("cannot open store {}", args.data))?;
    let file = File::create(&args.out).with_context(|| format!("cannot create {}", args.out))?;
    let out = BufWriter::new(file);
    let n = match args.what.as_str() {
        "tracks" => {
            let mut positions = match args.mmsi {
                Some(m) => store.track(m, from, to)?,
                None => store.positions(from, to, bbox)?,
            };
            if let Some([x0, y0, x1, y1]) = bbox {
                positions.retain(|p| p.lon >= x0 && p.lon <= x1 && p.lat >= y0 && p.lat <= y1);
            }
            export::write_tracks(&positions, format, out)?;
            positions.len()
        }
        "alerts" => {
            let q = AlertQuery { from_ms: args.from.is_some().then_some(from), to_ms: args.to.is_some().then_some(to), mmsi: args.mmsi, kind: None };
            let alerts = store.alerts(&q)?;
            export::write_alerts(&alerts, format, out)?;
            alerts.len()
        }
        other => bail!("unknown --what {other:?}: use tracks or alerts"),
    };
    eprintln!("exported {n} {} to {}", if args.what == "tracks" { "positions" } else { "alerts" }, args.out);
    Ok(ExitCode::SUCCESS)
}

/// The store side of `seawarden replay --data DIR`: every line into the
/// journal, every observation the pipeline tracks into the archive, every
/// alert event into the database. The first error is kept and returned by
/// [`ReplayRecorder::finish`]; after it nothing more is written.
pub struct ReplayRecorder {
    store: Store,
    ing: Ingester,
    source: String,
    fallback_ms: i64,
    error: Option<seawarden_store::Error>,
}

impl ReplayRecorder {
    /// Opens (or creates) the store.
    pub fn open(dir: &str) -> Result<ReplayRecorder> {
        let store = Store::open(dir).with_context(|| format!("cannot open store {dir}"))?;
        Ok(ReplayRecorder { store, ing: Ingester::new(), source: String::new(), fallback_ms: now_ms(), error: None })
    }

    fn keep(&mut self, r: seawarden_store::Result<()>) {
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }

    /// A new input file: its name is the journal's source.
    pub fn begin_input(&mut self, path: &str) {
        self.source = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| path.to_string());
        self.ing.begin_input();
    }

    /// Journals one raw line.
    pub fn line(&mut self, line: &[u8]) {
        if self.error.is_none() {
            let r = self.ing.journal_only(&mut self.store, &self.source, line, self.fallback_ms);
            self.keep(r);
        }
    }

    /// Archives one observation.
    pub fn obs(&mut self, o: &seawarden_track::Observation) {
        if self.error.is_none() {
            let r = match o {
                seawarden_track::Observation::Position(p) => self.store.archive_position(p),
                seawarden_track::Observation::Static(s) => self.store.archive_static(s),
            };
            self.keep(r);
        }
    }

    /// Records one alert event.
    pub fn alert(&mut self, a: &seawarden_detect::Alert) {
        if self.error.is_none() {
            let r = self.store.record_alert(a);
            self.keep(r);
        }
    }

    /// Flushes everything; the first error, if any.
    pub fn finish(mut self) -> Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e).context("cannot write to the store");
        }
        self.store.flush()?;
        self.store.flush_archive()?;
        self.store.close()?;
        Ok(())
    }
}
