//! # seawarden-investigate
//!
//! Cable-fault forensics: after a cable or pipeline fails, which ships were
//! over it in the window, and what did each one do there.
//!
//! Input: the damaged line(s) ([`Target`], loaded with `seawarden-geo`),
//! the window and optional fault position ([`Query`]), every ship's
//! position reports (sorted by MMSI then time, as
//! `seawarden_store::Store::positions` returns them, or built from raw AIS
//! with [`TrackBuilder`]), static reports, and reference data
//! ([`Context`]: World Port Index ports, watchlists; flags come from the
//! MMSI).
//!
//! Output: an [`Investigation`]: every ship whose track crossed the line or
//! entered its corridor in the window (crossings across AIS gaps included,
//! inferred from the straight line between the reports either side),
//! ranked by a score that is a capped sum of named factors, each with its
//! evidence ([`Reason`]); as JSON ([`to_json`]) and as a self-contained HTML
//! report ([`render_html`]) with a chain-of-custody section ([`Custody`]).
//!
//! ```no_run
//! use seawarden_investigate::*;
//! # fn main() -> Result<(), Error> {
//! let target = Target::load(&["cable-geo.json".into()], &["estlink-2".into()], None, None)?;
//! let query = Query { from_ms: 1_735_120_800_000, to_ms: 1_735_142_400_000, fault: None };
//! let mut tracks = TrackBuilder::new(query.from_ms - 6 * 3_600_000, query.to_ms + 6 * 3_600_000);
//! for line in std::fs::read_to_string("ais.nmea").unwrap().lines() {
//!     tracks.feed(line.as_bytes());
//! }
//! let (positions, statics) = tracks.finish();
//! let ports = seawarden_registry::Ports::north_europe();
//! let ctx = Context { ports: Some(&ports), watchlist: None, alerts: &[] };
//! let inv = investigate(&target, &query, &positions, &statics, ctx, &Params::default());
//! for s in &inv.suspects {
//!     println!("{} {} {:.0}", s.rank, s.mmsi, s.score);
//! }
//! # Ok(()) }
//! ```
//!
//! ## Cost
//!
//! One pass over each ship's reports: a bounding-box test per report pair,
//! and grid-index queries (`InfraIndex::near` and `crossings`, tens of
//! nanoseconds) only for pairs near the line; the detailed analysis
//! (speed profiles, runs, gaps, port of call) only for ships that came
//! near. Memory: the cleaned reports of one ship at a time, plus each
//! suspect's thinned track for the report.
#![warn(missing_docs)]

mod analyse;
pub mod custody;
mod model;
mod report;
mod score;
mod target;
mod tracks;

use std::fmt;

pub use analyse::{investigate, Context, Params};
pub use custody::{Custody, InputFile};
pub use model::{
    rfc3339, status_name, Crossing, Gap, Investigation, PortCall, PriorAlert, Reason, Suspect,
    TrackPoint, WatchHit,
};
pub use report::{escape, render_html, ReportInput};
pub use score::caps;
pub use target::{Fault, Query, Target};
pub use tracks::{TrackBuilder, TrackCounts};

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be read or parsed.
    Input,
    /// The feature id matches no line in the files.
    UnknownFeature,
    /// Contradictory or invalid arguments.
    Usage,
}

/// An error with its kind and a message naming what is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The suspects as a JSON array, ranked (pretty-printed).
pub fn to_json(suspects: &[Suspect]) -> String {
    serde_json::to_string_pretty(suspects).unwrap_or_else(|_| "[]".to_string())
}
