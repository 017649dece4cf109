//! The world for `replay`: infrastructure and zones from GeoJSON, land,
//! ports, watchlists and flags, behind `seawarden_detect::World`.

use seawarden_track::FastMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::Args;
use seawarden_detect::world::distance_m;
use seawarden_detect::{InfraContact, InfraCrossing, PortRef, WatchHit, World};
use seawarden_registry::{Ports, Watchlist};
use serde_json::Value;

/// Where the world comes from.
#[derive(Args, Debug, Default)]
pub struct WorldArgs {
    /// GeoJSON of cables, pipelines (lines) and zones (polygons); repeatable.
    #[arg(long = "infra", value_name = "FILE")]
    pub infra: Vec<String>,
    /// GeoJSON of zones (polygons); an alias of `--infra`, for clarity.
    #[arg(long = "zones", value_name = "FILE")]
    pub zones: Vec<String>,
    /// Property holding each feature's id (default: `id`, then `feature_id`).
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

/// A line feature with its corridor.
struct Line {
    id: String,
    name: String,
    corridor_m: f64,
}

/// A polygon zone.
struct Zone {
    id: String,
    name: String,
    kind: String,
    /// Rings (first outer, others holes) per polygon, as (lon, lat).
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// One zone's presence in one grid cell: whether the cell's centre is
/// inside, and the zone's edges that touch the cell.
struct CellZone {
    zone: u32,
    centre_inside: bool,
    edges: Vec<[f64; 4]>,
}

/// Point-in-polygon in about constant time for polygons of any size (whole
/// countries, continents): each grid cell knows whether its centre is inside
/// each zone, and which edges cross it; a query counts the crossings of the
/// segment from the point to the cell's centre with those few edges.
struct PolygonIndex {
    cells: FastMap<(i32, i32), Vec<CellZone>>,
    /// Cell size, degrees: 0.1 for zones, 0.25 for continents of land.
    size: f64,
}

impl PolygonIndex {
    fn new(size: f64) -> Self {
        PolygonIndex { cells: FastMap::default(), size }
    }

    fn cell(&self, lat: f64, lon: f64) -> (i32, i32) {
        ((lat / self.size).floor() as i32, (lon / self.size).floor() as i32)
    }

    fn add(&mut self, zone: u32, polygons: &[Vec<Vec<(f64, f64)>>]) {
        let mut local: FastMap<(i32, i32), CellZone> = FastMap::default();
        // Edges, rasterised conservatively (bounding box of each edge).
        let mut rows: FastMap<i32, Vec<[f64; 4]>> = FastMap::default();
        let (mut rmin, mut rmax, mut cmin, mut cmax) = (i32::MAX, i32::MIN, i32::MAX, i32::MIN);
        for rings in polygons {
            for ring in rings {
                for k in 0..ring.len() {
                    let (x1, y1) = ring[k];
                    let (x2, y2) = ring[(k + 1) % ring.len()];
                    let e = [x1, y1, x2, y2];
                    let (r0, c0) = self.cell(y1.min(y2), x1.min(x2));
                    let (r1, c1) = self.cell(y1.max(y2), x1.max(x2));
                    if (r1 - r0) as i64 * (c1 - c0) as i64 > 1_000_000 {
                        continue;
                    }
                    rmin = rmin.min(r0);
                    rmax = rmax.max(r1);
                    cmin = cmin.min(c0);
                    cmax = cmax.max(c1);
                    for r in r0..=r1 {
                        rows.entry(r).or_default().push(e);
                        for c in c0..=c1 {
                            local.entry((r, c)).or_insert_with(|| CellZone { zone, centre_inside: false, edges: Vec::new() }).edges.push(e);
                        }
                    }
                }
            }
        }
        if rmin > rmax {
            return;
        }
        // Centres: a scanline per row through the cell centres.
        let mut xs = Vec::new();
        for r in rmin..=rmax {
            let y = (r as f64 + 0.5) * self.size;
            xs.clear();
            for e in rows.get(&r).map(Vec::as_slice).unwrap_or(&[]) {
                let [x1, y1, x2, y2] = *e;
                if (y1 > y) != (y2 > y) {
                    xs.push(x1 + (y - y1) * (x2 - x1) / (y2 - y1));
                }
            }
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                let (c0, c1) = (((pair[0] / self.size) - 0.5).ceil() as i32, ((pair[1] / self.size) - 0.5).floor() as i32);
                for c in c0.max(cmin)..=c1.min(cmax) {
                    local.entry((r, c)).or_insert_with(|| CellZone { zone, centre_inside: false, edges: Vec::new() }).centre_inside = true;
                }
            }
        }
        for (k, v) in local {
            self.cells.entry(k).or_default().push(v);
        }
    }

    fn query(&self, lat: f64, lon: f64, mut f: impl FnMut(u32)) {
        let (r, c) = self.cell(lat, lon);
        let Some(list) = self.cells.get(&(r, c)) else { return };
        let centre = ((c as f64 + 0.5) * self.size, (r as f64 + 0.5) * self.size);
        for cz in list {
            let mut inside = cz.centre_inside;
            for e in &cz.edges {
                if segments_cross((lon, lat), centre, (e[0], e[1]), (e[2], e[3])) {
                    inside = !inside;
                }
            }
            if inside {
                f(cz.zone);
            }
        }
    }
}

/// Positions closer than this to the coastline are not "on land": coastlines
/// are generalised (Natural Earth 1:10m leaves out small harbours and quays)
/// and harbours, fjords and canals are narrow.
const LAND_CLEARANCE_M: f64 = 1_500.0;

impl PolygonIndex {
    /// True if the point is inside some polygon, or within `m` metres of an
    /// edge in its cell.
    fn near_edge_or_inside(&self, lat: f64, lon: f64, m: f64) -> bool {
        let mut inside = false;
        self.query(lat, lon, |_| inside = true);
        inside
            || self.cells.get(&self.cell(lat, lon)).is_some_and(|list| {
                list.iter().any(|cz| cz.edges.iter().any(|e| point_segment((lat, lon), (e[1], e[0]), (e[3], e[2])).0 <= m))
            })
    }

    /// True if the point is inside some polygon and farther than
    /// `clearance_m` from every edge in its cell.
    fn inside_with_clearance(&self, lat: f64, lon: f64, clearance_m: f64) -> bool {
        let mut inside = false;
        self.query(lat, lon, |_| inside = true);
        if !inside {
            return false;
        }
        let (r, c) = self.cell(lat, lon);
        self.cells.get(&(r, c)).is_none_or(|list| {
            list.iter().all(|cz| cz.edges.iter().all(|e| point_segment((lat, lon), (e[1], e[0]), (e[3], e[2])).0 > clearance_m))
        })
    }
}

/// True if segments p-q and a-b properly cross (planar, in degrees: fine
/// inside one small cell).
fn segments_cross(p: (f64, f64), q: (f64, f64), a: (f64, f64), b: (f64, f64)) -> bool {
    let orient = |o: (f64, f64), s: (f64, f64), t: (f64, f64)| (s.0 - o.0) * (t.1 - o.1) - (s.1 - o.1) * (t.0 - o.0);
    let (d1, d2) = (orient(a, b, p), orient(a, b, q));
    let (d3, d4) = (orient(p, q, a), orient(p, q, b));
    // Half-open on the edge's end points so a vertex on the segment counts once.
    ((d1 > 0.0) != (d2 > 0.0)) && ((d3 > 0.0) != (d4 > 0.0))
}

/// Grid cell size for the segment and polygon indexes, degrees.
const CELL: f64 = 0.1;

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    ((lat / CELL).floor() as i32, (lon / CELL).floor() as i32)
}

/// One segment of a line: feature and end points (lat, lon).
#[derive(Clone, Copy)]
struct Segment {
    feature: u32,
    a: (f64, f64),
    b: (f64, f64),
}

/// The world loaded from files.
pub struct GeoWorld {
    lines: Vec<Line>,
    segments: Vec<Segment>,
    seg_grid: FastMap<(i32, i32), Vec<u32>>,
    zones: Vec<Zone>,
    zone_index: PolygonIndex,
    land_index: PolygonIndex,
    ports: Ports,
    watchlist: Watchlist,
}

impl GeoWorld {
    /// Loads everything named in `args`.
    pub fn load(args: &WorldArgs) -> Result<GeoWorld> {
        let mut w = GeoWorld {
            lines: Vec::new(),
            segments: Vec::new(),
            seg_grid: FastMap::default(),
            zones: Vec::new(),
            zone_index: PolygonIndex::new(0.1),
            land_index: PolygonIndex::new(0.25),
            ports: match &args.ports {
                Some(path) => Ports::load(path).with_context(|| format!("cannot load {path}"))?,
                None => Ports::north_europe(),
            },
            watchlist: Watchlist::load_all(&args.watchlist).context("cannot load watchlists")?,
        };
        let ports_report = args.ports.is_some().then(|| w.ports.report());
        for r in w.watchlist.reports().iter().chain(ports_report) {
            if !r.rejected.is_empty() || !r.warnings.is_empty() {
                eprintln!("seawarden: {r}");
            }
        }
        for path in args.infra.iter().chain(&args.zones) {
            w.load_geojson(path, args).with_context(|| format!("cannot load {path}"))?;
        }
        if let Some(path) = &args.land {
            let (zones, _) = read_features(path).with_context(|| format!("cannot load {path}"))?;
            for (n, f) in zones.iter().enumerate() {
                if let Some(z) = zone_of(f, "land", n, args) {
                    w.land_index.add(n as u32, &z.polygons);
                }
            }
        }
        Ok(w)
    }

    /// True if (r, c) is the first cell of the box rows `r0..`, columns
    /// `c0..=c1` (row-major order) where segment `i` is indexed.
    fn first_cell_of(&self, i: u32, r: i32, c: i32, r0: i32, c0: i32, c1: i32) -> bool {
        for rr in r0..=r {
            let last = if rr == r { c - 1 } else { c1 };
            for cc in c0..=last {
                if self.seg_grid.get(&(rr, cc)).is_some_and(|v| v.contains(&i)) {
                    return false;
                }
            }
        }
        true
    }

    fn load_geojson(&mut self, path: &str, args: &WorldArgs) -> Result<()> {
        let (features, skipped) = read_features(path)?;
        if skipped > 0 {
            eprintln!("seawarden: {path}: {skipped} features without usable geometry skipped");
        }
        for (n, f) in features.iter().enumerate() {
            let geom = &f["geometry"];
            match geom["type"].as_str() {
                Some("LineString") | Some("MultiLineString") => {
                    let props = &f["properties"];
                    let id = feature_id(f, args.id_property.as_deref()).unwrap_or_else(|| format!("{}#{n}", file_stem(path)));
                    let name = props["name"].as_str().or_else(|| props["pipName"].as_str()).unwrap_or(&id).to_string();
                    let corridor_m = props["corridor_m"].as_f64().unwrap_or(args.corridor_m);
                    let feature = self.lines.len() as u32;
                    self.lines.push(Line { id, name, corridor_m });
                    let parts: Vec<&Value> = if geom["type"] == "LineString" { vec![&geom["coordinates"]] } else { geom["coordinates"].as_array().map(|a| a.iter().collect()).unwrap_or_default() };
                    for part in parts {
                        let pts: Vec<(f64, f64)> = part.as_array().map(|a| a.iter().filter_map(lonlat).map(|(lon, lat)| (lat, lon)).collect()).unwrap_or_default();
                        for pair in pts.windows(2) {
                            let s = Segment { feature, a: pair[0], b: pair[1] };
                            if (s.a.1 - s.b.1).abs() > 180.0 {
                                continue; // antimeridian jump
                            }
                            let i = self.segments.len() as u32;
                            let pad = corridor_m / 111_000.0 / (s.a.0.abs().max(s.b.0.abs()).min(85.0)).to_radians().cos();
                            let bbox = (s.a.0.min(s.b.0) - pad, s.a.1.min(s.b.1) - pad, s.a.0.max(s.b.0) + pad, s.a.1.max(s.b.1) + pad);
                            grid_bbox(&mut self.seg_grid, bbox, i);
                            self.segments.push(s);
                        }
                    }
                }
                Some("Polygon") | Some("MultiPolygon") => {
                    let i = self.zones.len() as u32;
                    if let Some(z) = zone_of(f, &args.default_zone_kind, n, args) {
                        self.zone_index.add(i, &z.polygons);
                        self.zones.push(z);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }


}

fn file_stem(path: &str) -> String {
    Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}


fn lonlat(v: &Value) -> Option<(f64, f64)> {
    let a = v.as_array()?;
    let lon = a.first()?.as_f64()?;
    let lat = a.get(1)?.as_f64()?;
    (lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 360.0).then_some((lon, lat))
}

fn feature_id(f: &Value, prop: Option<&str>) -> Option<String> {
    let props = &f["properties"];
    let as_string = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match prop {
        Some(p) => as_string(&props[p]),
        None => as_string(&props["id"]).or_else(|| as_string(&f["id"])).or_else(|| as_string(&props["feature_id"])),
    }
}

fn zone_of(f: &Value, default_kind: &str, n: usize, args: &WorldArgs) -> Option<Zone> {
    let geom = &f["geometry"];
    let props = &f["properties"];
    let polys: Vec<&Value> = match geom["type"].as_str()? {
        "Polygon" => vec![&geom["coordinates"]],
        "MultiPolygon" => geom["coordinates"].as_array()?.iter().collect(),
        _ => return None,
    };
    let mut polygons = Vec::new();
    for p in polys {
        let rings: Vec<Vec<(f64, f64)>> = p.as_array()?.iter().map(|r| r.as_array().map(|a| a.iter().filter_map(lonlat).collect()).unwrap_or_default()).filter(|r: &Vec<(f64, f64)>| r.len() >= 3).collect();
        if !rings.is_empty() {
            polygons.push(rings);
        }
    }
    if polygons.is_empty() {
        return None;
    }
    let id = feature_id(f, args.id_property.as_deref()).or_else(|| props["A3"].as_str().map(String::from)).unwrap_or_else(|| format!("zone#{n}"));
    let name = props["name"].as_str().or_else(|| props["NAME"].as_str()).unwrap_or(&id).to_string();
    let kind = props["kind"].as_str().unwrap_or(default_kind).to_string();
    Some(Zone { id, name, kind, polygons })
}

/// Reads a GeoJSON file (plain or gzip): its features, and how many had no geometry.
fn read_features(path: &str) -> Result<(Vec<Value>, usize)> {
    let raw = std::fs::read(path)?;
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&raw[..]), &mut s)?;
        s
    } else {
        raw
    };
    let v: Value = serde_json::from_slice(&text).context("not valid JSON")?;
    let features: Vec<Value> = match v["type"].as_str() {
        Some("FeatureCollection") => v["features"].as_array().cloned().unwrap_or_default(),
        Some("Feature") => vec![v],
        Some(_) if v.get("coordinates").is_some() => vec![serde_json::json!({"type": "Feature", "properties": {}, "geometry": v})],
        _ => bail!("not GeoJSON: no FeatureCollection, Feature or geometry"),
    };
    let total = features.len();
    let features: Vec<Value> = features.into_iter().filter(|f| f["geometry"].is_object()).collect();
    Ok((features.clone(), total - features.len()))
}

fn grid_bbox(grid: &mut FastMap<(i32, i32), Vec<u32>>, bbox: (f64, f64, f64, f64), i: u32) {
    let (r0, c0) = cell(bbox.0, bbox.1);
    let (r1, c1) = cell(bbox.2, bbox.3);
    // Very large features (whole countries) are indexed cell by cell; cap the
    // span so that a malformed bbox cannot exhaust memory.
    if (r1 - r0) as i64 * (c1 - c0) as i64 > 4_000_000 {
        return;
    }
    for r in r0..=r1 {
        for c in c0..=c1 {
            grid.entry((r, c)).or_default().push(i);
        }
    }
}

/// Even-odd point in polygon with holes; coordinates (lon, lat). The
/// reference the index is tested against.
#[cfg(test)]
fn point_in_rings(rings: &[Vec<(f64, f64)>], x: f64, y: f64) -> bool {
    let mut inside = false;
    for ring in rings {
        let mut j = ring.len() - 1;
        for i in 0..ring.len() {
            let (xi, yi) = ring[i];
            let (xj, yj) = ring[j];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                inside = !inside;
            }
            j = i;
        }
    }
    inside
}

/// Local east/north metres of `p` relative to `o` (both lat, lon).
fn enu(o: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let k = 111_320.0;
    ((p.1 - o.1) * k * o.0.to_radians().cos(), (p.0 - o.0) * 110_574.0)
}

/// Distance from p to segment a-b in metres, and the segment's bearing.
fn point_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (bx, by) = enu(a, b);
    let (px, py) = enu(a, p);
    let len2 = bx * bx + by * by;
    let t = if len2 > 0.0 { ((px * bx + py * by) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let q = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
    let bearing = bx.atan2(by).to_degrees().rem_euclid(180.0);
    (distance_m(p.0, p.1, q.0, q.1), bearing)
}

/// Intersection fraction along p→q of segments p-q and a-b, if they cross.
fn intersect(p: (f64, f64), q: (f64, f64), a: (f64, f64), b: (f64, f64)) -> Option<f64> {
    let (rx, ry) = enu(p, q);
    let (ax, ay) = enu(p, a);
    let (bx, by) = enu(p, b);
    let (sx, sy) = (bx - ax, by - ay);
    let den = rx * sy - ry * sx;
    if den.abs() < 1e-9 {
        return None;
    }
    let t = (ax * sy - ay * sx) / den;
    let u = (ax * ry - ay * rx) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

impl World for GeoWorld {
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<InfraContact>) {
        let Some(ids) = self.seg_grid.get(&cell(lat, lon)) else { return };
        for &i in ids {
            let s = self.segments[i as usize];
            let line = &self.lines[s.feature as usize];
            let (d, bearing) = point_segment((lat, lon), s.a, s.b);
            if d > line.corridor_m {
                continue;
            }
            match out.iter_mut().find(|c| c.feature == s.feature) {
                Some(c) if d < c.distance_m => *c = InfraContact { feature: s.feature, distance_m: d, bearing_deg: bearing },
                Some(_) => {}
                None => out.push(InfraContact { feature: s.feature, distance_m: d, bearing_deg: bearing }),
            }
        }
    }

    fn infra_crossings(&self, a: (f64, f64), b: (f64, f64), out: &mut Vec<InfraCrossing>) {
        let (r0, c0) = cell(a.0.min(b.0), a.1.min(b.1));
        let (r1, c1) = cell(a.0.max(b.0), a.1.max(b.1));
        if (r1 - r0 + 1) as i64 * (c1 - c0 + 1) as i64 > 10_000 {
            return; // a path over hundreds of kilometres: a jump, not a crossing
        }
        let single_cell = r0 == r1 && c0 == c1;
        for r in r0..=r1 {
            for c in c0..=c1 {
                for &i in self.seg_grid.get(&(r, c)).map(Vec::as_slice).unwrap_or(&[]) {
                    let s = self.segments[i as usize];
                    // A segment indexed in several cells is tested once: in
                    // the first cell of the path's box that holds it.
                    if !single_cell && !self.first_cell_of(i, r, c, r0, c0, c1) {
                        continue;
                    }
                    if let Some(t) = intersect(a, b, s.a, s.b) {
                        if !out.iter().any(|x| x.feature == s.feature && (x.fraction - t).abs() < 1e-9) {
                            out.push(InfraCrossing { feature: s.feature, lat: a.0 + t * (b.0 - a.0), lon: a.1 + t * (b.1 - a.1), fraction: t });
                        }
                    }
                }
            }
        }
        out.sort_by(|x, y| x.fraction.total_cmp(&y.fraction).then(x.feature.cmp(&y.feature)));
    }

    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        self.zone_index.query(lat, lon, |i| {
            if !out.contains(&i) {
                out.push(i)
            }
        });
        out.sort_unstable();
    }

    fn is_land(&self, lat: f64, lon: f64) -> bool {
        self.land_index.inside_with_clearance(lat, lon, LAND_CLEARANCE_M)
    }

    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool {
        self.land_index.near_edge_or_inside(lat, lon, m)
    }

    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<PortRef> {
        self.ports.nearest(lat, lon, max_m / 1000.0).map(|(p, km)| PortRef { name: p.name.clone(), country: p.country_code.clone(), distance_m: km * 1000.0 })
    }

    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<WatchHit> {
        self.watchlist.matches(Some(mmsi), imo, name).first().map(|m| WatchHit { list: m.entry.list.clone(), reason: m.entry.reason.clone(), matched_on: m.on.as_str() })
    }

    fn flag(&self, mmsi: u32) -> Option<String> {
        seawarden_registry::flag(mmsi).and_then(|f| f.iso2).map(str::to_string)
    }

    fn infra_id(&self, feature: u32) -> &str {
        self.lines.get(feature as usize).map_or("", |l| l.id.as_str())
    }

    fn infra_name(&self, feature: u32) -> &str {
        self.lines.get(feature as usize).map_or("", |l| l.name.as_str())
    }

    fn zone_id(&self, zone: u32) -> &str {
        self.zones.get(zone as usize).map_or("", |z| z.id.as_str())
    }

    fn zone_name(&self, zone: u32) -> &str {
        self.zones.get(zone as usize).map_or("", |z| z.name.as_str())
    }

    fn zone_kind(&self, zone: u32) -> &str {
        self.zones.get(zone as usize).map_or("", |z| z.kind.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The polygon index answers like the plain even-odd test, on the real
    /// Natural Earth land and on random points around Denmark and Norway.
    #[test]
    fn polygon_index_matches_brute_force_on_real_land() {
        let args = WorldArgs::default();
        let (features, _) = read_features("../../../shared/data/boundaries/natural_earth/ne_10m_land.json.gz").unwrap();
        let zones: Vec<Zone> = features.iter().enumerate().filter_map(|(n, f)| zone_of(f, "land", n, &args)).collect();
        let mut index = PolygonIndex::new(0.25);
        for (i, z) in zones.iter().enumerate() {
            index.add(i as u32, &z.polygons);
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut checked = 0;
        for _ in 0..400 {
            let (lat, lon) = (53.0 + rnd() * 18.0, 3.0 + rnd() * 28.0);
            let brute = zones.iter().any(|z| z.polygons.iter().any(|r| point_in_rings(r, lon, lat)));
            let mut fast = false;
            index.query(lat, lon, |_| fast = true);
            assert_eq!(fast, brute, "{lat} {lon}");
            checked += 1;
        }
        assert_eq!(checked, 400);
        // Central Jutland is land, the Kattegat is sea.
        let mut land = false;
        index.query(56.2, 9.3, |_| land = true);
        assert!(land);
        land = false;
        index.query(56.8, 11.6, |_| land = true);
        assert!(!land);
    }
}
