//! Errors that stop a whole load, and the per-row [`Report`] of everything
//! that did not stop it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure that stops loading a file: it cannot be read, or it is not the
/// expected format at all (no header, missing columns, invalid JSON).
///
/// Problems with single rows are not errors; they are listed in a [`Report`].
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
    line: Option<u64>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// The CSV reader or writer failed (not a per-row problem).
    Csv(csv::Error),
    /// The JSON is not valid or not of the expected shape.
    Json(serde_json::Error),
    /// The header lacks required columns; the text says which.
    MissingColumns(String),
    /// The input has no header line.
    Empty,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, path: None, line: None }
    }

    pub(crate) fn at_line(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }

    pub(crate) fn in_file(mut self, path: &Path) -> Error {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file, when the input came from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line, when known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{}:", p.display())?;
            if let Some(l) = self.line {
                write!(f, "{l}:")?;
            }
            f.write_str(" ")?;
        } else if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "{e}"),
            ErrorKind::Csv(e) => write!(f, "CSV: {e}"),
            ErrorKind::Json(e) => write!(f, "JSON: {e}"),
            ErrorKind::MissingColumns(s) => write!(f, "missing columns: {s}"),
            ErrorKind::Empty => f.write_str("empty input: no header line"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Csv(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(e))
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        Error::new(ErrorKind::Csv(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        let line = e.line() as u64;
        Error::new(ErrorKind::Json(e)).at_line(line)
    }
}

/// Where in the input a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// The whole input (e.g. its encoding).
    File,
    /// A 1-based line of a text file (the line a CSV record starts on).
    Line(u64),
    /// A 0-based index into a JSON array.
    Record(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("file"),
            Location::Line(l) => write!(f, "line {l}"),
            Location::Record(i) => write!(f, "record {i}"),
        }
    }
}

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where the row is.
    pub location: Location,
    /// What is wrong, with the offending value.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// What happened to every row of one input.
///
/// Invariant: `rows == accepted + rejected.len()`. A row with warnings is
/// accepted; a rejected row contributed nothing to the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The input's name (its path, or what the caller called it).
    pub source: String,
    /// Data rows read (header excluded; blank and `#` comment lines excluded).
    pub rows: u64,
    /// Rows that contributed to the result.
    pub accepted: u64,
    /// Rows that were dropped, and why.
    pub rejected: Vec<Issue>,
    /// Rows kept with a problem (e.g. an IMO number failing its check
    /// digit), and input-wide notes (e.g. the encoding).
    pub warnings: Vec<Issue>,
}

impl Report {
    pub(crate) fn new(source: impl Into<String>) -> Report {
        Report { source: source.into(), ..Report::default() }
    }

    pub(crate) fn reject(&mut self, location: Location, message: impl Into<String>) {
        self.rejected.push(Issue { location, message: message.into() });
    }

    pub(crate) fn warn(&mut self, location: Location, message: impl Into<String>) {
        self.warnings.push(Issue { location, message: message.into() });
    }

    /// True when every row was accepted without warnings.
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty() && self.warnings.is_empty()
    }
}

impl fmt::Display for Report {
    /// One summary line, then one line per rejected row and per warning.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} rows, {} accepted, {} rejected, {} warnings",
            self.source,
            self.rows,
            self.accepted,
            self.rejected.len(),
            self.warnings.len()
        )?;
        for i in &self.rejected {
            write!(f, "\n  rejected {i}")?;
        }
        for i in &self.warnings {
            write!(f, "\n  warning {i}")?;
        }
        Ok(())
    }
}

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
