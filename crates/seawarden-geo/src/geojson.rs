//! Loading GeoJSON: lines become infrastructure, polygons become zones.
//!
//! Accepts a FeatureCollection, a single Feature or a bare geometry, plain
//! or gzip-compressed (recognized by its magic bytes, whatever the file is
//! called). A feature that cannot be used is skipped and listed in the
//! [`LoadReport`]; only a file that cannot be read or is not GeoJSON at all
//! is an [`Error`].

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, GeometryError};
use crate::feature::{Feature, FeatureKind, LineFeature, ZoneFeature};
use crate::geodesy::LatLon;

/// How to read features' attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadOptions {
    /// Property holding the id, tried first (e.g. `feature_id` for
    /// TeleGeography, where `id` is shared by a cable's features). Then the
    /// `id` property, the feature's top-level `id`, and `file#index`.
    pub id_property: Option<String>,
    /// Properties holding the name, tried in order; the id if none is a
    /// non-empty string or number.
    pub name_properties: Vec<String>,
    /// Kind of lines without a usable `kind` property.
    pub line_kind: FeatureKind,
    /// Kind of polygons without a usable `kind` property.
    pub zone_kind: FeatureKind,
    /// Corridor half-width of lines without a usable `corridor_m`
    /// property, metres.
    pub corridor_m: f64,
    /// If set, every line gets this corridor, whatever its properties say.
    pub corridor_override_m: Option<f64>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            id_property: None,
            name_properties: vec!["name".to_string()],
            line_kind: FeatureKind::Cable,
            zone_kind: FeatureKind::Aoi,
            corridor_m: Feature::DEFAULT_CORRIDOR_M,
            corridor_override_m: None,
        }
    }
}

impl LoadOptions {
    /// TeleGeography `cable-geo.json`: id `feature_id`, name `name`, cables.
    pub fn telegeography() -> Self {
        LoadOptions {
            id_property: Some("feature_id".into()),
            ..LoadOptions::default()
        }
    }

    /// Sodir (Norwegian Offshore Directorate) `pipLine`: id `idPipeline`,
    /// name `mapLabel` (e.g. "Europipe II"), else `pipName` (e.g. `42" Gas
    /// KÅRSTØ, EMDEN`), pipelines.
    pub fn sodir_pipelines() -> Self {
        LoadOptions {
            id_property: Some("idPipeline".into()),
            name_properties: vec!["mapLabel".into(), "pipName".into()],
            line_kind: FeatureKind::Pipeline,
            ..LoadOptions::default()
        }
    }

    /// geo-maps `countries-maritime` (country polygons including the 12 nm
    /// territorial sea): id `A3` (ISO 3166 alpha-3), territorial sea.
    pub fn countries_maritime() -> Self {
        LoadOptions {
            id_property: Some("A3".into()),
            name_properties: vec!["name".into(), "A3".into()],
            zone_kind: FeatureKind::TerritorialSea,
            ..LoadOptions::default()
        }
    }
}

/// What a file gave: its lines, its polygons and a report.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Line features (cables, pipelines).
    pub lines: Vec<LineFeature>,
    /// Polygon features (zones).
    pub zones: Vec<ZoneFeature>,
    /// What was read and what was not.
    pub report: LoadReport,
}

/// Counts and problems of one load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    /// The file path (or name given for a buffer).
    pub source: String,
    /// Features in the file.
    pub features: usize,
    /// Line features loaded.
    pub lines: usize,
    /// Polygon features loaded.
    pub zones: usize,
    /// Features not loaded, and why.
    pub skipped: Vec<Issue>,
    /// Features loaded with a default in place of a bad attribute, and
    /// repeated ids.
    pub warnings: Vec<Issue>,
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} features, {} lines, {} zones, {} skipped, {} warnings",
            self.source,
            self.features,
            self.lines,
            self.zones,
            self.skipped.len(),
            self.warnings.len()
        )
    }
}

/// A problem with one feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Position of the feature in the file, from 0.
    pub index: usize,
    /// Its id, if it got one.
    pub id: Option<String>,
    /// What is wrong.
    pub kind: IssueKind,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "feature {}", self.index)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// What is wrong with a feature.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IssueKind {
    /// Not an object of type `Feature`.
    NotAFeature,
    /// `geometry` is null or missing.
    NullGeometry,
    /// A geometry type that is neither lines nor polygons (e.g. `Point`).
    UnsupportedGeometry(String),
    /// Coordinates not shaped as the type requires; the text says where.
    MalformedGeometry(&'static str),
    /// Coordinates that cannot be used.
    InvalidGeometry(GeometryError),
    /// A `kind` property that names no kind, or a kind for the other
    /// geometry (a zone kind on a line); the default was used.
    BadKind(String),
    /// A `corridor_m` property that is not a positive number (at most
    /// 100 km); the default was used.
    BadCorridor,
    /// An id already used by an earlier feature of the file.
    DuplicateId,
}

impl fmt::Display for IssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueKind::NotAFeature => write!(f, "not a Feature"),
            IssueKind::NullGeometry => write!(f, "null geometry"),
            IssueKind::UnsupportedGeometry(t) => write!(f, "unsupported geometry type {t:?}"),
            IssueKind::MalformedGeometry(why) => write!(f, "malformed geometry: {why}"),
            IssueKind::InvalidGeometry(e) => write!(f, "invalid geometry: {e}"),
            IssueKind::BadKind(k) => write!(f, "kind {k:?} not usable here, default used"),
            IssueKind::BadCorridor => write!(f, "bad corridor_m, default used"),
            IssueKind::DuplicateId => write!(f, "duplicate id"),
        }
    }
}

/// Largest corridor accepted from a property, metres.
const MAX_CORRIDOR_M: f64 = 100_000.0;

/// Reads a GeoJSON file (gzip-compressed or not).
///
/// # Errors
/// If the file cannot be read, does not decompress, is not JSON, or is not
/// GeoJSON (a FeatureCollection, a Feature or a geometry). The error names
/// the file.
pub fn load_geojson_file(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Layer, Error> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::new(&name, ErrorKind::Io(e)))?;
    parse_geojson(&bytes, &name, options)
}

/// Parses GeoJSON bytes (gzip-compressed or not); `source` names them in
/// errors, reports and generated ids.
///
/// # Errors
/// As [`load_geojson_file`], but for bytes already read.
pub fn parse_geojson(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<Layer, Error> {
    let mut inflated = Vec::new();
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_end(&mut inflated)
            .map_err(|e| Error::new(source, ErrorKind::Gzip(e)))?;
        &inflated[..]
    } else {
        bytes
    };
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| Error::new(source, ErrorKind::Json(e)))?;
    drop(inflated);
    let not_geojson = |why: String| Error::new(source, ErrorKind::NotGeoJson(why));
    let Value::Object(mut top) = value else {
        return Err(not_geojson("top level is not an object".into()));
    };
    let ty = top
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let features: Vec<Value> = match ty.as_str() {
        "FeatureCollection" => match top.remove("features") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(not_geojson(
                    "FeatureCollection without a features array".into(),
                ))
            }
        },
        "Feature" => vec![Value::Object(top)],
        "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon" | "GeometryCollection"
        | "Point" | "MultiPoint" => {
            let mut f = Map::new();
            f.insert("type".into(), Value::String("Feature".into()));
            f.insert("geometry".into(), Value::Object(top));
            vec![Value::Object(f)]
        }
        "" => return Err(not_geojson("no \"type\" member".into())),
        other => return Err(not_geojson(format!("unknown type {other:?}"))),
    };
    let stem = Path::new(source)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    let mut layer = Layer {
        lines: Vec::new(),
        zones: Vec::new(),
        report: LoadReport {
            source: source.to_string(),
            features: features.len(),
            ..LoadReport::default()
        },
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (index, f) in features.into_iter().enumerate() {
        read_feature(index, f, &stem, options, &mut seen, &mut layer);
    }
    layer.report.lines = layer.lines.len();
    layer.report.zones = layer.zones.len();
    Ok(layer)
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_feature(
    index: usize,
    f: Value,
    stem: &str,
    options: &LoadOptions,
    seen: &mut HashSet<String>,
    layer: &mut Layer,
) {
    let report = &mut layer.report;
    let Value::Object(mut f) = f else {
        report.skipped.push(Issue {
            index,
            id: None,
            kind: IssueKind::NotAFeature,
        });
        return;
    };
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        report.skipped.push(Issue {
            index,
            id: None,
            kind: IssueKind::NotAFeature,
        });
        return;
    }
    let mut properties = match f.remove("properties") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let id = options
        .id_property
        .as_deref()
        .and_then(|k| properties.get(k))
        .and_then(scalar_string)
        .or_else(|| properties.get("id").and_then(scalar_string))
        .or_else(|| f.get("id").and_then(scalar_string))
        .unwrap_or_else(|| format!("{stem}#{index}"));
    let issue = |kind| Issue {
        index,
        id: Some(id.clone()),
        kind,
    };
    let geometry = match f.get("geometry") {
        None | Some(Value::Null) => {
            report.skipped.push(issue(IssueKind::NullGeometry));
            return;
        }
        Some(g) => g,
    };
    let mut lines = Vec::new();
    let mut polygons = Vec::new();
    if let Err(kind) = read_geometry(geometry, &mut lines, &mut polygons, 0) {
        report.skipped.push(issue(kind));
        return;
    }
    let name = options
        .name_properties
        .iter()
        .filter_map(|k| properties.get(k))
        .find_map(scalar_string)
        .unwrap_or_else(|| id.clone());
    let kind_prop = properties
        .get("kind")
        .and_then(Value::as_str)
        .map(str::to_string);
    let kind_for = |is_line: bool, report: &mut LoadReport| {
        let default = if is_line {
            options.line_kind
        } else {
            options.zone_kind
        };
        match &kind_prop {
            None => default,
            Some(s) => match FeatureKind::parse(s) {
                Some(k) if k.is_line() == is_line => k,
                _ => {
                    report.warnings.push(issue(IssueKind::BadKind(s.clone())));
                    default
                }
            },
        }
    };
    let mut loaded = false;
    let both = !lines.is_empty() && !polygons.is_empty();
    if !lines.is_empty() {
        let kind = kind_for(true, report);
        let corridor_m = match (options.corridor_override_m, properties.get("corridor_m")) {
            (Some(c), _) => c,
            (None, None) => options.corridor_m,
            (None, Some(v)) => match v.as_f64() {
                Some(c) if c > 0.0 && c <= MAX_CORRIDOR_M => c,
                _ => {
                    report.warnings.push(issue(IssueKind::BadCorridor));
                    options.corridor_m
                }
            },
        };
        let props = if both {
            properties.clone()
        } else {
            std::mem::take(&mut properties)
        };
        let feature = Feature {
            id: id.clone(),
            name: name.clone(),
            kind,
            corridor_m,
            properties: props,
        };
        match LineFeature::new(feature, lines) {
            Ok(l) => {
                layer.lines.push(l);
                loaded = true;
            }
            Err(e) => report.skipped.push(issue(IssueKind::InvalidGeometry(e))),
        }
    }
    if !polygons.is_empty() {
        let kind = kind_for(false, report);
        let feature = Feature {
            id: id.clone(),
            name,
            kind,
            corridor_m: 0.0,
            properties,
        };
        match ZoneFeature::new(feature, polygons) {
            Ok(z) => {
                layer.zones.push(z);
                loaded = true;
            }
            Err(e) => report.skipped.push(issue(IssueKind::InvalidGeometry(e))),
        }
    }
    if loaded && !seen.insert(id.clone()) {
        report.warnings.push(issue(IssueKind::DuplicateId));
    }
}

fn position(v: &Value) -> Result<LatLon, IssueKind> {
    match v.as_array().map(Vec::as_slice) {
        Some([lon, lat, ..]) => match (lon.as_f64(), lat.as_f64()) {
            (Some(lon), Some(lat)) => Ok(LatLon { lat, lon }),
            _ => Err(IssueKind::MalformedGeometry("position with a non-number")),
        },
        _ => Err(IssueKind::MalformedGeometry(
            "position is not an array of two or more numbers",
        )),
    }
}

fn positions(v: &Value) -> Result<Vec<LatLon>, IssueKind> {
    v.as_array()
        .ok_or(IssueKind::MalformedGeometry(
            "expected an array of positions",
        ))?
        .iter()
        .map(position)
        .collect()
}

fn rings(v: &Value) -> Result<Vec<Vec<LatLon>>, IssueKind> {
    v.as_array()
        .ok_or(IssueKind::MalformedGeometry("expected an array of rings"))?
        .iter()
        .map(positions)
        .collect()
}

fn array(v: &Value) -> Result<&Vec<Value>, IssueKind> {
    v.as_array()
        .ok_or(IssueKind::MalformedGeometry("expected an array"))
}

/// Collects the lines and polygons of a geometry (collections flattened).
fn read_geometry(
    g: &Value,
    lines: &mut Vec<Vec<LatLon>>,
    polygons: &mut Vec<Vec<Vec<LatLon>>>,
    depth: u32,
) -> Result<(), IssueKind> {
    let ty = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = || {
        g.get("coordinates")
            .ok_or(IssueKind::MalformedGeometry("no coordinates"))
    };
    match ty {
        "LineString" => lines.push(positions(coords()?)?),
        "MultiLineString" => {
            for l in array(coords()?)? {
                lines.push(positions(l)?);
            }
        }
        "Polygon" => polygons.push(rings(coords()?)?),
        "MultiPolygon" => {
            for p in array(coords()?)? {
                polygons.push(rings(p)?);
            }
        }
        "GeometryCollection" if depth < 8 => {
            let geoms = g
                .get("geometries")
                .ok_or(IssueKind::MalformedGeometry("no geometries"))?;
            for sub in array(geoms)? {
                read_geometry(sub, lines, polygons, depth + 1)?;
            }
        }
        other => return Err(IssueKind::UnsupportedGeometry(other.to_string())),
    }
    if depth == 0 && lines.is_empty() && polygons.is_empty() {
        return Err(IssueKind::InvalidGeometry(GeometryError::Empty));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Layer, Error> {
        parse_geojson(s.as_bytes(), "test.geojson", &LoadOptions::default())
    }

    #[test]
    fn feature_collection_lines_and_zones() {
        let l = parse(
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","id":7,"properties":{"name":"A","kind":"pipeline","corridor_m":500},
               "geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
              {"type":"Feature","properties":{"kind":"eez"},
               "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":{},"geometry":null},
              {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}},
              {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,"x"],[1,1]]}},
              {"type":"Feature","properties":{"kind":"power","corridor_m":-1},"geometry":{"type":"LineString","coordinates":[[0,0],[0,1]]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(l.report.features, 7);
        assert_eq!((l.lines.len(), l.zones.len()), (2, 1));
        let a = l.lines[0].feature();
        assert_eq!(
            (a.id.as_str(), a.name.as_str(), a.kind, a.corridor_m),
            ("7", "A", FeatureKind::Pipeline, 500.0)
        );
        let z = l.zones[0].feature();
        assert_eq!(
            (z.id.as_str(), z.name.as_str(), z.kind),
            ("test.geojson#1", "test.geojson#1", FeatureKind::Eez)
        );
        assert_eq!(l.report.skipped.len(), 4);
        assert_eq!(l.report.warnings.len(), 2);
        let b = l.lines[1].feature();
        assert_eq!((b.kind, b.corridor_m), (FeatureKind::Cable, 1852.0));
    }

    #[test]
    fn bare_geometry_and_feature() {
        let l = parse(r#"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}"#)
            .unwrap();
        assert_eq!(l.lines.len(), 1);
        assert_eq!(l.lines[0].parts().len(), 2);
        let l = parse(r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#).unwrap();
        assert_eq!(l.zones.len(), 1);
    }

    #[test]
    fn not_geojson_names_the_file() {
        let e = parse("[1,2]").unwrap_err();
        assert!(
            e.to_string().starts_with("test.geojson: not GeoJSON"),
            "{e}"
        );
        let e = parse("lat,lon\n1,2").unwrap_err();
        assert!(e.to_string().starts_with("test.geojson: not JSON"), "{e}");
        let e = parse(r#"{"type":"Topology"}"#).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::NotGeoJson(_)));
        let e = load_geojson_file("/nonexistent/x.geojson", &LoadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.geojson"), "{e}");
    }

    #[test]
    fn gzip_is_recognized() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(br#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#)
            .unwrap();
        let gz = enc.finish().unwrap();
        let l = parse_geojson(&gz, "x.json", &LoadOptions::default()).unwrap();
        assert_eq!(l.lines.len(), 1);
        let e =
            parse_geojson(&[0x1f, 0x8b, 0, 1, 2], "bad.gz", &LoadOptions::default()).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Gzip(_)));
    }
}
