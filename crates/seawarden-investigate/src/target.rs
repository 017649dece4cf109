//! What is investigated: the damaged cable or pipeline, the time window and
//! the fault position.

use std::path::Path;

use seawarden_geo::geodesy::planar;
use seawarden_geo::{
    load_geojson_file, Feature, InfraIndex, LatLon, LineFeature, LoadOptions, LocalFrame,
};

use crate::{Error, ErrorKind};

/// The cables or pipelines under investigation, indexed for corridor and
/// crossing queries (an [`InfraIndex`] holding only them).
pub struct Target {
    index: InfraIndex,
    /// Bounding box of the lines widened by their corridors:
    /// (min lat, min lon, max lat, max lon).
    bbox: [f64; 4],
}

impl Target {
    /// The features of `lines` whose id (or, failing that, name,
    /// case-insensitively) is one of `ids`.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownFeature`] naming an id that matches nothing (with
    /// a few ids of the file as a hint), or [`ErrorKind::Usage`] if `ids` is
    /// empty.
    pub fn select(lines: Vec<LineFeature>, ids: &[String]) -> Result<Target, Error> {
        if ids.is_empty() {
            return Err(Error::new(ErrorKind::Usage, "no feature id given"));
        }
        let found = |f: &Feature, id: &str| f.id == id;
        let by_name = |f: &Feature, id: &str| f.name.eq_ignore_ascii_case(id.trim());
        let mut chosen = vec![false; lines.len()];
        for id in ids {
            let mut any = false;
            for (i, l) in lines.iter().enumerate() {
                if found(l.feature(), id) {
                    chosen[i] = true;
                    any = true;
                }
            }
            if !any {
                for (i, l) in lines.iter().enumerate() {
                    if by_name(l.feature(), id) {
                        chosen[i] = true;
                        any = true;
                    }
                }
            }
            if !any {
                let hint: Vec<&str> = lines
                    .iter()
                    .take(5)
                    .map(|l| l.feature().id.as_str())
                    .collect();
                return Err(Error::new(
                    ErrorKind::UnknownFeature,
                    format!("no cable or pipeline has the id or name {id:?} (the files hold {} lines, e.g. {})", lines.len(), hint.join(", ")),
                ));
            }
        }
        let picked: Vec<LineFeature> = lines
            .into_iter()
            .zip(chosen)
            .filter(|(_, c)| *c)
            .map(|(l, _)| l)
            .collect();
        Ok(Target::new(picked))
    }

    /// A target made of exactly these lines.
    pub fn new(lines: Vec<LineFeature>) -> Target {
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for l in &lines {
            let c = l.feature().corridor_m;
            for p in l.parts().iter().flatten() {
                let dlat = c / 110_000.0;
                let dlon = c / (110_000.0 * p.lat.to_radians().cos().max(0.01));
                bbox[0] = bbox[0].min(p.lat - dlat);
                bbox[1] = bbox[1].min(p.lon - dlon);
                bbox[2] = bbox[2].max(p.lat + dlat);
                bbox[3] = bbox[3].max(p.lon + dlon);
            }
        }
        Target {
            index: InfraIndex::new(lines),
            bbox,
        }
    }

    /// Loads GeoJSON files (plain or gzip) and selects `ids`. Files named
    /// like TeleGeography's `cable-geo`, Sodir's `pipLine` take their ids as
    /// `seawarden replay` does; `id_property` overrides; `corridor_m`
    /// (if given) overrides every feature's corridor half-width.
    ///
    /// # Errors
    /// A file that cannot be read or parsed, or an id not found.
    pub fn load(
        paths: &[String],
        ids: &[String],
        id_property: Option<&str>,
        corridor_m: Option<f64>,
    ) -> Result<Target, Error> {
        if let Some(c) = corridor_m {
            if !(c.is_finite() && c > 0.0) {
                return Err(Error::new(
                    ErrorKind::Usage,
                    "the corridor must be a positive number of metres",
                ));
            }
        }
        let mut lines = Vec::new();
        for path in paths {
            let name = Path::new(path)
                .file_name()
                .map(|s| s.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let mut o = if name.contains("cable-geo") {
                LoadOptions::telegeography()
            } else if name.contains("pipline") {
                LoadOptions::sodir_pipelines()
            } else {
                LoadOptions::default()
            };
            if let Some(p) = id_property {
                o.id_property = Some(p.to_string());
            }
            o.corridor_override_m = corridor_m;
            let layer = load_geojson_file(path, &o)
                .map_err(|e| Error::new(ErrorKind::Input, format!("cannot load {path}: {e}")))?;
            lines.extend(layer.lines);
        }
        Target::select(lines, ids)
    }

    /// The narrowest corridor half-width of the selected lines, metres.
    pub fn min_corridor_m(&self) -> f64 {
        self.features()
            .iter()
            .map(|f| f.corridor_m)
            .fold(f64::INFINITY, f64::min)
    }

    /// The index of the selected lines.
    pub fn index(&self) -> &InfraIndex {
        &self.index
    }

    /// The selected features.
    pub fn features(&self) -> &[Feature] {
        self.index.features()
    }

    /// Bounding box of the lines widened by their corridors:
    /// `[min lat, min lon, max lat, max lon]` (infinite when empty).
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// True if the straight path `a`→`b` may come near the target (its
    /// bounding box meets the target's): a cheap test before index queries.
    #[inline]
    pub fn may_touch(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        boxes_meet(&self.bbox, a, b)
    }

    /// The target's bounding box, narrowed to the fault's circle (widened
    /// by the widest corridor) when there is one.
    pub fn focus(&self, query: &Query) -> [f64; 4] {
        let mut b = self.bbox;
        if let Some(f) = query.fault {
            let widest = self
                .features()
                .iter()
                .map(|f| f.corridor_m)
                .fold(0.0, f64::max);
            let r = f.radius_m + widest;
            let dlat = r / 110_000.0;
            let dlon = r / (110_000.0 * f.lat.to_radians().cos().max(0.01));
            b = [
                b[0].max(f.lat - dlat),
                b[1].max(f.lon - dlon),
                b[2].min(f.lat + dlat),
                b[3].min(f.lon + dlon),
            ];
        }
        b
    }

    /// Distance from `p` to the nearest selected line, metres (every
    /// segment scanned; for occasional queries such as gap end points).
    pub fn distance_m(&self, p: LatLon) -> f64 {
        let frame = LocalFrame::new(p);
        let mut best = f64::INFINITY;
        for (i, _) in self.index.features().iter().enumerate() {
            for part in self
                .index
                .parts(seawarden_geo::FeatureId(i as u32))
                .unwrap_or(&[])
            {
                for w in part.windows(2) {
                    let (d2, _) =
                        planar::segment_distance2([0.0, 0.0], frame.to_xy(w[0]), frame.to_xy(w[1]));
                    best = best.min(d2);
                }
            }
        }
        best.sqrt()
    }
}

/// The fault: where the line failed (as located by the operator), and how
/// far from it a ship counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Radius around the fault, metres.
    pub radius_m: f64,
}

impl Fault {
    /// True if `p` is within the radius (equirectangular distance, which
    /// is exact to well under 0.1 % at fault-radius scale).
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        seawarden_geo::equirectangular_distance_m(
            LatLon::new(self.lat, self.lon),
            LatLon::new(lat, lon),
        ) <= self.radius_m
    }
}

/// The question: the window in which the line failed, and optionally where.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Query {
    /// Start of the window, ms since the Unix epoch (inclusive).
    pub from_ms: i64,
    /// End of the window, ms since the Unix epoch (inclusive).
    pub to_ms: i64,
    /// Only crossings and corridor presence near this point count.
    pub fault: Option<Fault>,
}

impl Query {
    /// Checks the window and fault.
    ///
    /// # Errors
    /// [`ErrorKind::Usage`] if the window is empty or the fault is not a
    /// valid position with a positive radius.
    pub fn validate(&self) -> Result<(), Error> {
        if self.to_ms < self.from_ms {
            return Err(Error::new(
                ErrorKind::Usage,
                "the window ends before it starts (--to is before --from)",
            ));
        }
        if let Some(f) = self.fault {
            if !(f.lat.is_finite()
                && f.lon.is_finite()
                && f.lat.abs() <= 90.0
                && f.lon.abs() <= 180.0)
            {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "the fault position {},{} is not a valid latitude,longitude",
                        f.lat, f.lon
                    ),
                ));
            }
            if !(f.radius_m.is_finite() && f.radius_m > 0.0) {
                return Err(Error::new(
                    ErrorKind::Usage,
                    "the fault radius must be a positive distance",
                ));
            }
        }
        Ok(())
    }
}

/// True if the bounding box of `a`→`b` meets `bbox` (`[min lat, min lon,
/// max lat, max lon]`); paths across the antimeridian always do.
#[inline]
pub(crate) fn boxes_meet(bbox: &[f64; 4], a: (f64, f64), b: (f64, f64)) -> bool {
    let (lat0, lat1) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
    let (lon0, lon1) = if a.1 < b.1 { (a.1, b.1) } else { (b.1, a.1) };
    if lon1 - lon0 > 180.0 {
        return true;
    }
    lat1 >= bbox[0] && lat0 <= bbox[2] && lon1 >= bbox[1] && lon0 <= bbox[3]
}
