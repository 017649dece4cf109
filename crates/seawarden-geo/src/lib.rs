//! # seawarden-geo
//!
//! Infrastructure, zones and geodesy: the fixed world that AIS positions
//! are tested against, once per position, on the hot path.
//!
//! - [`geodesy`]: [`LatLon`], the exact WGS84 geodesic
//!   ([`geodesic_distance_m`], [`initial_bearing_deg`], [`destination`]) and
//!   the fast approximations ([`equirectangular_distance_m`],
//!   [`LocalFrame`]) with their proven bounds.
//! - [`load_geojson_file`]: GeoJSON (plain or gzip) to [`LineFeature`]s
//!   (cables, pipelines, each with a corridor) and [`ZoneFeature`]s
//!   (territorial sea, EEZ, AOI, anchorage, port, exclusion), with a
//!   [`LoadReport`] of what was skipped and why.
//! - [`InfraIndex`]: which corridors contain a position
//!   ([`InfraIndex::near`]) and which lines a straight path crosses
//!   ([`InfraIndex::crossings`], for dark crossings across AIS gaps).
//! - [`ZoneIndex`]: which zones contain a position.
//! - [`LandMask`]: is a position on land, with a coast tolerance.
//!
//! No I/O but the loaders, no clock, no panics on bad input: invalid
//! positions give empty answers, bad features are skipped and reported.
//!
//! ```no_run
//! use seawarden_geo::*;
//!
//! let cables = load_geojson_file("cable-geo.json", &LoadOptions::telegeography())?;
//! let infra = InfraIndex::new(cables.lines);
//! let mut hits = Vec::new();
//! infra.near(LatLon::new(59.9, 24.9), &mut hits);
//! for h in &hits {
//!     let f = infra.feature(h.feature).unwrap();
//!     println!("{} at {:.0} m", f.name, h.distance_m);
//! }
//! # Ok::<(), seawarden_geo::Error>(())
//! ```
//!
//! ## Design
//!
//! **Geometry model.** A segment is the straight line between two vertices
//! in longitude/latitude, as GeoJSON (RFC 7946) reads it. Distances from a
//! position are measured in a [`LocalFrame`] at the position: an affine map
//! of longitude/latitude to metres with the ellipsoid's radii of curvature
//! there, so segments stay straight and point-to-segment distance and
//! segment intersection are exact planar formulas. Within the corridor
//! scale this is within 0.1 % of the geodesic (bound stated on
//! [`LocalFrame`] and checked by tests); crossing fractions do not depend on
//! the frame at all, as intersection is affine-invariant. The antimeridian
//! is handled by splitting lines and clipping rings at ±180° on load, and
//! by wrapping longitude offsets once per segment (segments are stored as
//! midpoint plus half-extent).
//!
//! **Uniform grid rather than an R-tree.** The queries are "what is at this
//! point" against a fixed set, millions of times. A sparse two-level grid
//! answers with two array reads and no tree descent: 1° cells (64 800,
//! most of the ocean empty, one read) pointing to blocks of fine cells only
//! where there is data. An R-tree (rstar) adapts to uneven density and is
//! smaller, but a query descends several levels with a cache miss each and,
//! for corridors, returns bounding boxes that overlap heavily along long
//! diagonal cables. The grid's costs are a fixed cell size (a coastal cell
//! in a fjord may hold many edges) and memory for blocks.
//!
//! **Cell size 1/16°** (0.0625°, about 7 km × 3.5 km at 60°N, twice the
//! 3.7 km width of a 1 nm corridor): measured on the full data (bench
//! `benches/geo.rs`), 1/4° and 1/8° cost more candidates where cables are
//! dense (near: 250 and 209 ns within 3 km of a line against 188 ns),
//! 1/32° saves little more and triples memory and build time (infra grid
//! 52 MB against 14 MB; land mask 123 MB against 47 MB). It is an option
//! ([`GridResolution`]), per index.
//!
//! - Lines: each segment is entered in every fine cell its corridor may
//!   touch (the corridor converted to degrees with the smallest
//!   metres-per-degree of the cell's row, so nothing is missed).
//!   [`InfraIndex::near`] reads one cell and measures its segments;
//!   [`InfraIndex::crossings`] walks the cells along the path.
//! - Polygons: each cell is classified per zone as wholly inside, wholly
//!   outside or boundary ("mixed"). A mixed cell keeps the zone's edges
//!   that touch it and whether a reference point of the cell is inside; a
//!   query counts crossings of the segment from itself to the reference
//!   point with those edges only. Reference points are classified at build
//!   time with scanlines. [`LandMask`] adds a buffer: a coastal cell keeps
//!   the edges within the tolerance of it, so a position inside land but
//!   nearer the coast than the tolerance is not land.
//!
//! Every index has an `*_exhaustive` twin that scans everything; property
//! tests check that both give the same answers on real and random data.
//!
//! ## Costs
//!
//! On the full data (TeleGeography + Sodir pipelines, 779 lines and 14 801
//! segments; 23 North European countries with their 12 nm; Natural Earth
//! 1:10m land), random North Sea / Baltic positions at sea, one core of the
//! project's 2-core machine: `near` about 40 ns (190 ns within 3 km of a
//! line, 1.5 hits), `zones_at` 30 ns, `is_land` 26 ns, all three together
//! under 100 ns. Loading and building all of it takes under half a second
//! (most of it the 1:10m land: 130 ms to parse the gzip, 220 ms to build).

#![warn(missing_docs)]

mod error;
mod feature;
pub mod geodesy;
mod geojson;
mod grid;
mod infra;
mod land;
mod polygrid;
mod zones;

pub use error::{Error, ErrorKind, GeometryError};
pub use feature::{Feature, FeatureId, FeatureKind, LineFeature, ZoneFeature};
pub use geodesy::{
    destination, equirectangular_distance_m, geodesic_distance_m, initial_bearing_deg,
    normalize_lon, LatLon, LocalFrame, NAUTICAL_MILE_M,
};
pub use geojson::{
    load_geojson_file, parse_geojson, Issue, IssueKind, Layer, LoadOptions, LoadReport,
};
pub use grid::{floor_i64, GridResolution};
pub use infra::{Crossing, InfraHit, InfraIndex, InfraIndexOptions};
pub use land::{LandMask, LandMaskOptions};
pub use polygrid::PolyGridStats;
pub use zones::{ZoneIndex, ZoneIndexOptions};
