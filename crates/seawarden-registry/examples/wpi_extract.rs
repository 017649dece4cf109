//! Writes the embedded northern-Europe extract of the World Port Index:
//! the rows with lat 50–82 and lon −12–45, and only the columns
//! `seawarden_registry::WPI_COLUMNS`, values copied verbatim.
//!
//! ```text
//! cargo run -p seawarden-registry --example wpi_extract -- \
//!     ../shared/data/ports/nga_wpi/UpdatedPub150.csv \
//!     > crates/seawarden-registry/data/wpi_north_europe.csv
//! ```

use std::process::ExitCode;

use seawarden_registry::WPI_COLUMNS;

fn run(path: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let mut rdr = csv::Reader::from_path(path)?;
    let headers = rdr.headers()?.clone();
    let mut cols = Vec::new();
    for name in WPI_COLUMNS {
        let i = headers.iter().position(|h| h.trim() == *name).ok_or_else(|| format!("{path}: no column {name:?}"))?;
        cols.push(i);
    }
    let (lat_i, lon_i) = (cols[WPI_COLUMNS.len() - 2], cols[WPI_COLUMNS.len() - 1]);
    let mut out =
        csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(std::io::stdout().lock());
    out.write_record(WPI_COLUMNS)?;
    let mut n = 0;
    for (k, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let num = |i: usize| rec.get(i).and_then(|v| v.trim().parse::<f64>().ok());
        let (Some(lat), Some(lon)) = (num(lat_i), num(lon_i)) else {
            eprintln!("{path}: record {} has no position; skipped", k + 1);
            continue;
        };
        if (50.0..=82.0).contains(&lat) && (-12.0..=45.0).contains(&lon) {
            out.write_record(cols.iter().map(|&i| rec.get(i).unwrap_or("")))?;
            n += 1;
        }
    }
    out.flush()?;
    Ok(n)
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: wpi_extract UpdatedPub150.csv > wpi_north_europe.csv");
        return ExitCode::from(2);
    };
    match run(&path) {
        Ok(n) => {
            eprintln!("{n} ports written");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
