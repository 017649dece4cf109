//! Features: infrastructure lines and zone polygons with their attributes,
//! and the normalization of their geometry (longitude range, antimeridian).

use std::fmt;

use crate::error::GeometryError;
use crate::geodesy::{LatLon, NAUTICAL_MILE_M};

/// Index of a feature in the index that returned it (not portable between
/// indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeatureId(pub u32);

impl FeatureId {
    /// As a `usize` index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a feature is. Lines are cables or pipelines; polygons are zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FeatureKind {
    /// Submarine cable (telecom or power): `cable`.
    Cable,
    /// Pipeline: `pipeline`.
    Pipeline,
    /// Territorial sea (12 nm), or a country polygon that includes it:
    /// `territorial_sea`.
    TerritorialSea,
    /// Exclusive economic zone: `eez`.
    Eez,
    /// Area of interest: `aoi`.
    Aoi,
    /// Anchorage: `anchorage`.
    Anchorage,
    /// Port area: `port`.
    Port,
    /// Exclusion or restricted area: `exclusion`.
    Exclusion,
}

impl FeatureKind {
    /// Every kind, lines first.
    pub const ALL: [FeatureKind; 8] = [
        FeatureKind::Cable,
        FeatureKind::Pipeline,
        FeatureKind::TerritorialSea,
        FeatureKind::Eez,
        FeatureKind::Aoi,
        FeatureKind::Anchorage,
        FeatureKind::Port,
        FeatureKind::Exclusion,
    ];

    /// The name used in GeoJSON `kind` properties and in alerts.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureKind::Cable => "cable",
            FeatureKind::Pipeline => "pipeline",
            FeatureKind::TerritorialSea => "territorial_sea",
            FeatureKind::Eez => "eez",
            FeatureKind::Aoi => "aoi",
            FeatureKind::Anchorage => "anchorage",
            FeatureKind::Port => "port",
            FeatureKind::Exclusion => "exclusion",
        }
    }

    /// The kind named `s` (case-insensitive; `-` and spaces read as `_`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        FeatureKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// True for line kinds (cable, pipeline).
    pub fn is_line(self) -> bool {
        matches!(self, FeatureKind::Cable | FeatureKind::Pipeline)
    }
}

impl fmt::Display for FeatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A feature's attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Identifier (from the data, or generated as `file#index`).
    pub id: String,
    /// Display name (falls back to the id).
    pub name: String,
    /// What it is.
    pub kind: FeatureKind,
    /// Corridor half-width each side of a line, metres; 0 for zones.
    pub corridor_m: f64,
    /// The GeoJSON properties as read.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

impl Feature {
    /// Default corridor half-width: one nautical mile each side.
    pub const DEFAULT_CORRIDOR_M: f64 = NAUTICAL_MILE_M;

    /// A feature with no properties; lines get the default corridor.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: FeatureKind) -> Self {
        Feature {
            id: id.into(),
            name: name.into(),
            kind,
            corridor_m: if kind.is_line() {
                Self::DEFAULT_CORRIDOR_M
            } else {
                0.0
            },
            properties: serde_json::Map::new(),
        }
    }
}

/// A cable or pipeline: attributes and its parts (polylines).
///
/// Parts are stored normalized: longitudes in [-180, 180], consecutive
/// duplicates removed, and a step of more than 180° of longitude read as
/// crossing the antimeridian and split there. A segment is the straight
/// line between two vertices in longitude/latitude (as GeoJSON reads it).
#[derive(Debug, Clone, PartialEq)]
pub struct LineFeature {
    feature: Feature,
    parts: Vec<Vec<LatLon>>,
}

impl LineFeature {
    /// A line feature; parts with fewer than two distinct points are
    /// dropped.
    ///
    /// # Errors
    /// A non-finite or out-of-range coordinate, or no part left.
    pub fn new(feature: Feature, parts: Vec<Vec<LatLon>>) -> Result<Self, GeometryError> {
        let mut out = Vec::with_capacity(parts.len());
        for part in &parts {
            normalize_line(part, &mut out)?;
        }
        if out.is_empty() {
            return Err(GeometryError::Empty);
        }
        Ok(LineFeature {
            feature,
            parts: out,
        })
    }

    /// The attributes.
    pub fn feature(&self) -> &Feature {
        &self.feature
    }

    /// The attributes, mutable (e.g. to change the corridor before indexing).
    pub fn feature_mut(&mut self) -> &mut Feature {
        &mut self.feature
    }

    /// The normalized parts.
    pub fn parts(&self) -> &[Vec<LatLon>] {
        &self.parts
    }

    /// Number of segments over all parts.
    pub fn segment_count(&self) -> usize {
        self.parts.iter().map(|p| p.len() - 1).sum()
    }

    pub(crate) fn into_parts(self) -> (Feature, Vec<Vec<LatLon>>) {
        (self.feature, self.parts)
    }
}

/// A zone: attributes and its polygons, each a list of rings (outer ring
/// and holes) read with the even-odd rule.
///
/// Rings are stored normalized: open (no repeated closing vertex),
/// longitudes in [-180, 180], and a ring crossing the antimeridian clipped
/// into its two sides.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneFeature {
    feature: Feature,
    polygons: Vec<Vec<Vec<LatLon>>>,
}

impl ZoneFeature {
    /// A zone; rings with fewer than three distinct points are dropped, and
    /// polygons whose outer ring is dropped.
    ///
    /// # Errors
    /// A non-finite or out-of-range coordinate, a ring round a pole, or no
    /// polygon left.
    pub fn new(feature: Feature, polygons: Vec<Vec<Vec<LatLon>>>) -> Result<Self, GeometryError> {
        let mut out = Vec::with_capacity(polygons.len());
        for poly in &polygons {
            let mut rings = Vec::with_capacity(poly.len());
            for (i, ring) in poly.iter().enumerate() {
                let before = rings.len();
                normalize_ring(ring, &mut rings)?;
                if i == 0 && rings.len() == before {
                    break; // the outer ring is degenerate: drop the polygon
                }
            }
            if !rings.is_empty() {
                out.push(rings);
            }
        }
        if out.is_empty() {
            return Err(GeometryError::Empty);
        }
        Ok(ZoneFeature {
            feature,
            polygons: out,
        })
    }

    /// The attributes.
    pub fn feature(&self) -> &Feature {
        &self.feature
    }

    /// The attributes, mutable.
    pub fn feature_mut(&mut self) -> &mut Feature {
        &mut self.feature
    }

    /// The normalized polygons (rings, even-odd).
    pub fn polygons(&self) -> &[Vec<Vec<LatLon>>] {
        &self.polygons
    }

    /// Number of vertices over all rings.
    pub fn vertex_count(&self) -> usize {
        self.polygons.iter().flatten().map(Vec::len).sum()
    }

    pub(crate) fn into_parts(self) -> (Feature, Vec<Vec<Vec<LatLon>>>) {
        (self.feature, self.polygons)
    }
}

fn check(p: LatLon) -> Result<LatLon, GeometryError> {
    if !p.lat.is_finite() || !p.lon.is_finite() {
        return Err(GeometryError::NonFinite);
    }
    if p.lat.abs() > 90.0 {
        return Err(GeometryError::LatitudeOutOfRange(p.lat));
    }
    if p.lon.abs() > 540.0 {
        return Err(GeometryError::LongitudeOutOfRange(p.lon));
    }
    let lon = if p.lon.abs() <= 180.0 {
        p.lon
    } else {
        crate::geodesy::normalize_lon(p.lon)
    };
    Ok(LatLon { lat: p.lat, lon })
}

fn push_line_part(part: Vec<LatLon>, out: &mut Vec<Vec<LatLon>>) {
    if part.len() >= 2 {
        out.push(part);
    }
}

/// Normalizes one polyline into `out` (zero, one or more parts).
fn normalize_line(part: &[LatLon], out: &mut Vec<Vec<LatLon>>) -> Result<(), GeometryError> {
    let mut cur: Vec<LatLon> = Vec::with_capacity(part.len());
    for &raw in part {
        let p = check(raw)?;
        if let Some(&prev) = cur.last() {
            if prev == p {
                continue;
            }
            let d = p.lon - prev.lon;
            if d.abs() > 180.0 {
                // Crosses the antimeridian: split at ±180.
                let (edge, unwrapped) = if d < 0.0 {
                    (180.0, p.lon + 360.0)
                } else {
                    (-180.0, p.lon - 360.0)
                };
                let t = (edge - prev.lon) / (unwrapped - prev.lon);
                let lat = prev.lat + t * (p.lat - prev.lat);
                let end = LatLon { lat, lon: edge };
                if end != prev {
                    cur.push(end);
                }
                push_line_part(std::mem::take(&mut cur), out);
                let start = LatLon { lat, lon: -edge };
                if start != p {
                    cur.push(start);
                }
            }
        }
        cur.push(p);
    }
    push_line_part(cur, out);
    Ok(())
}

fn push_ring(mut ring: Vec<LatLon>, out: &mut Vec<Vec<LatLon>>) {
    ring.dedup();
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let (lo, hi) = ring
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.lon), hi.max(p.lon))
        });
    if ring.len() >= 3 && hi > lo {
        out.push(ring);
    }
}

/// Normalizes one ring into `out` (zero, one or two rings).
fn normalize_ring(ring: &[LatLon], out: &mut Vec<Vec<LatLon>>) -> Result<(), GeometryError> {
    let mut pts: Vec<LatLon> = Vec::with_capacity(ring.len());
    for &raw in ring {
        let p = check(raw)?;
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return Ok(());
    }
    // A step of more than 180° crosses the antimeridian, except a step of
    // exactly 360° from one side of the seam to the other: that is an edge
    // along it (e.g. Antarctica closed along -90° from 180 to -180).
    let crosses = |a: LatLon, b: LatLon| {
        let d = (b.lon - a.lon).abs();
        d > 180.0 && d != 360.0
    };
    let step = |a: LatLon, b: LatLon| {
        if crosses(a, b) {
            crate::geodesy::wrap_dlon(b.lon - a.lon)
        } else {
            b.lon - a.lon
        }
    };
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    if !pts.windows(2).any(|w| crosses(w[0], w[1])) && !crosses(last, first) {
        push_ring(pts, out);
        return Ok(());
    }
    // Unwrap longitudes so that no step crosses the antimeridian.
    let mut un = Vec::with_capacity(pts.len());
    un.push(pts[0]);
    for w in pts.windows(2) {
        let prev = un[un.len() - 1];
        un.push(LatLon {
            lat: w[1].lat,
            lon: prev.lon + step(w[0], w[1]),
        });
    }
    let closing = un[un.len() - 1].lon + step(last, first);
    if (closing - un[0].lon).abs() > 1e-9 {
        return Err(GeometryError::RingAroundPole);
    }
    let (lo, hi) = un
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.lon), hi.max(p.lon))
        });
    if hi - lo > 360.0 {
        return Err(GeometryError::RingAroundPole);
    }
    let cut = if hi > 180.0 {
        180.0
    } else if lo < -180.0 {
        -180.0
    } else {
        f64::NAN
    };
    if cut.is_nan() {
        push_ring(un, out);
        return Ok(());
    }
    let shift = if cut > 0.0 { -360.0 } else { 360.0 };
    // The side inside [-180, 180] as is, the other side shifted back.
    push_ring(clip_half(&un, cut, cut < 0.0), out);
    let mut other = clip_half(&un, cut, cut > 0.0);
    for p in &mut other {
        p.lon += shift;
    }
    push_ring(other, out);
    Ok(())
}

/// Sutherland-Hodgman: the part of `ring` with `lon <= x` (or `>= x` if
/// `keep_east`). Points of the cut line get exactly `x`.
fn clip_half(ring: &[LatLon], x: f64, keep_east: bool) -> Vec<LatLon> {
    let inside = |p: &LatLon| if keep_east { p.lon >= x } else { p.lon <= x };
    let cross = |a: &LatLon, b: &LatLon| {
        let t = (x - a.lon) / (b.lon - a.lon);
        LatLon {
            lat: a.lat + t * (b.lat - a.lat),
            lon: x,
        }
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    for i in 0..ring.len() {
        let a = &ring[i];
        let b = &ring[(i + 1) % ring.len()];
        match (inside(a), inside(b)) {
            (true, true) => out.push(*b),
            (true, false) => out.push(cross(a, b)),
            (false, true) => {
                out.push(cross(a, b));
                out.push(*b);
            }
            (false, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LatLon {
        LatLon::new(lat, lon)
    }

    #[test]
    fn kinds_round_trip() {
        for k in FeatureKind::ALL {
            assert_eq!(FeatureKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            FeatureKind::parse("Territorial Sea"),
            Some(FeatureKind::TerritorialSea)
        );
        assert_eq!(FeatureKind::parse("power"), None);
    }

    #[test]
    fn line_split_at_antimeridian() {
        let f = Feature::new("x", "x", FeatureKind::Cable);
        let l = LineFeature::new(
            f,
            vec![vec![ll(179.0, 0.0), ll(-179.0, 2.0), ll(-178.0, 2.0)]],
        )
        .unwrap();
        assert_eq!(l.parts().len(), 2);
        assert_eq!(l.parts()[0], vec![ll(179.0, 0.0), ll(180.0, 1.0)]);
        assert_eq!(
            l.parts()[1],
            vec![ll(-180.0, 1.0), ll(-179.0, 2.0), ll(-178.0, 2.0)]
        );
    }

    #[test]
    fn degenerate_lines_are_empty() {
        let f = Feature::new("x", "x", FeatureKind::Cable);
        assert_eq!(
            LineFeature::new(f.clone(), vec![vec![ll(1.0, 1.0), ll(1.0, 1.0)]]),
            Err(GeometryError::Empty)
        );
        assert_eq!(
            LineFeature::new(f.clone(), vec![]),
            Err(GeometryError::Empty)
        );
        assert!(matches!(
            LineFeature::new(f, vec![vec![ll(1.0, 91.0), ll(1.0, 1.0)]]),
            Err(GeometryError::LatitudeOutOfRange(_))
        ));
    }

    #[test]
    fn ring_clipped_at_antimeridian() {
        let f = Feature::new("z", "z", FeatureKind::Aoi);
        let sq = vec![
            ll(179.0, 0.0),
            ll(-179.0, 0.0),
            ll(-179.0, 1.0),
            ll(179.0, 1.0),
            ll(179.0, 0.0),
        ];
        let z = ZoneFeature::new(f, vec![vec![sq]]).unwrap();
        let rings = &z.polygons()[0];
        assert_eq!(rings.len(), 2);
        for r in rings {
            assert!(r.iter().all(|p| p.lon.abs() <= 180.0));
        }
        let west: Vec<_> = rings
            .iter()
            .map(|r| r.iter().map(|p| p.lon).fold(f64::INFINITY, f64::min))
            .collect();
        assert!(west.contains(&179.0) && west.contains(&-180.0));
    }

    #[test]
    fn ring_closed_along_the_seam_is_kept() {
        // Antarctica's way: along the coast, down 180, along -90, up -180.
        let f = Feature::new("ata", "", FeatureKind::Aoi);
        let r = vec![
            ll(-180.0, -80.0),
            ll(0.0, -70.0),
            ll(180.0, -80.0),
            ll(180.0, -90.0),
            ll(-180.0, -90.0),
            ll(-180.0, -80.0),
        ];
        let z = ZoneFeature::new(f, vec![vec![r.clone()]]).unwrap();
        assert_eq!(z.polygons()[0], vec![r[..5].to_vec()]);
    }

    #[test]
    fn ring_round_pole_is_rejected() {
        let f = Feature::new("z", "z", FeatureKind::Aoi);
        let r: Vec<_> = (0..12)
            .map(|i| ll(-180.0 + 30.0 * i as f64, 80.0))
            .collect();
        assert_eq!(
            ZoneFeature::new(f, vec![vec![r]]),
            Err(GeometryError::RingAroundPole)
        );
    }
}
