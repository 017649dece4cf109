//! The approximations against the exact WGS84 geodesic: the bounds stated in
//! the docs of `equirectangular_distance_m` and `LocalFrame`.

use proptest::prelude::*;
use seawarden_geo::geodesy::radii_of_curvature_m;
use seawarden_geo::*;

fn rel_err(approx: f64, exact: f64) -> f64 {
    (approx - exact).abs() / exact
}

/// Worst case over a sweep of bearings and latitudes for `dist_m`.
fn worst(max_lat: f64, dist_m: f64, f: impl Fn(LatLon, LatLon) -> f64) -> f64 {
    let mut worst: f64 = 0.0;
    let mut lat = -max_lat;
    while lat <= max_lat {
        for b in 0..72 {
            let a = LatLon::new(lat, 10.0);
            let p = destination(a, b as f64 * 5.0, dist_m);
            if p.lat.abs() > max_lat {
                continue;
            }
            worst = worst.max(rel_err(f(a, p), geodesic_distance_m(a, p)));
        }
        lat += 2.5;
    }
    worst
}

#[test]
fn equirectangular_worst_case_100km_to_80deg() {
    let w = worst(80.0, 100_000.0, equirectangular_distance_m);
    eprintln!("equirectangular, 100 km, |lat| <= 80: worst relative error {w:.2e}");
    assert!(w < 1e-3, "worst relative error {w}");
}

#[test]
fn local_frame_worst_cases() {
    let frame = |a: LatLon, p: LatLon| LocalFrame::new(a).distance_m(p);
    for (lat, d) in [(80.0, 2_000.0), (60.0, 5_000.0), (45.0, 10_000.0)] {
        let w = worst(lat, d, frame);
        eprintln!("local frame, {d} m, |lat| <= {lat}: worst relative error {w:.2e}");
        assert!(w < 1e-3, "{d} m to {lat}°: worst relative error {w}");
    }
}

#[test]
fn destination_and_bearing_invert_distance() {
    let a = LatLon::new(59.45, 24.75); // Tallinn
    let b = LatLon::new(60.17, 24.94); // Helsinki
    let d = geodesic_distance_m(a, b);
    assert!((d - 80_700.0).abs() < 1_000.0, "{d}");
    let c = destination(a, initial_bearing_deg(a, b), d);
    assert!(geodesic_distance_m(b, c) < 1e-6);
}

#[test]
fn radii_of_curvature_known_values() {
    // At the equator M = a (1 - e²), N = a; at the pole both are a² / b.
    let (m, n) = radii_of_curvature_m(0.0);
    assert!((m - 6_335_439.327).abs() < 1e-3 && (n - 6_378_137.0).abs() < 1e-6);
    let (m, n) = radii_of_curvature_m(90.0);
    assert!((m - 6_399_593.626).abs() < 1e-3 && (n - m).abs() < 1e-6);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn equirectangular_within_0_1_percent(lat in -80.0f64..80.0, lon in -180.0f64..180.0, bearing in 0.0f64..360.0, d in 1.0f64..100_000.0) {
        let a = LatLon::new(lat, lon);
        let b = destination(a, bearing, d);
        prop_assume!(b.lat.abs() <= 80.0);
        let exact = geodesic_distance_m(a, b);
        let e = rel_err(equirectangular_distance_m(a, b), exact);
        prop_assert!(e < 1e-3, "{a:?} {b:?}: {e}");
    }

    #[test]
    fn local_frame_within_0_1_percent_at_corridor_scale(lat in -80.0f64..80.0, lon in -180.0f64..180.0, bearing in 0.0f64..360.0, d in 1.0f64..2_000.0) {
        let a = LatLon::new(lat, lon);
        let b = destination(a, bearing, d);
        let e = rel_err(LocalFrame::new(a).distance_m(b), geodesic_distance_m(a, b));
        prop_assert!(e < 1e-3, "{a:?} {b:?}: {e}");
    }

    #[test]
    fn bearing_matches_destination(lat in -80.0f64..80.0, lon in -180.0f64..180.0, bearing in 0.0f64..360.0, d in 10.0f64..1_000_000.0) {
        let a = LatLon::new(lat, lon);
        let b = destination(a, bearing, d);
        let got = initial_bearing_deg(a, b);
        let diff = ((got - bearing + 540.0) % 360.0 - 180.0).abs();
        prop_assert!(diff < 1e-6, "{got} vs {bearing}");
        prop_assert!((geodesic_distance_m(a, b) - d).abs() < 1e-6);
    }
}
