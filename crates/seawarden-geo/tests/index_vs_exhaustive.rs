//! The indexes answer exactly like an exhaustive scan: on random synthetic
//! features (including the antimeridian, high latitudes, holes, overlaps
//! and odd corridors) and on the real data.

use std::sync::OnceLock;

use proptest::prelude::*;
use seawarden_geo::*;

const DATA: &str = "../../../shared/data";

// ---------- synthetic data ----------

/// Where synthetic features live: centre and spread in degrees.
fn region() -> impl Strategy<Value = (f64, f64, f64)> {
    prop_oneof![
        Just((56.0, 10.0, 2.0)),    // mid latitudes
        Just((0.0, 179.6, 1.0)),    // across the antimeridian
        Just((-10.0, -179.7, 0.8)), // across it the other way
        Just((78.0, 15.0, 3.0)),    // high latitude
        Just((59.9, 25.0, 0.3)),    // dense and small
    ]
}

fn ll(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon)
}

/// Random polylines around a centre (longitudes may pass ±180: the
/// constructors normalize them).
fn lines(c: (f64, f64, f64)) -> impl Strategy<Value = Vec<LineFeature>> {
    let (lat, lon, s) = c;
    let vertex =
        (-s..s, -s..s).prop_map(move |(dy, dx)| ll((lat + dy).clamp(-89.0, 89.0), lon + dx));
    let part = prop::collection::vec(vertex, 2..8);
    let feature = (prop::collection::vec(part, 1..3), 50.0f64..6000.0);
    prop::collection::vec(feature, 1..12).prop_map(|fs| {
        fs.into_iter()
            .enumerate()
            .filter_map(|(i, (parts, corridor))| {
                let mut f = Feature::new(format!("l{i}"), format!("line {i}"), FeatureKind::Cable);
                f.corridor_m = corridor;
                LineFeature::new(f, parts).ok()
            })
            .collect()
    })
}

/// A star-shaped ring (never self-intersecting) round `(lat, lon)`.
fn star(lat: f64, lon: f64, radii: &[f64]) -> Vec<LatLon> {
    let n = radii.len();
    let mut ring: Vec<LatLon> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            ll(
                (lat + r * a.sin()).clamp(-89.0, 89.0),
                lon + r * a.cos() / (lat.to_radians().cos().max(0.2)),
            )
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// Random polygons with optional holes; zones may overlap.
fn polygons(c: (f64, f64, f64)) -> impl Strategy<Value = Vec<Vec<Vec<Vec<LatLon>>>>> {
    let (lat, lon, s) = c;
    let poly = (
        -s..s,
        -s..s,
        0.05 * s..s,
        prop::collection::vec(0.4f64..1.0, 3..16),
        prop::bool::ANY,
    )
        .prop_map(move |(dy, dx, size, radii, hole)| {
            let (clat, clon) = (lat + dy, lon + dx);
            let outer: Vec<f64> = radii.iter().map(|r| r * size).collect();
            let mut rings = vec![star(clat, clon, &outer)];
            if hole {
                let inner: Vec<f64> = radii.iter().map(|r| r * size * 0.3).collect();
                rings.push(star(clat, clon, &inner));
            }
            rings
        });
    prop::collection::vec(prop::collection::vec(poly, 1..3), 1..8)
}

fn zones_from(polys: Vec<Vec<Vec<Vec<LatLon>>>>) -> Vec<ZoneFeature> {
    polys
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            ZoneFeature::new(Feature::new(format!("z{i}"), "", FeatureKind::Aoi), p).ok()
        })
        .collect()
}

/// Query points spread over the region and a little beyond.
fn points(c: (f64, f64, f64)) -> impl Strategy<Value = Vec<LatLon>> {
    let (lat, lon, s) = c;
    prop::collection::vec((-1.3 * s..1.3 * s, -1.3 * s..1.3 * s), 50..150).prop_map(move |v| {
        v.into_iter()
            .map(|(dy, dx)| ll((lat + dy).clamp(-89.5, 89.5), normalize_lon(lon + dx)))
            .collect()
    })
}

fn resolution() -> impl Strategy<Value = GridResolution> {
    prop::sample::select(vec![1u32, 4, 16, 32])
        .prop_map(|n| GridResolution::cells_per_degree(n).unwrap())
}

fn check_infra(infra: &InfraIndex, pts: &[LatLon]) -> Result<(), TestCaseError> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for p in pts {
        infra.near(*p, &mut a);
        infra.near_exhaustive(*p, &mut b);
        prop_assert_eq!(&a, &b, "near {:?}", p);
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for w in pts.windows(2) {
        infra.crossings(w[0], w[1], &mut a);
        infra.crossings_exhaustive(w[0], w[1], &mut b);
        prop_assert_eq!(&a, &b, "crossings {:?} -> {:?}", w[0], w[1]);
    }
    // Short hops, as ships report them (most inside one grid cell).
    for (i, p) in pts.iter().enumerate() {
        let q = destination(*p, i as f64 * 37.0, 10.0 * 1.7f64.powi(i as i32 % 12));
        infra.crossings(*p, q, &mut a);
        infra.crossings_exhaustive(*p, q, &mut b);
        prop_assert_eq!(&a, &b, "crossings {:?} -> {:?}", p, q);
    }
    Ok(())
}

fn check_zones(zones: &ZoneIndex, pts: &[LatLon]) -> Result<(), TestCaseError> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for p in pts {
        zones.zones_at(*p, &mut a);
        zones.zones_at_exhaustive(*p, &mut b);
        prop_assert_eq!(&a, &b, "zones_at {:?}", p);
    }
    Ok(())
}

/// Points round `p` inside the radius the engine trusts a clearance `r`
/// to (`0.99 r - 1` metres): on the rim in eight directions and half-way.
fn inside_clearance(p: LatLon, r: f64) -> Vec<LatLon> {
    let d = 0.99 * r - 1.0;
    if d <= 0.0 {
        return Vec::new();
    }
    (0..8)
        .flat_map(|i| {
            let b = i as f64 * 45.0 + 7.0;
            [destination(p, b, d), destination(p, b, d / 2.0)]
        })
        .collect()
}

/// Inside a position's clearance no corridor holds it and no path crosses
/// a line; a position in a corridor has none.
fn check_infra_clearance(infra: &InfraIndex, pts: &[LatLon]) -> Result<(), TestCaseError> {
    let mut hits = Vec::new();
    let mut crossings = Vec::new();
    for p in pts {
        let r = infra.clearance_m(*p);
        infra.near(*p, &mut hits);
        prop_assert!(hits.is_empty() || r == 0.0, "{:?}: clearance {} in a corridor", p, r);
        let around = inside_clearance(*p, r);
        for q in &around {
            infra.near(*q, &mut hits);
            prop_assert!(hits.is_empty(), "{:?} is {} m from {:?}, inside its clearance, but near {:?}", q, r, p, hits);
            infra.crossings(*p, *q, &mut crossings);
            prop_assert!(crossings.is_empty(), "{:?} -> {:?} crosses {:?}", p, q, crossings);
        }
        for w in around.chunks(2).zip(around.chunks(2).skip(4)) {
            infra.crossings(w.0[0], w.1[0], &mut crossings);
            prop_assert!(crossings.is_empty(), "chord {:?} -> {:?} crosses {:?}", w.0[0], w.1[0], crossings);
        }
    }
    Ok(())
}

/// Inside a position's clearance the same zones contain every point.
fn check_zones_clearance(zones: &ZoneIndex, pts: &[LatLon]) -> Result<(), TestCaseError> {
    let (mut at_p, mut at_q) = (Vec::new(), Vec::new());
    for p in pts {
        let r = zones.clearance_m(*p);
        zones.zones_at(*p, &mut at_p);
        for q in inside_clearance(*p, r) {
            zones.zones_at(q, &mut at_q);
            prop_assert_eq!(&at_q, &at_p, "{:?} is inside the {} m clearance of {:?}", q, r, p);
        }
    }
    Ok(())
}

/// Inside a position's clearance the land mask gives the same answer; a
/// position called open sea has no land within the coast tolerance.
fn check_land_clearance(land: &LandMask, pts: &[LatLon]) -> Result<(), TestCaseError> {
    let tol = land.coast_tolerance_m();
    for p in pts.iter().filter(|p| land.open_sea(**p)) {
        for i in 0..16 {
            let q = destination(*p, i as f64 * 22.5 + 3.0, tol * if i % 2 == 0 { 0.99 } else { 0.5 });
            prop_assert!(!land.is_land_strict(q), "{:?} is called open sea, but {:?} is land", p, q);
        }
    }
    for p in pts {
        let r = land.clearance_m(*p);
        let want = land.is_land(*p);
        for q in inside_clearance(*p, r) {
            prop_assert_eq!(land.is_land(q), want, "{:?} is inside the {} m clearance of {:?}", q, r, p);
        }
    }
    Ok(())
}

/// Crossing-number test on a raw ring, with longitudes taken continuously
/// from the ring's first vertex (for rings across the antimeridian).
fn raw_contains(rings: &[Vec<LatLon>], p: LatLon) -> bool {
    let mut inside = false;
    for ring in rings {
        let base = ring[0].lon;
        let un = |x: f64| base + (x - base + 540.0).rem_euclid(360.0) - 180.0;
        let px = un(p.lon);
        for w in ring.windows(2) {
            let (ax, bx) = (un(w[0].lon), un(w[1].lon));
            let (ay, by) = (w[0].lat, w[1].lat);
            if (ay > p.lat) != (by > p.lat) && px < ax + (p.lat - ay) * (bx - ax) / (by - ay) {
                inside = !inside;
            }
        }
    }
    inside
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn infra_index_matches_exhaustive(
        (lines, pts, res) in region().prop_flat_map(|c| (lines(c), points(c), resolution()))
    ) {
        let infra = InfraIndex::with_options(lines, InfraIndexOptions { resolution: res });
        check_infra(&infra, &pts)?;
        check_infra_clearance(&infra, &pts)?;
    }

    #[test]
    fn infra_hits_near_vertices(
        (lines, res) in region().prop_flat_map(|c| (lines(c), resolution())),
        offsets in prop::collection::vec((0.0f64..360.0, 0.0f64..8000.0), 20)
    ) {
        // Points a little off the vertices, so that most are in a corridor.
        let pts: Vec<LatLon> = lines
            .iter()
            .flat_map(|l| l.parts().iter().flatten().copied())
            .zip(offsets.iter().cycle())
            .map(|(v, &(b, d))| destination(LatLon::new(v.lat.clamp(-89.0, 89.0), v.lon), b, d))
            .collect();
        let infra = InfraIndex::with_options(lines, InfraIndexOptions { resolution: res });
        check_infra(&infra, &pts)?;
        check_infra_clearance(&infra, &pts)?;
    }

    #[test]
    fn zone_index_matches_exhaustive(
        (polys, pts, res) in region().prop_flat_map(|c| (polygons(c), points(c), resolution()))
    ) {
        let zones = ZoneIndex::with_options(zones_from(polys), ZoneIndexOptions { resolution: res });
        check_zones(&zones, &pts)?;
        check_zones_clearance(&zones, &pts)?;
    }

    #[test]
    fn antimeridian_clipping_keeps_containment(
        (polys, pts) in prop_oneof![Just((0.0, 179.6, 1.0)), Just((-10.0, -179.7, 0.8))].prop_flat_map(|c| (polygons(c), points(c)))
    ) {
        let zones = ZoneIndex::new(zones_from(polys.clone()));
        let mut got = Vec::new();
        for p in &pts {
            zones.zones_at(*p, &mut got);
            let want: Vec<FeatureId> = polys
                .iter()
                .enumerate()
                .filter(|(_, poly)| raw_contains(&poly.iter().flatten().cloned().collect::<Vec<_>>(), *p))
                .map(|(i, _)| FeatureId(i as u32))
                .collect();
            prop_assert_eq!(&got, &want, "{:?}", p);
        }
    }

    #[test]
    fn land_mask_matches_exhaustive(
        (polys, pts, res) in region().prop_flat_map(|c| (polygons(c), points(c), resolution())),
        tolerance in prop_oneof![Just(0.0), 1.0f64..3000.0]
    ) {
        let mask = LandMask::new(zones_from(polys), LandMaskOptions { coast_tolerance_m: tolerance, resolution: res });
        for p in &pts {
            prop_assert_eq!(mask.is_land(*p), mask.is_land_exhaustive(*p), "{:?}", p);
        }
        check_land_clearance(&mask, &pts)?;
    }
}

// ---------- real data ----------

fn real_infra() -> &'static InfraIndex {
    static R: OnceLock<InfraIndex> = OnceLock::new();
    R.get_or_init(|| {
        let mut lines = load_geojson_file(
            format!("{DATA}/infrastructure/telegeography/cable-geo.json"),
            &LoadOptions::telegeography(),
        )
        .unwrap()
        .lines;
        lines.extend(
            load_geojson_file(
                format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson"),
                &LoadOptions::sodir_pipelines(),
            )
            .unwrap()
            .lines,
        );
        InfraIndex::new(lines)
    })
}

fn real_zones() -> &'static ZoneIndex {
    static R: OnceLock<ZoneIndex> = OnceLock::new();
    R.get_or_init(|| {
        let path =
            format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson");
        ZoneIndex::new(
            load_geojson_file(path, &LoadOptions::countries_maritime())
                .unwrap()
                .zones,
        )
    })
}

fn real_land() -> &'static LandMask {
    static R: OnceLock<LandMask> = OnceLock::new();
    R.get_or_init(|| {
        LandMask::from_geojson_file(
            format!("{DATA}/boundaries/natural_earth/ne_50m_land.json"),
            LandMaskOptions::default(),
        )
        .unwrap()
        .0
    })
}

/// North Sea and Baltic, where the data is dense.
fn north_europe() -> impl Strategy<Value = Vec<LatLon>> {
    prop::collection::vec((51.0f64..66.0, -4.0f64..30.0), 64)
        .prop_map(|v| v.into_iter().map(|(lat, lon)| ll(lat, lon)).collect())
}

/// Points within a few km of real cable and pipeline vertices.
fn near_real_lines() -> impl Strategy<Value = Vec<LatLon>> {
    let n = real_infra().len() as u32;
    prop::collection::vec(
        (
            0..n,
            any::<prop::sample::Index>(),
            0.0f64..360.0,
            0.0f64..4000.0,
        ),
        64,
    )
    .prop_map(|v| {
        let infra = real_infra();
        v.into_iter()
            .map(|(f, i, b, d)| {
                let parts = infra.parts(FeatureId(f)).unwrap();
                let verts: Vec<LatLon> = parts.iter().flatten().copied().collect();
                let p = verts[i.index(verts.len())];
                destination(LatLon::new(p.lat.clamp(-89.0, 89.0), p.lon), b, d)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn real_infra_matches_exhaustive(pts in north_europe(), near in near_real_lines()) {
        check_infra(real_infra(), &pts)?;
        check_infra(real_infra(), &near)?;
        check_infra_clearance(real_infra(), &pts)?;
        check_infra_clearance(real_infra(), &near)?;
    }

    #[test]
    fn real_zones_match_exhaustive(pts in north_europe()) {
        check_zones(real_zones(), &pts)?;
        check_zones_clearance(real_zones(), &pts)?;
    }

    #[test]
    fn real_land_matches_exhaustive(pts in north_europe()) {
        let land = real_land();
        for p in &pts {
            prop_assert_eq!(land.is_land(*p), land.is_land_exhaustive(*p), "{:?}", p);
        }
        check_land_clearance(land, &pts)?;
    }
}
