//! The world a pipeline runs in: infrastructure, zones and land from
//! `seawarden-geo`, ports, watchlists and flags from `seawarden-registry`,
//! behind `seawarden_detect::World`.

use std::cell::RefCell;
use std::path::Path;

use anyhow::{bail, Context, Result};
use seawarden_detect::{InfraContact, InfraCrossing, PortRef, WatchHit, World};
use seawarden_geo::{load_geojson_file, Crossing, FeatureId, FeatureKind, InfraHit, InfraIndex, LandMask, LandMaskOptions, LatLon, LoadOptions, ZoneIndex};
use seawarden_registry::{Ports, Watchlist};

/// Where the world comes from: the files behind `--infra`, `--zones`,
/// `--watchlist`, `--ports` and `--land`.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldSpec {
    /// GeoJSON of cables, pipelines (lines) and zones (polygons); plain or gzip.
    pub infra: Vec<String>,
    /// GeoJSON of zones (polygons); read exactly like `infra`.
    pub zones: Vec<String>,
    /// Property holding each feature's id (default: by file, else `id`).
    pub id_property: Option<String>,
    /// Kind of zones whose features have no `kind` property.
    pub default_zone_kind: String,
    /// Corridor half-width of lines without a `corridor_m` property, metres.
    pub corridor_m: f64,
    /// Watchlist CSVs (`mmsi,imo,name,list,reason`).
    pub watchlist: Vec<String>,
    /// World Port Index CSV; `None` uses the embedded northern European extract.
    pub ports: Option<String>,
    /// Land polygons (GeoJSON), to flag positions on land.
    pub land: Option<String>,
}

impl Default for WorldSpec {
    fn default() -> Self {
        WorldSpec {
            infra: Vec::new(),
            zones: Vec::new(),
            id_property: None,
            default_zone_kind: "territorial_sea".to_string(),
            corridor_m: 1852.0,
            watchlist: Vec::new(),
            ports: None,
            land: None,
        }
    }
}

/// Positions closer than this to the coastline are not "on land": Natural
/// Earth 1:10m leaves out small harbours and quays (measured by
/// `seawarden-geo`: 1 km clears most city harbours, 3 km nearly all).
const LAND_CLEARANCE_M: f64 = 1_500.0;

/// The world loaded from files.
pub struct GeoWorld {
    infra: InfraIndex,
    zones: ZoneIndex,
    land: Option<LandMask>,
    ports: Ports,
    watchlist: Watchlist,
    hits: RefCell<Vec<InfraHit>>,
    crossings: RefCell<Vec<Crossing>>,
    zone_ids: RefCell<Vec<FeatureId>>,
}

/// Reading options for a file: presets for the public data sets by file name
/// (TeleGeography's `cable-geo`, Sodir's `pipLine`, geo-maps'
/// `countries-maritime`), else generic.
fn options_for(path: &str, args: &WorldSpec) -> Result<LoadOptions> {
    let name = Path::new(path).file_name().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    let mut o = if name.contains("cable-geo") {
        LoadOptions::telegeography()
    } else if name.contains("pipline") {
        LoadOptions::sodir_pipelines()
    } else if name.contains("countries-maritime") {
        LoadOptions::countries_maritime()
    } else {
        LoadOptions::default()
    };
    if !name.contains("countries-maritime") {
        o.zone_kind = FeatureKind::parse(&args.default_zone_kind).filter(|k| !k.is_line()).with_context(|| format!("unknown zone kind {:?}", args.default_zone_kind))?;
    }
    if let Some(p) = &args.id_property {
        o.id_property = Some(p.clone());
    }
    o.corridor_m = args.corridor_m;
    Ok(o)
}

impl GeoWorld {
    /// Loads everything named in `args`; errors name the file at fault.
    pub fn load(args: &WorldSpec) -> Result<GeoWorld> {
        if !(args.corridor_m.is_finite() && args.corridor_m > 0.0) {
            bail!("--corridor-m must be a positive number of metres");
        }
        let mut lines = Vec::new();
        let mut zones = Vec::new();
        for path in args.infra.iter().chain(&args.zones) {
            let layer = load_geojson_file(path, &options_for(path, args)?).with_context(|| format!("cannot load {path}"))?;
            if !layer.report.skipped.is_empty() || !layer.report.warnings.is_empty() {
                eprintln!("seawarden: {}", layer.report);
            }
            lines.extend(layer.lines);
            zones.extend(layer.zones);
        }
        let land = match &args.land {
            Some(path) => {
                let options = LandMaskOptions { coast_tolerance_m: LAND_CLEARANCE_M, ..LandMaskOptions::default() };
                let (mask, report) = LandMask::from_geojson_file(path, options).with_context(|| format!("cannot load {path}"))?;
                if !report.skipped.is_empty() {
                    eprintln!("seawarden: {report}");
                }
                Some(mask)
            }
            None => None,
        };
        let ports = match &args.ports {
            Some(path) => Ports::load(path).with_context(|| format!("cannot load {path}"))?,
            None => Ports::north_europe(),
        };
        let watchlist = Watchlist::load_all(&args.watchlist).context("cannot load watchlists")?;
        let ports_report = args.ports.is_some().then(|| ports.report());
        for r in watchlist.reports().iter().chain(ports_report) {
            if !r.rejected.is_empty() || !r.warnings.is_empty() {
                eprintln!("seawarden: {r}");
            }
        }
        Ok(GeoWorld {
            infra: InfraIndex::new(lines),
            zones: ZoneIndex::new(zones),
            land,
            ports,
            watchlist,
            hits: RefCell::new(Vec::new()),
            crossings: RefCell::new(Vec::new()),
            zone_ids: RefCell::new(Vec::new()),
        })
    }

    fn strict_land(&self, p: LatLon) -> bool {
        self.land.as_ref().is_some_and(|l| l.is_land_strict(p))
    }

    fn zones_and_land_clearance_m(&self, p: LatLon) -> f64 {
        let r = self.zones.clearance_m(p);
        match &self.land {
            Some(land) if r > 0.0 => r.min(land.clearance_m(p)),
            _ => r,
        }
    }
}

/// The indexes measure on a plane tangent at the position, the engine with
/// `distance_m`: 1 % and a metre of slack.
fn with_slack(r: f64) -> f64 {
    (0.99 * r - 1.0).max(0.0)
}

impl World for GeoWorld {
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<InfraContact>) {
        let mut hits = self.hits.borrow_mut();
        self.infra.near(LatLon { lat, lon }, &mut hits);
        out.extend(hits.iter().map(|h| InfraContact { feature: h.feature.0, distance_m: h.distance_m }));
    }

    fn infra_crossings(&self, a: (f64, f64), b: (f64, f64), out: &mut Vec<InfraCrossing>) {
        let mut c = self.crossings.borrow_mut();
        self.infra.crossings(LatLon { lat: a.0, lon: a.1 }, LatLon { lat: b.0, lon: b.1 }, &mut c);
        out.extend(c.iter().map(|x| InfraCrossing { feature: x.feature.0, lat: x.point.lat, lon: x.point.lon, fraction: x.fraction }));
    }

    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        let mut ids = self.zone_ids.borrow_mut();
        self.zones.zones_at(LatLon { lat, lon }, &mut ids);
        out.extend(ids.iter().map(|z| z.0));
    }

    fn is_land(&self, lat: f64, lon: f64) -> bool {
        self.land.as_ref().is_some_and(|l| l.is_land(LatLon { lat, lon }))
    }

    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool {
        // On land, or land within `m` in one of eight directions (offsets on
        // the local tangent plane: metres-scale accuracy is plenty here).
        let p = LatLon { lat, lon };
        let Some(land) = &self.land else { return false };
        // The probes below lie within 1 % of `m` from `p`: none reaches land
        // if none lies within the coast tolerance of `p`'s cell.
        if m * 1.01 <= land.coast_tolerance_m() && land.open_sea(p) {
            return false;
        }
        if self.strict_land(p) {
            return true;
        }
        let dlat = m / 111_320.0;
        let dlon = m / (111_320.0 * lat.to_radians().cos().max(0.01));
        const D: f64 = std::f64::consts::FRAC_1_SQRT_2;
        [(1.0, 0.0), (D, D), (0.0, 1.0), (-D, D), (-1.0, 0.0), (-D, -D), (0.0, -1.0), (D, -D)]
            .iter()
            .any(|(n, e)| self.strict_land(LatLon { lat: lat + n * dlat, lon: lon + e * dlon }))
    }

    fn quiet_radius_m(&self, lat: f64, lon: f64) -> f64 {
        let p = LatLon { lat, lon };
        let r = self.infra.clearance_m(p);
        if r > 0.0 {
            with_slack(r.min(self.zones_and_land_clearance_m(p)))
        } else {
            0.0
        }
    }

    fn settled_radius_m(&self, lat: f64, lon: f64) -> f64 {
        with_slack(self.zones_and_land_clearance_m(LatLon { lat, lon }))
    }

    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<PortRef<'_>> {
        self.ports.nearest(lat, lon, max_m / 1000.0).map(|(p, km)| PortRef { name: &p.name, country: &p.country_code, distance_m: km * 1000.0 })
    }

    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<WatchHit> {
        self.watchlist.matches(Some(mmsi), imo, name).first().map(|m| WatchHit { list: m.entry.list.clone(), reason: m.entry.reason.clone(), matched_on: m.on.as_str() })
    }

    fn flag(&self, mmsi: u32) -> Option<String> {
        seawarden_registry::flag(mmsi).and_then(|f| f.iso2).map(str::to_string)
    }

    fn infra_id(&self, feature: u32) -> &str {
        self.infra.feature(FeatureId(feature)).map_or("", |f| f.id.as_str())
    }

    fn infra_name(&self, feature: u32) -> &str {
        self.infra.feature(FeatureId(feature)).map_or("", |f| f.name.as_str())
    }

    fn zone_id(&self, zone: u32) -> &str {
        self.zones.feature(FeatureId(zone)).map_or("", |f| f.id.as_str())
    }

    fn zone_name(&self, zone: u32) -> &str {
        self.zones.feature(FeatureId(zone)).map_or("", |f| f.name.as_str())
    }

    fn zone_kind(&self, zone: u32) -> &str {
        self.zones.feature(FeatureId(zone)).map_or("", |f| f.kind.as_str())
    }
}
