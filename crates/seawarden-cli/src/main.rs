//! `seawarden`: maritime domain awareness for undersea infrastructure, from AIS.

mod decode;
mod input;
mod replay;
mod world;

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
    /// Print the detector configuration with every default (TOML).
    Config,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => decode::run(args),
        Command::Replay(args) => replay::run(args),
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
