//! What detectors need to know about the world: infrastructure, zones, land,
//! ports, watchlists and flags, behind one trait.
//!
//! The binary implements [`World`] with `seawarden-geo` and
//! `seawarden-registry`; detectors only see this interface, so they stay
//! independent of file formats and indexes.

/// An infrastructure feature whose corridor contains a position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InfraContact {
    /// Feature index.
    pub feature: u32,
    /// Distance to the line, metres.
    pub distance_m: f64,
}

/// A line crossed by the straight path between two positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InfraCrossing {
    /// Feature index.
    pub feature: u32,
    /// Crossing point, degrees.
    pub lat: f64,
    /// Crossing point, degrees.
    pub lon: f64,
    /// Fraction of the path at the crossing, 0-1.
    pub fraction: f64,
}

/// A watchlist match.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchHit {
    /// List name, e.g. `EU-833/2014-XLII`.
    pub list: String,
    /// Why the vessel is listed.
    pub reason: String,
    /// What matched: `mmsi`, `imo` or `name`.
    pub matched_on: &'static str,
}

/// A port near a position, borrowed from the world (asked for every slow
/// position in port: nothing is allocated unless the caller keeps it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PortRef<'a> {
    /// Port name.
    pub name: &'a str,
    /// ISO 3166 alpha-2 country code.
    pub country: &'a str,
    /// Distance, metres.
    pub distance_m: f64,
}

/// The world as detectors see it.
pub trait World {
    /// Infrastructure whose corridor contains the position.
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<InfraContact>);
    /// Lines crossed by the straight path from `a` to `b` (lat, lon).
    fn infra_crossings(&self, a: (f64, f64), b: (f64, f64), out: &mut Vec<InfraCrossing>);
    /// Zones containing the position (indexes).
    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>);
    /// True if the position is on land.
    fn is_land(&self, lat: f64, lon: f64) -> bool;
    /// True if the position is within `m` metres of the coastline (or on
    /// land): harbours, quays and marinas that no port list names.
    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool;
    /// The nearest port within `max_m` metres.
    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<PortRef<'_>>;
    /// A watchlist entry for the vessel, by MMSI, IMO or name.
    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<WatchHit>;
    /// The flag (ISO 3166 alpha-2) of an MMSI, from its MID.
    fn flag(&self, mmsi: u32) -> Option<String>;
    /// An infrastructure feature's id.
    fn infra_id(&self, feature: u32) -> &str;
    /// An infrastructure feature's name.
    fn infra_name(&self, feature: u32) -> &str;
    /// A zone's id.
    fn zone_id(&self, zone: u32) -> &str;
    /// A zone's name.
    fn zone_name(&self, zone: u32) -> &str;
    /// A zone's kind: `territorial_sea`, `eez`, `aoi`, `anchorage`, `port`, `exclusion`.
    fn zone_kind(&self, zone: u32) -> &str;
    /// Metres round a position within which [`World::infra_near`] finds
    /// nothing, no line passes (so no path inside the disk crosses one), and
    /// [`World::zones_at`] and [`World::is_land`] answer as at the position,
    /// measured as [`distance_m`] measures. The engine then answers a
    /// vessel's next positions inside the disk without asking again. The
    /// default, 0, means never.
    fn quiet_radius_m(&self, _lat: f64, _lon: f64) -> f64 {
        0.0
    }
    /// Metres round a position within which [`World::zones_at`] and
    /// [`World::is_land`] answer as at the position (corridors and lines
    /// may come and go), measured as [`distance_m`] measures: at least
    /// [`World::quiet_radius_m`]. The engine asks it for positions in a
    /// corridor, whose distances change with every report. The default, 0,
    /// means never.
    fn settled_radius_m(&self, _lat: f64, _lon: f64) -> f64 {
        0.0
    }
}

/// Positions within this distance of a port are never "on land": harbour
/// basins are often inside the generalised coastline.
pub const LAND_PORT_EXEMPTION_M: f64 = 5_000.0;

/// On land and not in a port, as the engine judges a position (the
/// tracker's land check).
pub fn inland<W: World + ?Sized>(world: &W, lat: f64, lon: f64) -> bool {
    inland_if(world, world.is_land(lat, lon), lat, lon)
}

/// [`inland`] when [`World::is_land`]'s answer is already known.
pub fn inland_if<W: World + ?Sized>(world: &W, is_land: bool, lat: f64, lon: f64) -> bool {
    is_land && world.nearest_port(lat, lon, LAND_PORT_EXEMPTION_M).is_none()
}

/// A borrowed world is a world: one loaded world can serve several engines
/// in turn (benchmarks, re-runs).
impl<T: World + ?Sized> World for &T {
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<InfraContact>) {
        (**self).infra_near(lat, lon, out)
    }
    fn infra_crossings(&self, a: (f64, f64), b: (f64, f64), out: &mut Vec<InfraCrossing>) {
        (**self).infra_crossings(a, b, out)
    }
    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        (**self).zones_at(lat, lon, out)
    }
    fn is_land(&self, lat: f64, lon: f64) -> bool {
        (**self).is_land(lat, lon)
    }
    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool {
        (**self).near_coast(lat, lon, m)
    }
    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<PortRef<'_>> {
        (**self).nearest_port(lat, lon, max_m)
    }
    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<WatchHit> {
        (**self).watch(mmsi, imo, name)
    }
    fn flag(&self, mmsi: u32) -> Option<String> {
        (**self).flag(mmsi)
    }
    fn infra_id(&self, feature: u32) -> &str {
        (**self).infra_id(feature)
    }
    fn infra_name(&self, feature: u32) -> &str {
        (**self).infra_name(feature)
    }
    fn zone_id(&self, zone: u32) -> &str {
        (**self).zone_id(zone)
    }
    fn zone_name(&self, zone: u32) -> &str {
        (**self).zone_name(zone)
    }
    fn zone_kind(&self, zone: u32) -> &str {
        (**self).zone_kind(zone)
    }
    fn quiet_radius_m(&self, lat: f64, lon: f64) -> f64 {
        (**self).quiet_radius_m(lat, lon)
    }
    fn settled_radius_m(&self, lat: f64, lon: f64) -> f64 {
        (**self).settled_radius_m(lat, lon)
    }
}

/// A world with nothing in it: no infrastructure, zones, land, ports or lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyWorld;

impl World for EmptyWorld {
    fn infra_near(&self, _: f64, _: f64, _: &mut Vec<InfraContact>) {}
    fn infra_crossings(&self, _: (f64, f64), _: (f64, f64), _: &mut Vec<InfraCrossing>) {}
    fn zones_at(&self, _: f64, _: f64, _: &mut Vec<u32>) {}
    fn is_land(&self, _: f64, _: f64) -> bool {
        false
    }
    fn near_coast(&self, _: f64, _: f64, _: f64) -> bool {
        false
    }
    fn nearest_port(&self, _: f64, _: f64, _: f64) -> Option<PortRef<'_>> {
        None
    }
    fn watch(&self, _: u32, _: Option<u32>, _: &str) -> Option<WatchHit> {
        None
    }
    fn flag(&self, _: u32) -> Option<String> {
        None
    }
    fn infra_id(&self, _: u32) -> &str {
        ""
    }
    fn infra_name(&self, _: u32) -> &str {
        ""
    }
    fn zone_id(&self, _: u32) -> &str {
        ""
    }
    fn zone_name(&self, _: u32) -> &str {
        ""
    }
    fn zone_kind(&self, _: u32) -> &str {
        ""
    }
    fn quiet_radius_m(&self, _: f64, _: f64) -> f64 {
        f64::INFINITY
    }
    fn settled_radius_m(&self, _: f64, _: f64) -> f64 {
        f64::INFINITY
    }
}

/// Distance between two positions in metres: a local flat-earth
/// approximation on the WGS84 ellipsoid's radii of curvature, within 0.1 % of
/// the geodesic up to 100 km (the scale at which detectors compare
/// positions; `seawarden-geo` proves the bound).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const A: f64 = 6_378_137.0;
    const E2: f64 = 6.694_379_990_14e-3;
    let phi = ((lat1 + lat2) / 2.0).to_radians();
    let s = phi.sin();
    let w = (1.0 - E2 * s * s).sqrt();
    let m = A * (1.0 - E2) / (w * w * w);
    let n = A / w;
    let dy = (lat2 - lat1).to_radians() * m;
    let dx = wrapped_dlon(lon1, lon2).to_radians() * n * phi.cos();
    (dx * dx + dy * dy).sqrt()
}

/// `lon2 - lon1` brought into [-180, 180] (for longitudes in [-180, 180]).
#[inline]
fn wrapped_dlon(lon1: f64, lon2: f64) -> f64 {
    let dlon = lon2 - lon1;
    if dlon > 180.0 {
        dlon - 360.0
    } else if dlon < -180.0 {
        dlon + 360.0
    } else {
        dlon
    }
}

/// Bounds `(lo, hi)` on [`distance_m`] without trigonometry, for deciding
/// most comparisons with a threshold before (or instead of) computing it:
/// the radii of curvature lie between the ellipsoid's smallest meridian
/// radius and its polar radius, and the cosine of the latitude between 0
/// and 1. Either bound is NaN where the distance is.
#[inline]
pub fn distance_bounds_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> (f64, f64) {
    // a (1 - e²) and a / sqrt(1 - e²), with a margin far above rounding.
    const MIN_RADIUS: f64 = 6_335_439.327 * (1.0 - 1e-6);
    const MAX_RADIUS: f64 = 6_399_593.626 * (1.0 + 1e-6);
    let dlat = (lat2 - lat1).to_radians();
    let dlon = wrapped_dlon(lon1, lon2).to_radians();
    (dlat.abs() * MIN_RADIUS, (dlat * dlat + dlon * dlon).sqrt() * MAX_RADIUS)
}

/// Whether [`distance_m`] is under `limit_m`, computing it only where its
/// bounds do not decide.
#[inline]
pub fn distance_under_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64, limit_m: f64) -> bool {
    let (lo, hi) = distance_bounds_m(lat1, lon1, lat2, lon2);
    if hi < limit_m {
        true
    } else if lo >= limit_m {
        false
    } else {
        distance_m(lat1, lon1, lat2, lon2) < limit_m
    }
}

/// Smallest difference between two angles, degrees (0-180).
pub fn angle_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    if d > 180.0 {
        360.0 - d
    } else {
        d
    }
}

/// Numbers in [0, 1) from a fixed xorshift sequence: the same random
/// inputs for the crate's tests on every run.
#[cfg(test)]
pub(crate) fn test_sequence() -> impl FnMut() -> f64 {
    let mut s = 0x2545_f491_4f6c_dd1du64;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounds hold, and the comparison they shortcut gives what the
    /// distance gives, for pairs from a metre to a hemisphere apart,
    /// across the date line and near the poles.
    #[test]
    fn distance_bounds_hold() {
        let mut next = test_sequence();
        for i in 0..200_000 {
            let (lat1, lon1) = (next() * 180.0 - 90.0, next() * 360.0 - 180.0);
            let scale = [1e-5, 1e-3, 1e-2, 0.1, 1.0, 50.0][i % 6];
            let lat2 = (lat1 + (next() - 0.5) * scale).clamp(-90.0, 90.0);
            let mut lon2 = lon1 + (next() - 0.5) * scale;
            if lon2 > 180.0 {
                lon2 -= 360.0;
            } else if lon2 < -180.0 {
                lon2 += 360.0;
            }
            let d = distance_m(lat1, lon1, lat2, lon2);
            let (lo, hi) = distance_bounds_m(lat1, lon1, lat2, lon2);
            assert!(lo <= d && d <= hi, "{lat1} {lon1} {lat2} {lon2}: {lo} {d} {hi}");
            for limit in [d, d * 0.999, d * 1.001, 500.0, 1852.0] {
                assert_eq!(distance_under_m(lat1, lon1, lat2, lon2, limit), d < limit);
            }
        }
        assert!(!distance_under_m(f64::NAN, 0.0, 0.0, 0.0, 500.0));
        let (lo, hi) = distance_bounds_m(0.0, 0.0, 0.0, 0.0);
        assert_eq!((lo, hi), (0.0, 0.0));
    }

    #[test]
    fn distance_matches_known_values() {
        // One minute of latitude at 60°N is 1856.9 m on WGS84 (meridional radius 6,383 km).
        let d = distance_m(60.0, 25.0, 60.0 + 1.0 / 60.0, 25.0);
        assert!((d - 1856.9).abs() < 0.5, "{d}");
        // One minute of longitude at 60°N is 930.0 m (prime vertical 6,394 km × cos 60°).
        let d = distance_m(60.0, 25.0, 60.0, 25.0 + 1.0 / 60.0);
        assert!((d - 930.0).abs() < 0.5, "{d}");
        assert_eq!(angle_diff(350.0, 10.0), 20.0);
        assert_eq!(angle_diff(10.0, 190.0), 180.0);
    }
}
