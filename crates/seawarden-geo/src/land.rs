//! Land mask: is a position on land, with a tolerance along the coast.

use std::path::Path;

use crate::error::Error;
use crate::feature::{FeatureKind, ZoneFeature};
use crate::geodesy::{LatLon, LocalFrame};
use crate::geojson::{load_geojson_file, LoadOptions, LoadReport};
use crate::grid::GridResolution;
use crate::polygrid::{ring_edges, ring_parity, Edge, PolyGrid, PolyGridStats};

/// Options of a [`LandMask`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LandMaskOptions {
    /// A position on land but within this many metres of the coastline is
    /// not called land (harbours, berths, and coarse coastlines: Natural
    /// Earth 1:10m is generalized by some hundreds of metres). Default 100.
    pub coast_tolerance_m: f64,
    /// Fine cell size (default 1/16°).
    pub resolution: GridResolution,
}

impl Default for LandMaskOptions {
    fn default() -> Self {
        LandMaskOptions {
            coast_tolerance_m: 100.0,
            resolution: GridResolution::DEFAULT,
        }
    }
}

/// Land polygons (e.g. Natural Earth land) in a grid of cells classified
/// as all sea, all land (deeper than the tolerance) or coastal; coastal
/// cells keep the coastline edges in or within the tolerance of them.
/// Each polygon is a separate region, so overlapping polygons are fine.
#[derive(Debug, Clone)]
pub struct LandMask {
    polygons: Vec<Vec<Vec<LatLon>>>,
    grid: PolyGrid,
    tolerance_m: f64,
}

impl LandMask {
    /// Largest coast tolerance, metres (10 km).
    pub const MAX_TOLERANCE_M: f64 = 10_000.0;

    /// A mask from land polygons (kinds and attributes are ignored). A
    /// tolerance that is not a finite number >= 0 is read as 0, and one
    /// above [`LandMask::MAX_TOLERANCE_M`] as that.
    pub fn new(land: Vec<ZoneFeature>, options: LandMaskOptions) -> Self {
        let t = options.coast_tolerance_m;
        let tolerance_m = if t.is_finite() && t > 0.0 {
            t.min(Self::MAX_TOLERANCE_M)
        } else {
            0.0
        };
        let polygons: Vec<Vec<Vec<LatLon>>> =
            land.into_iter().flat_map(|z| z.into_parts().1).collect();
        let regions: Vec<Vec<&Vec<LatLon>>> = polygons.iter().map(|p| p.iter().collect()).collect();
        let grid = PolyGrid::build(options.resolution, &regions, tolerance_m);
        LandMask {
            polygons,
            grid,
            tolerance_m,
        }
    }

    /// Loads land polygons from a GeoJSON file (`.gz` too) and builds the
    /// mask; the report tells what was read and skipped.
    ///
    /// # Errors
    /// If the file cannot be read or is not GeoJSON.
    pub fn from_geojson_file(
        path: impl AsRef<Path>,
        options: LandMaskOptions,
    ) -> Result<(Self, LoadReport), Error> {
        let opts = LoadOptions {
            zone_kind: FeatureKind::Aoi,
            ..LoadOptions::default()
        };
        let layer = load_geojson_file(path, &opts)?;
        Ok((LandMask::new(layer.zones, options), layer.report))
    }

    /// The coast tolerance, metres.
    pub fn coast_tolerance_m(&self) -> f64 {
        self.tolerance_m
    }

    /// Number of land polygons.
    pub fn polygon_count(&self) -> usize {
        self.polygons.len()
    }

    /// Grid sizes.
    pub fn stats(&self) -> PolyGridStats {
        self.grid.stats()
    }

    /// True if `p` is on land and more than the coast tolerance from the
    /// coastline. An invalid position is not land.
    pub fn is_land(&self, p: LatLon) -> bool {
        if !p.is_valid() {
            return false;
        }
        let p = p.normalized();
        let mut land = false;
        let tol2 = self.tolerance_m * self.tolerance_m;
        self.grid.for_each_inside(p, |_, edges| {
            land = match edges {
                None => true,
                Some(edges) => self.tolerance_m == 0.0 || !near_any(p, edges.iter().copied(), tol2),
            };
            !land
        });
        land
    }

    /// Metres round `p` within which [`LandMask::is_land`] gives the same
    /// answer as at `p` (0 for an invalid position): no coastline edge is
    /// crossed, and none comes into or goes out of the coast tolerance.
    pub fn clearance_m(&self, p: LatLon) -> f64 {
        if !p.is_valid() {
            return 0.0;
        }
        let tol = self.tolerance_m;
        self.grid.clearance_m(p.normalized(), |d| d.min((d - tol).abs()))
    }

    /// True if `p` is sure to be farther than the coast tolerance from any
    /// land: its grid cell is at sea and no coastline comes within the
    /// tolerance of the cell. `false` says nothing (measure then).
    pub fn open_sea(&self, p: LatLon) -> bool {
        p.is_valid() && self.grid.cell_is_empty(p.normalized())
    }

    /// True if `p` is inside a land polygon, ignoring the tolerance.
    pub fn is_land_strict(&self, p: LatLon) -> bool {
        if !p.is_valid() {
            return false;
        }
        let mut land = false;
        self.grid.for_each_inside(p.normalized(), |_, _| {
            land = true;
            false
        });
        land
    }

    /// Same answer as [`LandMask::is_land`], by testing every polygon and
    /// measuring to every edge.
    pub fn is_land_exhaustive(&self, p: LatLon) -> bool {
        if !p.is_valid() {
            return false;
        }
        let p = p.normalized();
        let tol2 = self.tolerance_m * self.tolerance_m;
        self.polygons.iter().any(|rings| {
            ring_parity(rings, p)
                && (self.tolerance_m == 0.0 || !near_any(p, ring_edges(rings), tol2))
        })
    }
}

/// True if an edge is closer to `p` than `sqrt(tol2)` metres.
fn near_any(p: LatLon, edges: impl Iterator<Item = Edge>, tol2: f64) -> bool {
    let frame = LocalFrame::new(p);
    edges.into_iter().any(|e| e.distance2(&frame) < tol2)
}
