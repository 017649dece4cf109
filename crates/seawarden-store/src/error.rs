//! The store's error type.

use std::fmt;
use std::path::Path;

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be read or written.
    Io,
    /// Stored data is damaged or not in the expected format.
    Corrupt,
    /// The Parquet library failed.
    Parquet,
    /// The SQLite database failed.
    Sql,
    /// `store.toml` or an argument is invalid.
    Config,
}

/// A store error: its kind, where it happened, and the underlying cause.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    context: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Result with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl AsRef<Path>, e: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            context: path.as_ref().display().to_string(),
            source: Some(Box::new(e)),
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>, why: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Corrupt,
            context: format!("{}: {}", what.into(), why.into()),
            source: None,
        }
    }

    pub(crate) fn parquet(path: impl AsRef<Path>, e: parquet::errors::ParquetError) -> Error {
        Error {
            kind: ErrorKind::Parquet,
            context: path.as_ref().display().to_string(),
            source: Some(Box::new(e)),
        }
    }

    pub(crate) fn config(why: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Config,
            context: why.into(),
            source: None,
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::Io => "I/O error",
            ErrorKind::Corrupt => "corrupt store data",
            ErrorKind::Parquet => "Parquet error",
            ErrorKind::Sql => "SQLite error",
            ErrorKind::Config => "invalid store configuration",
        };
        write!(f, "{what}: {}", self.context)?;
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Error {
        Error {
            kind: ErrorKind::Parquet,
            context: "archive".into(),
            source: Some(Box::new(e)),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error {
            kind: ErrorKind::Sql,
            context: "seawarden.sqlite".into(),
            source: Some(Box::new(e)),
        }
    }
}
