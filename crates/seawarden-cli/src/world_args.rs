//! The `--infra`, `--zones`, `--watchlist`, `--ports` and `--land` flags
//! shared by the commands that load a world.

use clap::Args;
use seawarden_pipeline::WorldSpec;

/// Where the world is: infrastructure, zones, watchlists, ports, land.
#[derive(Args, Debug, Default, Clone)]
pub struct WorldArgs {
    /// GeoJSON of cables, pipelines (lines) and zones (polygons); plain or
    /// gzip; repeatable.
    #[arg(long = "infra", value_name = "FILE")]
    pub infra: Vec<String>,
    /// GeoJSON of zones (polygons); an alias of `--infra`, for clarity.
    #[arg(long = "zones", value_name = "FILE")]
    pub zones: Vec<String>,
    /// Property holding each feature's id (default: by file, see docs/alerts.md;
    /// else `id`).
    #[arg(long, value_name = "NAME")]
    pub id_property: Option<String>,
    /// Kind of zones whose features have no `kind` property (`territorial_sea`,
    /// `eez`, `aoi`, `anchorage`, `port`, `exclusion`). The default suits the
    /// OpenStreetMap countries-with-territorial-sea polygons.
    #[arg(long, value_name = "KIND", default_value = "territorial_sea")]
    pub default_zone_kind: String,
    /// Corridor half-width of lines without a `corridor_m` property, metres
    /// (default one nautical mile).
    #[arg(long, value_name = "METRES", default_value_t = 1852.0)]
    pub corridor_m: f64,
    /// Watchlist CSV (`mmsi,imo,name,list,reason`); repeatable.
    #[arg(long, value_name = "FILE")]
    pub watchlist: Vec<String>,
    /// World Port Index CSV (NGA Pub 150), for "in port" and last port of
    /// call (default: the embedded extract of northern European ports).
    #[arg(long, value_name = "FILE")]
    pub ports: Option<String>,
    /// Land polygons (GeoJSON, e.g. Natural Earth land), to flag positions on land.
    #[arg(long, value_name = "FILE")]
    pub land: Option<String>,
}

impl WorldArgs {
    /// The files named on the command line.
    pub fn spec(&self) -> WorldSpec {
        WorldSpec {
            infra: self.infra.clone(),
            zones: self.zones.clone(),
            id_property: self.id_property.clone(),
            default_zone_kind: self.default_zone_kind.clone(),
            corridor_m: self.corridor_m,
            watchlist: self.watchlist.clone(),
            ports: self.ports.clone(),
            land: self.land.clone(),
        }
    }
}
