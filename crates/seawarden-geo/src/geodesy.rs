//! Positions and distances on the WGS84 ellipsoid.
//!
//! Two metrics, named at every call site:
//!
//! - **geodesic** ([`geodesic_distance_m`], [`initial_bearing_deg`],
//!   [`destination`]): exact on the ellipsoid (Karney's algorithm, through
//!   `geographiclib-rs`), about 1-2 µs a call. For reports and tests.
//! - **equirectangular** ([`equirectangular_distance_m`], [`LocalFrame`]):
//!   a flat approximation with the ellipsoid's radii of curvature, a few
//!   nanoseconds a call. For hot paths; its error bounds are stated on each
//!   item and checked by the crate's tests against the geodesic.

use std::f64::consts::PI;
use std::sync::OnceLock;

use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

/// WGS84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS84 first eccentricity squared, `f (2 - f)`.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);
/// One international nautical mile, metres.
pub const NAUTICAL_MILE_M: f64 = 1852.0;

const DEG: f64 = PI / 180.0;

/// Metres per degree of latitude at the equator, where the meridional
/// radius of curvature is smallest: no degree of latitude is shorter.
pub(crate) const MIN_M_PER_DEG_LAT: f64 = WGS84_A * (1.0 - WGS84_E2) * DEG;

/// A position in degrees on WGS84: latitude north, longitude east.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LatLon {
    /// Latitude, degrees north, -90..=90.
    pub lat: f64,
    /// Longitude, degrees east, -180..=180.
    pub lon: f64,
}

impl LatLon {
    /// A position from latitude and longitude in degrees.
    pub const fn new(lat: f64, lon: f64) -> Self {
        LatLon { lat, lon }
    }

    /// True if both are finite, |lat| <= 90 and |lon| <= 180.
    pub fn is_valid(self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && self.lat.abs() <= 90.0
            && self.lon.abs() <= 180.0
    }

    /// The same position with the longitude in [-180, 180).
    pub fn normalized(self) -> Self {
        LatLon {
            lat: self.lat,
            lon: normalize_lon(self.lon),
        }
    }
}

/// A longitude brought into [-180, 180).
pub fn normalize_lon(lon: f64) -> f64 {
    if (-180.0..180.0).contains(&lon) {
        lon
    } else {
        let x = (lon + 180.0).rem_euclid(360.0) - 180.0;
        // rem_euclid can round up to exactly 360.
        if x >= 180.0 {
            x - 360.0
        } else {
            x
        }
    }
}

/// A longitude difference in (-360, 360) brought into [-180, 180).
#[inline]
pub(crate) fn wrap_dlon(d: f64) -> f64 {
    if d >= 180.0 {
        d - 360.0
    } else if d < -180.0 {
        d + 360.0
    } else {
        d
    }
}

fn wgs84() -> &'static Geodesic {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(Geodesic::wgs84)
}

/// Geodesic distance on the WGS84 ellipsoid, metres (Karney 2013, accurate
/// to nanometres). NaN if a position is not finite.
pub fn geodesic_distance_m(a: LatLon, b: LatLon) -> f64 {
    wgs84().inverse(a.lat, a.lon, b.lat, b.lon)
}

/// Initial bearing of the geodesic from `a` to `b`, degrees clockwise from
/// true north in [0, 360). Zero when the points coincide.
pub fn initial_bearing_deg(a: LatLon, b: LatLon) -> f64 {
    let (azi1, _azi2, _a12): (f64, f64, f64) = wgs84().inverse(a.lat, a.lon, b.lat, b.lon);
    normalize_bearing(azi1)
}

/// The point reached from `start` along the geodesic with initial bearing
/// `bearing_deg` (clockwise from north) after `distance_m` metres.
pub fn destination(start: LatLon, bearing_deg: f64, distance_m: f64) -> LatLon {
    let (lat, lon): (f64, f64) = wgs84().direct(start.lat, start.lon, bearing_deg, distance_m);
    LatLon {
        lat,
        lon: normalize_lon(lon),
    }
}

/// A bearing brought into [0, 360).
pub fn normalize_bearing(deg: f64) -> f64 {
    let b = deg.rem_euclid(360.0);
    if b >= 360.0 {
        0.0
    } else {
        b
    }
}

/// Meridional (`M`) and prime-vertical (`N`) radii of curvature at a
/// latitude in degrees, metres.
pub fn radii_of_curvature_m(lat_deg: f64) -> (f64, f64) {
    radii_from_sin((lat_deg * DEG).sin())
}

#[inline]
fn radii_from_sin(s: f64) -> (f64, f64) {
    let w = 1.0 - WGS84_E2 * s * s;
    let n = WGS84_A / w.sqrt();
    let m = WGS84_A * (1.0 - WGS84_E2) / (w * w.sqrt());
    (m, n)
}

/// Metres per degree of longitude along the parallel at `lat_deg`
/// (`N cos φ`), the smallest of the row when `lat_deg` is its largest |lat|.
pub(crate) fn m_per_deg_lon(lat_deg: f64) -> f64 {
    // `N cos φ` falls towards the pole; beyond the cap the frame holds cos
    // and N still grows a little, so the minimum is at the cap.
    let lat = lat_deg.abs().min(POLAR_CAP_LAT);
    let (_, n) = radii_of_curvature_m(lat);
    n * (lat * DEG).cos() * DEG
}

/// Beyond this |latitude| a [`LocalFrame`] keeps the longitude scale of this
/// latitude instead of going to zero at the pole: otherwise a single point
/// (the pole) would be near every longitude and indexes would have to enter
/// polar edges in every cell of their row.
pub const POLAR_CAP_LAT: f64 = 89.9;

/// Equirectangular distance, metres: the flat distance after scaling the
/// latitude difference by the meridional radius `M` and the longitude
/// difference by `N cos φ`, both at the mid-latitude. The longitude
/// difference is taken the short way round.
///
/// **Bound** (checked by the crate's tests against
/// [`geodesic_distance_m`]): within 0.1 % of the geodesic for distances up
/// to 100 km with both ends at |lat| <= 80° (worst found: 0.035 %). The
/// error grows with the longitude span and the latitude (meridian
/// convergence): about `Δλ² sin² φ / 24` relative for an east-west line,
/// 0.04 % for 100 km at 80°.
#[inline]
pub fn equirectangular_distance_m(a: LatLon, b: LatLon) -> f64 {
    let (sin, cos) = (0.5 * (a.lat + b.lat) * DEG).sin_cos();
    let (m, n) = radii_from_sin(sin);
    let dx = wrap_dlon(b.lon - a.lon) * DEG * n * cos;
    let dy = (b.lat - a.lat) * DEG * m;
    (dx * dx + dy * dy).sqrt()
}

/// A local east-north plane in metres around an origin: an affine map of
/// longitude and latitude with the radii of curvature at the origin's
/// latitude. Straight lines in longitude/latitude (GeoJSON's reading of a
/// segment) stay straight, so segment distances and intersections can be
/// computed in metres. Longitudes are taken the short way from the origin.
///
/// **Bound**: the relative error of the distance from the origin to a point
/// `d` metres away is below `tan|φ| · d / (2R) + e² d / R` (`R` ≈ 6371 km;
/// the first term is the change of `cos φ` across the displacement).
/// Checked by the tests against the geodesic: under 0.1 % for `d` up to
/// 2 km at |lat| <= 80°, 5 km at |lat| <= 60° and 10 km at |lat| <= 45°
/// (worst found: 0.034 %, 0.026 %, 0.030 %). The
/// indexes only measure within corridors, which are that small. Within
/// 0.1° of a pole the longitude scale is held at its [`POLAR_CAP_LAT`]
/// value (there the frame overstates east-west distances).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    origin: LatLon,
    /// Metres per degree of longitude.
    kx: f64,
    /// Metres per degree of latitude.
    ky: f64,
}

impl LocalFrame {
    /// The frame centred on `origin`.
    #[inline]
    pub fn new(origin: LatLon) -> Self {
        let (sin, cos) = (origin.lat * DEG).sin_cos();
        let (m, n) = radii_from_sin(sin);
        let c = if origin.lat.abs() <= POLAR_CAP_LAT {
            cos.abs()
        } else {
            (POLAR_CAP_LAT * DEG).cos()
        };
        LocalFrame {
            origin,
            kx: n * c * DEG,
            ky: m * DEG,
        }
    }

    /// The origin.
    pub fn origin(&self) -> LatLon {
        self.origin
    }

    /// Metres per degree of longitude and of latitude at the origin.
    #[inline]
    pub fn scale(&self) -> (f64, f64) {
        (self.kx, self.ky)
    }

    /// East and north of the origin, metres.
    #[inline]
    pub fn to_xy(&self, p: LatLon) -> [f64; 2] {
        [
            wrap_dlon(p.lon - self.origin.lon) * self.kx,
            (p.lat - self.origin.lat) * self.ky,
        ]
    }

    /// The position `xy` metres east and north of the origin. Inverse of
    /// [`LocalFrame::to_xy`] (longitude normalized into [-180, 180)).
    pub fn from_xy(&self, xy: [f64; 2]) -> LatLon {
        let lon = if self.kx > 0.0 {
            self.origin.lon + xy[0] / self.kx
        } else {
            self.origin.lon
        };
        LatLon {
            lat: self.origin.lat + xy[1] / self.ky,
            lon: normalize_lon(lon),
        }
    }

    /// Distance from the origin to `p`, metres.
    #[inline]
    pub fn distance_m(&self, p: LatLon) -> f64 {
        let [x, y] = self.to_xy(p);
        (x * x + y * y).sqrt()
    }
}

/// Planar helpers in a [`LocalFrame`]'s metres (or any Cartesian plane).
pub mod planar {
    /// Squared distance from `p` to the segment `a`-`b`, and the fraction
    /// along `a`-`b` of the nearest point (0 at `a`, 1 at `b`).
    #[inline]
    pub fn segment_distance2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
        let dx = b[0] - a[0];
        let dy = b[1] - a[1];
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let ex = a[0] + t * dx - p[0];
        let ey = a[1] + t * dy - p[1];
        (ex * ex + ey * ey, t)
    }

    /// Where segments `p0`-`p1` and `q0`-`q1` meet: `(t, u)` with the point
    /// at `p0 + t (p1 - p0) = q0 + u (q1 - q0)`, both in [0, 1]. `None` if
    /// they do not meet or are parallel (collinear overlaps included).
    #[inline]
    pub fn segment_intersection(
        p0: [f64; 2],
        p1: [f64; 2],
        q0: [f64; 2],
        q1: [f64; 2],
    ) -> Option<(f64, f64)> {
        let d = [p1[0] - p0[0], p1[1] - p0[1]];
        let e = [q1[0] - q0[0], q1[1] - q0[1]];
        let denom = d[0] * e[1] - d[1] * e[0];
        if denom == 0.0 || !denom.is_finite() {
            return None;
        }
        let w = [q0[0] - p0[0], q0[1] - p0[1]];
        let t = (w[0] * e[1] - w[1] * e[0]) / denom;
        let u = (w[0] * d[1] - w[1] * d[0]) / denom;
        if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
            Some((t, u))
        } else {
            None
        }
    }

    /// Bearing of the direction `(dx, dy)` (east, north), degrees clockwise
    /// from north in [0, 360).
    #[inline]
    pub fn bearing_deg(dx: f64, dy: f64) -> f64 {
        super::normalize_bearing(dx.atan2(dy).to_degrees())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_lon_ranges() {
        assert_eq!(normalize_lon(180.0), -180.0);
        assert_eq!(normalize_lon(-180.0), -180.0);
        assert_eq!(normalize_lon(190.0), -170.0);
        assert_eq!(normalize_lon(-190.0), 170.0);
        assert_eq!(normalize_lon(12.5), 12.5);
        assert!((-180.0..180.0).contains(&normalize_lon(-1e-20 + 180.0)));
    }

    #[test]
    fn one_degree_of_latitude_at_equator() {
        // 110 574.3 m per degree of latitude at the equator (WGS84).
        let d = geodesic_distance_m(LatLon::new(0.0, 0.0), LatLon::new(1.0, 0.0));
        assert!((d - 110_574.3).abs() < 0.1, "{d}");
        assert!((MIN_M_PER_DEG_LAT - 110_574.3).abs() < 1.0);
    }

    #[test]
    fn frame_round_trip() {
        let f = LocalFrame::new(LatLon::new(59.8, 25.0));
        let p = LatLon::new(59.81, 25.02);
        let q = f.from_xy(f.to_xy(p));
        assert!((q.lat - p.lat).abs() < 1e-12 && (q.lon - p.lon).abs() < 1e-12);
    }

    #[test]
    fn intersection_basic() {
        let r =
            planar::segment_intersection([0.0, 0.0], [2.0, 0.0], [1.0, -1.0], [1.0, 1.0]).unwrap();
        assert_eq!(r, (0.5, 0.5));
        assert!(
            planar::segment_intersection([0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]).is_none()
        );
    }

    #[test]
    fn bearings() {
        assert_eq!(planar::bearing_deg(0.0, 1.0), 0.0);
        assert_eq!(planar::bearing_deg(1.0, 0.0), 90.0);
        assert_eq!(planar::bearing_deg(-1.0, 0.0), 270.0);
        let b = initial_bearing_deg(LatLon::new(0.0, 0.0), LatLon::new(0.0, 1.0));
        assert!((b - 90.0).abs() < 1e-9);
    }
}
