//! Errors: a file that cannot be loaded, and a geometry that cannot be used.

use std::fmt;

/// A file (or buffer) that could not be loaded at all. Problems with single
/// features are not errors: they are counted in a
/// [`LoadReport`](crate::LoadReport).
#[derive(Debug)]
pub struct Error {
    source_name: String,
    kind: ErrorKind,
}

/// What went wrong with a file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// It could not be read.
    Io(std::io::Error),
    /// It starts like gzip but does not decompress.
    Gzip(std::io::Error),
    /// It is not JSON.
    Json(serde_json::Error),
    /// It is JSON but not GeoJSON; the text says why.
    NotGeoJson(String),
}

impl Error {
    pub(crate) fn new(source_name: &str, kind: ErrorKind) -> Self {
        Error {
            source_name: source_name.to_string(),
            kind,
        }
    }

    /// The file path (or name given for a buffer).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.source_name;
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "{name}: cannot read: {e}"),
            ErrorKind::Gzip(e) => write!(f, "{name}: bad gzip data: {e}"),
            ErrorKind::Json(e) => write!(f, "{name}: not JSON: {e}"),
            ErrorKind::NotGeoJson(why) => write!(f, "{name}: not GeoJSON: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) | ErrorKind::Gzip(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            ErrorKind::NotGeoJson(_) => None,
        }
    }
}

/// Why a geometry was rejected.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GeometryError {
    /// A coordinate is NaN or infinite.
    NonFinite,
    /// A latitude outside -90..=90 degrees.
    LatitudeOutOfRange(f64),
    /// A longitude outside -540..=540 degrees (wider is not a slip of the
    /// antimeridian).
    LongitudeOutOfRange(f64),
    /// Nothing usable is left: no line part with two distinct points, or no
    /// polygon with three.
    Empty,
    /// A ring that goes round a pole (its longitudes do not close), which a
    /// longitude/latitude polygon cannot represent.
    RingAroundPole,
}

impl fmt::Display for GeometryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeometryError::NonFinite => write!(f, "coordinate is not a finite number"),
            GeometryError::LatitudeOutOfRange(v) => write!(f, "latitude {v} out of range"),
            GeometryError::LongitudeOutOfRange(v) => write!(f, "longitude {v} out of range"),
            GeometryError::Empty => write!(f, "empty or degenerate geometry"),
            GeometryError::RingAroundPole => write!(f, "ring goes round a pole"),
        }
    }
}

impl std::error::Error for GeometryError {}
