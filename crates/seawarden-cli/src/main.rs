//! `seawarden`: maritime domain awareness for undersea infrastructure, from AIS.

mod bus;
mod decode;
mod evaluate;
mod investigate;
mod replay;
mod simulate;
mod source_args;
mod serve;
mod store_cmd;
mod world_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Seawarden watches AIS traffic around undersea cables, pipelines and
/// maritime zones.
#[derive(Parser)]
#[command(name = "seawarden", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode AIS (NMEA 0183 / ITU-R M.1371) from files or stdin.
    Decode(decode::DecodeArgs),
    /// Run tracking and every detector over AIS files; write alert episodes.
    Replay(replay::ReplayArgs),
    /// The live service: feeds in (TCP, UDP, files), the HTTP/WebSocket API,
    /// the offline web map and alert delivery (see docs/serve.md).
    Serve(serve::ServeArgs),
    /// Fill the store (--data DIR) from AIS files or stdin: journal, archive, vessels.
    Ingest(store_cmd::IngestArgs),
    /// The embedded store: verify, retention, re-run detectors over a period.
    #[command(subcommand)]
    Store(store_cmd::StoreCommand),
    /// Export tracks or alerts from the store as GeoJSON, KML, CSV or Parquet.
    Export(store_cmd::ExportArgs),
    /// Cable-fault forensics: which ships were over a cable or pipeline in
    /// a window, what each did, ranked; JSON and a self-contained HTML report.
    Investigate(investigate::InvestigateArgs),
    /// Simulate a scenario: AIS traffic (NMEA with tag blocks) and the
    /// ground truth of its injected behaviours (see docs/evaluation.md).
    Simulate(simulate::SimulateArgs),
    /// Score alerts against ground truth, or simulate, replay and score
    /// scenarios in one go: precision, recall, timeliness, false alerts.
    Evaluate(evaluate::EvaluateArgs),
    /// Scale-out on a bus (NATS JetStream or Kafka, by URL): `ingest` publishes observations,
    /// `detect` workers publish alerts, `alerts` reads them (docs/bus.md).
    #[command(subcommand)]
    Bus(bus::BusCommand),
    /// Print the detector configuration with every default (TOML).
    Config,
    /// Watchlists: convert public sanction lists to Seawarden's CSV.
    #[command(subcommand)]
    Watchlist(WatchlistCommand),
}

#[derive(Subcommand)]
enum WatchlistCommand {
    /// Convert the EU Annex XLII and OFAC SDN vessel lists to
    /// `mmsi,imo,name,list,reason` CSV (see docs/watchlists.md).
    Convert {
        /// EU Council Regulation 833/2014 Annex XLII list (semicolon CSV).
        #[arg(long, value_name = "FILE")]
        eu: Vec<String>,
        /// OFAC SDN vessels (JSON).
        #[arg(long, value_name = "FILE")]
        ofac: Vec<String>,
        /// Output CSV; default stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
    },
}

fn watchlist(cmd: WatchlistCommand) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let WatchlistCommand::Convert { eu, ofac, out } = cmd;
    if eu.is_empty() && ofac.is_empty() {
        anyhow::bail!("nothing to convert: give --eu FILE and/or --ofac FILE");
    }
    let mut entries = Vec::new();
    for path in &eu {
        let c = seawarden_registry::convert_eu_annex_xlii(path).with_context(|| format!("cannot convert {path}"))?;
        eprintln!("{}", c.report);
        entries.extend(c.entries);
    }
    for path in &ofac {
        let c = seawarden_registry::convert_ofac_sdn(path).with_context(|| format!("cannot convert {path}"))?;
        eprintln!("{}", c.report);
        entries.extend(c.entries);
    }
    match out {
        Some(path) => {
            let f = std::fs::File::create(&path).with_context(|| format!("cannot create {path}"))?;
            seawarden_registry::write_csv(&entries, std::io::BufWriter::new(f))?;
        }
        None => seawarden_registry::write_csv(&entries, std::io::stdout().lock())?,
    }
    eprintln!("{} watchlist entries written", entries.len());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => decode::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Bus(cmd) => bus::run(cmd),
        Command::Simulate(args) => simulate::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Watchlist(cmd) => watchlist(cmd),
        Command::Ingest(args) => store_cmd::ingest(args),
        Command::Store(cmd) => store_cmd::store(cmd),
        Command::Export(args) => store_cmd::export(args),
        Command::Investigate(args) => investigate::run(args),
        Command::Config => {
            print!("{}", seawarden_detect::Config::defaults_toml());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("seawarden: error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// A closed output pipe (`seawarden decode x | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
