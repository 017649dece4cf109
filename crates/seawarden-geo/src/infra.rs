//! Cables and pipelines: which corridors contain a position, and which lines
//! a straight path crosses.

use crate::feature::{Feature, FeatureId, LineFeature};
use crate::geodesy::{normalize_lon, planar, wrap_dlon, LatLon, LocalFrame};
use crate::grid::{GridResolution, SparseGrid};

/// An infrastructure feature whose corridor contains a position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InfraHit {
    /// The feature.
    pub feature: FeatureId,
    /// Distance from the position to the line, metres (local frame, see
    /// [`LocalFrame`]).
    pub distance_m: f64,
    /// The nearest segment of the feature (index over all its parts).
    pub segment: u32,
    /// That segment from its first vertex to its second, east and north
    /// metres in the local frame (see [`InfraHit::segment_bearing_deg`]).
    pub segment_direction: [f64; 2],
}

impl InfraHit {
    /// Bearing of the nearest segment in its digitized direction, degrees
    /// in [0, 360) (fold with `% 180.0` where direction does not matter).
    /// Worked out on demand: most users need only the distance.
    pub fn segment_bearing_deg(&self) -> f64 {
        planar::bearing_deg(self.segment_direction[0], self.segment_direction[1])
    }
}

/// A line crossed by a straight path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// The feature.
    pub feature: FeatureId,
    /// The crossed segment (index over all the feature's parts).
    pub segment: u32,
    /// Where the path crosses it.
    pub point: LatLon,
    /// Fraction of the path at the crossing, 0 at its start, 1 at its end.
    pub fraction: f64,
    /// The crossed segment from its first vertex to its second, east and
    /// north metres in the path's local frame (see
    /// [`Crossing::segment_bearing_deg`]).
    pub segment_direction: [f64; 2],
}

impl Crossing {
    /// Bearing of the crossed segment, degrees in [0, 360).
    pub fn segment_bearing_deg(&self) -> f64 {
        planar::bearing_deg(self.segment_direction[0], self.segment_direction[1])
    }
}

/// Options of an [`InfraIndex`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InfraIndexOptions {
    /// Fine cell size (default 1/16°).
    pub resolution: GridResolution,
}

impl Default for InfraIndexOptions {
    fn default() -> Self {
        InfraIndexOptions {
            resolution: GridResolution::DEFAULT,
        }
    }
}

/// One segment, stored as midpoint and half-extent so that the longitude
/// offset to a query is wrapped once, at the midpoint, and the segment stays
/// whole across the antimeridian.
#[derive(Debug, Clone, Copy)]
struct Seg {
    mid_lon: f64,
    mid_lat: f64,
    half_dlon: f64,
    half_dlat: f64,
    corridor2: f64,
    feature: u32,
    segment: u32,
    /// Last segment of its part: its end vertex belongs to it for crossings.
    last: bool,
}

impl Seg {
    /// End points in the frame's metres.
    #[inline]
    fn xy(&self, frame: &LocalFrame) -> ([f64; 2], [f64; 2]) {
        let o = frame.origin();
        let (kx, ky) = frame.scale();
        let mx = wrap_dlon(self.mid_lon - o.lon);
        let my = self.mid_lat - o.lat;
        (
            [(mx - self.half_dlon) * kx, (my - self.half_dlat) * ky],
            [(mx + self.half_dlon) * kx, (my + self.half_dlat) * ky],
        )
    }

    /// From the first vertex to the second, in the frame's metres.
    #[inline]
    fn direction(&self, frame: &LocalFrame) -> [f64; 2] {
        let (kx, ky) = frame.scale();
        [2.0 * self.half_dlon * kx, 2.0 * self.half_dlat * ky]
    }
}

/// Cables and pipelines with a grid over their buffered segments.
///
/// Each segment is entered in every fine cell that its corridor may touch
/// (the corridor in degrees is taken with the smallest metres-per-degree of
/// the cell's row, so nothing is missed); cells keep segments sorted by
/// feature. [`InfraIndex::near`] reads one cell, [`InfraIndex::crossings`]
/// the cells along the path. The `*_exhaustive` methods answer the same
/// questions by scanning every segment; the tests check that both agree.
#[derive(Debug, Clone)]
pub struct InfraIndex {
    features: Vec<Feature>,
    parts: Vec<Vec<Vec<LatLon>>>,
    segs: Vec<Seg>,
    /// First segment of each feature in `segs`, plus the end.
    seg_start: Vec<u32>,
    grid: SparseGrid<u32>,
}

impl InfraIndex {
    /// Widest corridor half-width, metres (100 km).
    pub const MAX_CORRIDOR_M: f64 = 100_000.0;

    /// An index with default options.
    pub fn new(lines: Vec<LineFeature>) -> Self {
        Self::with_options(lines, InfraIndexOptions::default())
    }

    /// An index with the given options. A corridor that is not a positive
    /// finite number is read as the default (1 nm); corridors are capped at
    /// [`InfraIndex::MAX_CORRIDOR_M`].
    pub fn with_options(lines: Vec<LineFeature>, options: InfraIndexOptions) -> Self {
        let res = options.resolution;
        let mut features = Vec::with_capacity(lines.len());
        let mut parts_all = Vec::with_capacity(lines.len());
        let mut segs = Vec::new();
        let mut seg_start = Vec::with_capacity(lines.len() + 1);
        for (fi, line) in lines.into_iter().enumerate() {
            let (mut feature, parts) = line.into_parts();
            if !(feature.corridor_m.is_finite() && feature.corridor_m > 0.0) {
                feature.corridor_m = Feature::DEFAULT_CORRIDOR_M;
            }
            feature.corridor_m = feature.corridor_m.min(Self::MAX_CORRIDOR_M);
            seg_start.push(segs.len() as u32);
            let mut n = 0u32;
            for part in &parts {
                for (i, w) in part.windows(2).enumerate() {
                    let (a, b) = (w[0], w[1]);
                    segs.push(Seg {
                        mid_lon: 0.5 * (a.lon + b.lon),
                        mid_lat: 0.5 * (a.lat + b.lat),
                        half_dlon: 0.5 * (b.lon - a.lon),
                        half_dlat: 0.5 * (b.lat - a.lat),
                        corridor2: feature.corridor_m * feature.corridor_m,
                        feature: fi as u32,
                        segment: n,
                        last: i + 2 == part.len(),
                    });
                    n += 1;
                }
            }
            features.push(feature);
            parts_all.push(parts);
        }
        seg_start.push(segs.len() as u32);

        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (si, s) in segs.iter().enumerate() {
            let a = (s.mid_lon - s.half_dlon, s.mid_lat - s.half_dlat);
            let b = (s.mid_lon + s.half_dlon, s.mid_lat + s.half_dlat);
            let corridor = features[s.feature as usize].corridor_m;
            res.for_segment_cells(a, b, corridor, true, |row, col| {
                pairs.push((res.key(row, col), si as u32))
            });
        }
        pairs.sort_unstable();
        pairs.dedup();
        let grid = SparseGrid::from_sorted(res, pairs);
        InfraIndex {
            features,
            parts: parts_all,
            segs,
            seg_start,
            grid,
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True if there are no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Number of segments over all features.
    pub fn segment_count(&self) -> usize {
        self.segs.len()
    }

    /// A feature's attributes; `None` for an id not from this index.
    pub fn feature(&self, id: FeatureId) -> Option<&Feature> {
        self.features.get(id.index())
    }

    /// All features, indexed by [`FeatureId`].
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// A feature's normalized parts.
    pub fn parts(&self, id: FeatureId) -> Option<&[Vec<LatLon>]> {
        self.parts.get(id.index()).map(Vec::as_slice)
    }

    /// The end points of a feature's segment.
    pub fn segment(&self, id: FeatureId, segment: u32) -> Option<(LatLon, LatLon)> {
        let start = *self.seg_start.get(id.index())? as usize;
        let end = *self.seg_start.get(id.index() + 1)? as usize;
        let i = start.checked_add(segment as usize).filter(|&i| i < end)?;
        let s = &self.segs[i];
        Some((
            LatLon::new(s.mid_lat - s.half_dlat, s.mid_lon - s.half_dlon),
            LatLon::new(s.mid_lat + s.half_dlat, s.mid_lon + s.half_dlon),
        ))
    }

    /// The first feature with this id.
    pub fn find(&self, id: &str) -> Option<FeatureId> {
        self.features
            .iter()
            .position(|f| f.id == id)
            .map(|i| FeatureId(i as u32))
    }

    /// Heap bytes of the grid (cells and segment references).
    pub fn grid_bytes(&self) -> usize {
        self.grid.heap_bytes()
    }

    /// Every feature whose corridor contains `p`, once each, with its
    /// nearest segment, in feature order. Clears `out` first; an invalid
    /// position gives nothing. Distances are in the [`LocalFrame`] at `p`.
    pub fn near(&self, p: LatLon, out: &mut Vec<InfraHit>) {
        out.clear();
        if !p.is_valid() {
            return;
        }
        let p = p.normalized();
        let res = self.grid_resolution();
        let cands = self.grid.get(res.row(p.lat), res.col(p.lon));
        if cands.is_empty() {
            return;
        }
        let frame = LocalFrame::new(p);
        self.near_among(&frame, cands.iter().map(|&i| i as usize), out);
    }

    /// Metres round `p` within which [`InfraIndex::near`] finds nothing and
    /// no line passes, so no path inside the disk crosses one: 0 if `p` is
    /// in a corridor (or invalid). Bounded by the sides of `p`'s grid cell.
    pub fn clearance_m(&self, p: LatLon) -> f64 {
        if !p.is_valid() {
            return 0.0;
        }
        let p = p.normalized();
        let res = self.grid_resolution();
        let mut r = res.margin_m(p);
        let cands = self.grid.get(res.row(p.lat), res.col(p.lon));
        if cands.is_empty() {
            return r;
        }
        let frame = LocalFrame::new(p);
        for &si in cands {
            let s = &self.segs[si as usize];
            let (a, b) = s.xy(&frame);
            let (d2, _) = planar::segment_distance2([0.0, 0.0], a, b);
            r = r.min(d2.sqrt() - s.corridor2.sqrt());
        }
        r.max(0.0)
    }

    /// Same answer as [`InfraIndex::near`], by scanning every segment.
    pub fn near_exhaustive(&self, p: LatLon, out: &mut Vec<InfraHit>) {
        out.clear();
        if !p.is_valid() {
            return;
        }
        let frame = LocalFrame::new(p.normalized());
        self.near_among(&frame, 0..self.segs.len(), out);
    }

    /// Candidates must come in increasing order (so grouped by feature).
    #[inline]
    fn near_among(
        &self,
        frame: &LocalFrame,
        cands: impl Iterator<Item = usize>,
        out: &mut Vec<InfraHit>,
    ) {
        let mut best: Option<(f64, usize)> = None;
        let flush = |best: Option<(f64, usize)>, out: &mut Vec<InfraHit>| {
            if let Some((d2, si)) = best {
                let s = &self.segs[si];
                out.push(InfraHit {
                    feature: FeatureId(s.feature),
                    distance_m: d2.sqrt(),
                    segment: s.segment,
                    segment_direction: s.direction(frame),
                });
            }
        };
        for si in cands {
            let s = &self.segs[si];
            let (a, b) = s.xy(frame);
            let (d2, _) = planar::segment_distance2([0.0, 0.0], a, b);
            if d2 > s.corridor2 {
                continue;
            }
            match best {
                Some((bd, bi)) if self.segs[bi].feature == s.feature => {
                    if d2 < bd {
                        best = Some((d2, si));
                    }
                }
                _ => {
                    flush(best, out);
                    best = Some((d2, si));
                }
            }
        }
        flush(best, out);
    }

    /// Every segment that the straight path `a`→`b` (in longitude/latitude,
    /// the short way round) crosses or touches, ordered by fraction along
    /// the path. A segment's start vertex belongs to it and its end vertex
    /// to the next, so a path through a vertex counts once; a path that
    /// runs along a segment (parallel) does not cross it. Clears `out`
    /// first; invalid positions give nothing.
    pub fn crossings(&self, a: LatLon, b: LatLon, out: &mut Vec<Crossing>) {
        out.clear();
        if !a.is_valid() || !b.is_valid() {
            return;
        }
        let a = a.normalized();
        let (dlon, dlat) = (wrap_dlon(b.lon - a.lon), b.lat - a.lat);
        let res = self.grid_resolution();
        let end = (a.lon + dlon, a.lat + dlat);
        // Most paths are a short hop inside one cell: with no line in it,
        // answered before the local frame is set up; else that cell's
        // segments are all there is to test.
        let one_cell = res.single_cell((a.lon, a.lat), end).map(|(row, col)| self.grid.get(row, col));
        if one_cell.is_some_and(|cands| cands.is_empty()) {
            return;
        }
        let path = Path::new(a, dlon, dlat);
        let crossing = |&si: &u32| self.crossing(&path, si as usize);
        match one_cell {
            Some(cands) => out.extend(cands.iter().filter_map(crossing)),
            None => res.for_segment_cells((path.a.lon, path.a.lat), end, 0.0, true, |row, col| {
                if !self.grid.coarse_empty(row, col) {
                    out.extend(self.grid.get(row, col).iter().filter_map(crossing));
                }
            }),
        }
        sort_crossings(out);
    }

    /// Same answer as [`InfraIndex::crossings`], by scanning every segment.
    pub fn crossings_exhaustive(&self, a: LatLon, b: LatLon, out: &mut Vec<Crossing>) {
        out.clear();
        if !a.is_valid() || !b.is_valid() {
            return;
        }
        let a = a.normalized();
        let path = Path::new(a, wrap_dlon(b.lon - a.lon), b.lat - a.lat);
        for si in 0..self.segs.len() {
            if let Some(c) = self.crossing(&path, si) {
                out.push(c);
            }
        }
        sort_crossings(out);
    }

    #[inline]
    fn crossing(&self, path: &Path, si: usize) -> Option<Crossing> {
        let s = &self.segs[si];
        let (q0, q1) = s.xy(&path.frame);
        let (t, u) = planar::segment_intersection([0.0, 0.0], path.end_xy, q0, q1)?;
        if u == 1.0 && !s.last {
            return None;
        }
        let point = LatLon::new(
            path.a.lat + t * path.dlat,
            normalize_lon(path.a.lon + t * path.dlon),
        );
        Some(Crossing {
            feature: FeatureId(s.feature),
            segment: s.segment,
            point,
            fraction: t,
            segment_direction: s.direction(&path.frame),
        })
    }

    fn grid_resolution(&self) -> GridResolution {
        self.grid.resolution()
    }
}

struct Path {
    a: LatLon,
    dlon: f64,
    dlat: f64,
    frame: LocalFrame,
    end_xy: [f64; 2],
}

impl Path {
    /// The path from `a` (valid, normalized) by `dlon`, `dlat` degrees.
    fn new(a: LatLon, dlon: f64, dlat: f64) -> Path {
        let frame = LocalFrame::new(a);
        let (kx, ky) = frame.scale();
        Path {
            a,
            dlon,
            dlat,
            frame,
            end_xy: [dlon * kx, dlat * ky],
        }
    }
}

fn sort_crossings(out: &mut Vec<Crossing>) {
    out.sort_unstable_by(|x, y| {
        x.fraction
            .total_cmp(&y.fraction)
            .then(x.feature.cmp(&y.feature))
            .then(x.segment.cmp(&y.segment))
    });
    out.dedup_by(|x, y| x.feature == y.feature && x.segment == y.segment);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::FeatureKind;

    fn ll(lon: f64, lat: f64) -> LatLon {
        LatLon::new(lat, lon)
    }

    fn index(parts: Vec<Vec<LatLon>>, corridor_m: f64) -> InfraIndex {
        let mut f = Feature::new("c", "c", FeatureKind::Cable);
        f.corridor_m = corridor_m;
        InfraIndex::new(vec![LineFeature::new(f, parts).unwrap()])
    }

    #[test]
    fn near_reports_nearest_segment_once() {
        let idx = index(vec![vec![ll(0.0, 0.0), ll(0.1, 0.0), ll(0.1, 0.1)]], 2000.0);
        let mut out = Vec::new();
        idx.near(ll(0.095, 0.05), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].segment, 1);
        // 0.005° of longitude at the equator: 556.6 m.
        assert!((out[0].distance_m - 556.6).abs() < 0.1, "{:?}", out[0]);
        assert!((out[0].segment_bearing_deg() - 0.0).abs() < 1e-9);
        idx.near(ll(0.05, 0.02), &mut out);
        assert!(out.is_empty(), "2.2 km away");
        idx.near(ll(f64::NAN, 0.0), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn crossing_through_a_vertex_counts_once_and_parallel_not_at_all() {
        let idx = index(vec![vec![ll(0.0, 0.0), ll(1.0, 0.0), ll(2.0, 0.0)]], 1852.0);
        let mut out = Vec::new();
        idx.crossings(ll(1.0, -1.0), ll(1.0, 1.0), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].segment, out[0].fraction), (1, 0.5));
        assert_eq!(out[0].point, ll(1.0, 0.0));
        assert!((out[0].segment_bearing_deg() - 90.0).abs() < 1e-9, "the line runs east");
        idx.crossings(ll(2.0, -1.0), ll(2.0, 1.0), &mut out);
        assert_eq!(
            out.len(),
            1,
            "the line's last vertex belongs to its last segment"
        );
        idx.crossings(ll(0.0, 0.0), ll(2.0, 0.0), &mut out);
        assert!(out.is_empty(), "along the line");
        idx.crossings(ll(0.5, 1.0), ll(0.5, 0.5), &mut out);
        assert!(out.is_empty(), "short of the line");
    }

    #[test]
    fn antimeridian() {
        let idx = index(vec![vec![ll(179.9, 0.0), ll(-179.9, 0.0)]], 1852.0);
        assert_eq!(idx.parts(FeatureId(0)).unwrap().len(), 2);
        let mut out = Vec::new();
        idx.near(ll(-180.0, 0.01), &mut out);
        assert_eq!(out.len(), 1);
        assert!((out[0].distance_m - 1105.7).abs() < 1.0, "{:?}", out[0]);
        idx.near(ll(179.999, -0.01), &mut out);
        assert_eq!(out.len(), 1);
        let mut cr = Vec::new();
        idx.crossings(ll(179.95, -0.1), ll(-179.97, 0.1), &mut cr);
        assert_eq!(cr.len(), 1);
        assert!(
            (cr[0].point.lon - 179.99).abs() < 1e-9 && cr[0].point.lat.abs() < 1e-12,
            "{:?}",
            cr[0]
        );
        assert!((cr[0].fraction - 0.5).abs() < 1e-9);
        assert!((cr[0].segment_bearing_deg() - 90.0).abs() < 1e-9, "east across the antimeridian");
    }
}
