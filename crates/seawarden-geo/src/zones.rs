//! Zones: which polygons contain a position.

use crate::feature::{Feature, FeatureId, ZoneFeature};
use crate::geodesy::LatLon;
use crate::grid::GridResolution;
use crate::polygrid::{ring_parity, PolyGrid, PolyGridStats};

/// Options of a [`ZoneIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ZoneIndexOptions {
    /// Fine cell size (default 1/16°).
    pub resolution: GridResolution,
}

/// Zones (territorial seas, EEZs, areas of interest, anchorages, ports,
/// exclusion areas) with a grid of classified cells: a position in a cell
/// wholly inside or outside a zone is answered without geometry; in a cell
/// the zone's boundary touches, only that cell's edges are tested.
///
/// Containment is even-odd over all rings of a zone (holes work); a point
/// exactly on a boundary may go either way.
#[derive(Debug, Clone)]
pub struct ZoneIndex {
    features: Vec<Feature>,
    polygons: Vec<Vec<Vec<Vec<LatLon>>>>,
    grid: PolyGrid,
}

impl ZoneIndex {
    /// An index with default options.
    pub fn new(zones: Vec<ZoneFeature>) -> Self {
        Self::with_options(zones, ZoneIndexOptions::default())
    }

    /// An index with the given options.
    pub fn with_options(zones: Vec<ZoneFeature>, options: ZoneIndexOptions) -> Self {
        let (features, polygons): (Vec<_>, Vec<_>) =
            zones.into_iter().map(ZoneFeature::into_parts).unzip();
        let regions: Vec<Vec<&Vec<LatLon>>> = polygons
            .iter()
            .map(|p: &Vec<Vec<Vec<LatLon>>>| p.iter().flatten().collect())
            .collect();
        let grid = PolyGrid::build(options.resolution, &regions, 0.0);
        ZoneIndex {
            features,
            polygons,
            grid,
        }
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True if there are no zones.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// A zone's attributes; `None` for an id not from this index.
    pub fn feature(&self, id: FeatureId) -> Option<&Feature> {
        self.features.get(id.index())
    }

    /// All zones, indexed by [`FeatureId`].
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// A zone's normalized polygons.
    pub fn polygons(&self, id: FeatureId) -> Option<&[Vec<Vec<LatLon>>]> {
        self.polygons.get(id.index()).map(Vec::as_slice)
    }

    /// The first zone with this id.
    pub fn find(&self, id: &str) -> Option<FeatureId> {
        self.features
            .iter()
            .position(|f| f.id == id)
            .map(|i| FeatureId(i as u32))
    }

    /// Grid sizes.
    pub fn stats(&self) -> PolyGridStats {
        self.grid.stats()
    }

    /// Every zone containing `p`, in increasing id order. Clears `out`
    /// first; an invalid position gives nothing.
    pub fn zones_at(&self, p: LatLon, out: &mut Vec<FeatureId>) {
        out.clear();
        if !p.is_valid() {
            return;
        }
        self.grid.for_each_inside(p.normalized(), |r, _| {
            out.push(FeatureId(r));
            true
        });
        if out.len() > 1 {
            out.sort_unstable();
        }
    }

    /// Metres round `p` within which [`ZoneIndex::zones_at`] gives the same
    /// zones as at `p` (0 for an invalid position): no zone boundary comes
    /// nearer.
    pub fn clearance_m(&self, p: LatLon) -> f64 {
        if !p.is_valid() {
            return 0.0;
        }
        self.grid.clearance_m(p.normalized(), |d| d)
    }

    /// True if zone `id` contains `p`.
    pub fn contains(&self, id: FeatureId, p: LatLon) -> bool {
        let mut found = false;
        if p.is_valid() {
            self.grid.for_each_inside(p.normalized(), |r, _| {
                found |= r == id.0;
                !found
            });
        }
        found
    }

    /// Same answer as [`ZoneIndex::zones_at`], by testing every ring of
    /// every zone (crossing-number test).
    pub fn zones_at_exhaustive(&self, p: LatLon, out: &mut Vec<FeatureId>) {
        out.clear();
        if !p.is_valid() {
            return;
        }
        let p = p.normalized();
        for (i, polys) in self.polygons.iter().enumerate() {
            if ring_parity(polys.iter().flatten(), p) {
                out.push(FeatureId(i as u32));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::FeatureKind;

    fn ll(lon: f64, lat: f64) -> LatLon {
        LatLon::new(lat, lon)
    }

    fn zone(id: &str, polys: Vec<Vec<Vec<LatLon>>>) -> ZoneFeature {
        ZoneFeature::new(Feature::new(id, id, FeatureKind::Aoi), polys).unwrap()
    }

    #[test]
    fn holes_overlaps_and_bad_positions() {
        let square = |x0: f64, y0: f64, s: f64| {
            vec![
                ll(x0, y0),
                ll(x0 + s, y0),
                ll(x0 + s, y0 + s),
                ll(x0, y0 + s),
                ll(x0, y0),
            ]
        };
        let idx = ZoneIndex::new(vec![
            zone(
                "a",
                vec![vec![square(0.0, 0.0, 4.0), square(1.0, 1.0, 2.0)]],
            ),
            zone("b", vec![vec![square(1.5, 1.5, 5.0)]]),
        ]);
        let mut out = Vec::new();
        idx.zones_at(ll(0.5, 0.5), &mut out);
        assert_eq!(out, [FeatureId(0)]);
        idx.zones_at(ll(1.2, 1.2), &mut out);
        assert!(out.is_empty(), "in the hole");
        idx.zones_at(ll(3.5, 3.5), &mut out);
        assert_eq!(out, [FeatureId(0), FeatureId(1)]);
        for bad in [
            ll(f64::NAN, 1.0),
            ll(1.0, 91.0),
            ll(181.0, 1.0),
            ll(f64::INFINITY, 0.0),
        ] {
            idx.zones_at(bad, &mut out);
            assert!(out.is_empty());
        }
        assert!(
            idx.contains(FeatureId(1), ll(6.0, 6.0)) && !idx.contains(FeatureId(7), ll(6.0, 6.0))
        );
    }

    #[test]
    fn polar_cap_closed_along_the_seam() {
        let r = vec![
            ll(-180.0, -80.0),
            ll(0.0, -70.0),
            ll(180.0, -80.0),
            ll(180.0, -90.0),
            ll(-180.0, -90.0),
            ll(-180.0, -80.0),
        ];
        let idx = ZoneIndex::new(vec![zone("ata", vec![vec![r]])]);
        for (p, inside) in [
            (ll(0.0, -85.0), true),
            (ll(179.99, -85.0), true),
            (ll(-180.0, -89.0), true),
            (ll(0.0, -60.0), false),
            (ll(90.0, -76.0), true),
            (ll(90.0, -74.0), false),
        ] {
            let mut out = Vec::new();
            idx.zones_at(p, &mut out);
            assert_eq!(!out.is_empty(), inside, "{p:?}");
        }
    }
}
