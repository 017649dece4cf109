//! Ports from the NGA World Port Index (Pub 150), with a nearest-port index.
//!
//! [`Ports::load`] reads the full `UpdatedPub150.csv` (3768 ports, 3 MB);
//! [`Ports::north_europe`] needs no file: it is an embedded extract of the
//! same data for lat 50–82° N, lon 12° W–45° E (North Sea, Baltic, Norwegian
//! and Barents Seas; 681 ports, 78 kB; see `data/README.md`).
//!
//! ## Cost of [`Ports::nearest`]
//!
//! Ports are bucketed in a 1° × 1° grid (a dense array of cell offsets, 260 kB,
//! built once with each port's cos(latitude)). A query visits only the cells
//! that can hold a port within `max_km` (exact spherical-cap bounds, wrapping
//! at the antimeridian and widening to full rings near the poles), skips
//! ports by latitude difference, and computes a haversine distance for the
//! rest. For the radii detectors use (≤ 20 km) that is 1–4 cells and at most
//! a few dozen distances even in the densest waters (Norway, the UK); it
//! allocates nothing. When the radius covers more cells than there are ports,
//! it scans all ports instead, so the worst case is one pass (~4k distances).
//!
//! Measured on the full index (3768 ports, release build, a loaded 2-core
//! VM, half the queries near ports): 0.1–0.3 µs per query for `max_km` ≤ 20,
//! 0.3–0.7 µs at 100 km, 5–9 µs at 1000 km; a plain scan of all ports takes
//! 190–340 µs. Loading the full CSV takes ~20 ms, the embedded extract ~2 ms.
//!
//! Distances are great-circle distances on a sphere of radius
//! [`EARTH_RADIUS_KM`] (the mean radius); they differ from WGS84 geodesics
//! by at most 0.5 %.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use seawarden_geo::floor_i64;

use crate::country;
use crate::error::{Error, ErrorKind, Location, Report, Result};
use crate::lines::LineIndex;

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Harbour size as classified by the World Port Index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HarbourSize {
    /// `Very Small`.
    VerySmall,
    /// `Small`.
    Small,
    /// `Medium`.
    Medium,
    /// `Large`.
    Large,
}

impl HarbourSize {
    fn parse(s: &str) -> Option<HarbourSize> {
        match s {
            "Very Small" => Some(HarbourSize::VerySmall),
            "Small" => Some(HarbourSize::Small),
            "Medium" => Some(HarbourSize::Medium),
            "Large" => Some(HarbourSize::Large),
            _ => None,
        }
    }
}

/// One port of the World Port Index.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// World Port Index number (stable between editions). Text, because
    /// the index has one like `49454.5`; not unique (two ports are listed twice).
    pub wpi_number: String,
    /// Main port name, e.g. `Reka Luga`.
    pub name: String,
    /// Other names, as listed (`;`-separated), e.g. `Lujski; Ust Luga`.
    pub alternate_names: String,
    /// Country name as the WPI gives it (US GENC names, e.g. `Russia`).
    pub country: String,
    /// ISO 3166-1 alpha-2 code, e.g. `RU`: from the country name, else from
    /// the UN/LOCODE; empty when neither is known (reported as a warning).
    pub country_code: String,
    /// UN/LOCODE without the space, e.g. `RUULU`; `None` if absent or malformed.
    pub unlocode: Option<String>,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Harbour size; `None` when the WPI leaves it blank.
    pub harbour_size: Option<HarbourSize>,
    /// Harbour type, e.g. `Coastal (Breakwater)`; empty when blank.
    pub harbour_type: String,
    /// World water body, e.g. `Gulf of Finland; Baltic Sea; North Atlantic Ocean`.
    pub water_body: String,
}

impl Port {
    /// True if `name` is the main or an alternate name, compared after
    /// [`normalise_name`](crate::normalise_name) (`Ust-Luga` matches `Ust Luga`).
    pub fn has_name(&self, name: &str) -> bool {
        let want = crate::normalise_name(name);
        !want.is_empty()
            && std::iter::once(self.name.as_str())
                .chain(self.alternate_names.split(';'))
                .any(|n| crate::normalise_name(n) == want)
    }
}

/// Russian ports of interest for Baltic and Barents monitoring:
/// (common name, World Port Index number). Look them up with
/// [`Ports::by_wpi_number`] or [`Ports::russian_ports_of_interest`].
pub const RUSSIAN_PORTS_OF_INTEREST: &[(&str, &str)] = &[
    ("Ust-Luga", "28410"),      // WPI "Reka Luga", RU ULU
    ("Primorsk", "28360"),      // RU PRI
    ("Vysotsk", "28310"),       // WPI "Gavan Vysotsk", RU VYS
    ("St Petersburg", "28370"), // WPI "Sankt-Peterburg", RU LED
    ("Kaliningrad", "28690"),   // RU KGD
    ("Baltiysk", "28680"),      // RU BLT
    ("Murmansk", "62950"),      // RU MMK
];

/// Grid resolution: cells per degree is 1.
const ROWS: usize = 180;
const COLS: usize = 360;

/// A set of ports with a nearest-port index.
#[derive(Clone)]
pub struct Ports {
    ports: Vec<Port>,
    /// Cosine of each port's latitude, for the distance formula.
    cos_lat: Vec<f64>,
    /// `cell_start[c]..cell_start[c + 1]` indexes `cell_items` for cell `c`.
    cell_start: Vec<u32>,
    cell_items: Vec<u32>,
    report: Report,
}

const WPI_EXTRACT: &str = include_str!("../data/wpi_north_europe.csv");

/// Column names in the WPI CSV.
const COL_NUMBER: &str = "World Port Index Number";
const COL_NAME: &str = "Main Port Name";
const COL_ALT: &str = "Alternate Port Name";
const COL_LOCODE: &str = "UN/LOCODE";
const COL_COUNTRY: &str = "Country Code";
const COL_WATER: &str = "World Water Body";
const COL_SIZE: &str = "Harbor Size";
const COL_TYPE: &str = "Harbor Type";
const COL_LAT: &str = "Latitude";
const COL_LON: &str = "Longitude";

/// The WPI columns [`Ports`] reads; a CSV with only these (any order) loads too.
pub const WPI_COLUMNS: &[&str] =
    &[COL_NUMBER, COL_NAME, COL_ALT, COL_LOCODE, COL_COUNTRY, COL_WATER, COL_SIZE, COL_TYPE, COL_LAT, COL_LON];

impl Ports {
    /// Loads a World Port Index CSV (`UpdatedPub150.csv`, or any CSV with the
    /// columns in [`WPI_COLUMNS`]; `World Port Index Number`, `Main Port
    /// Name`, `Latitude` and `Longitude` are required).
    pub fn load(path: impl AsRef<Path>) -> Result<Ports> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::from(e).in_file(path))?;
        Ports::from_reader(std::io::BufReader::new(file), &path.display().to_string()).map_err(|e| e.in_file(path))
    }

    /// Reads a World Port Index CSV from `reader`; `source` names it in the report.
    pub fn from_reader(mut reader: impl Read, source: &str) -> Result<Ports> {
        let mut data = Vec::new();
        reader.read_to_end(&mut data)?;
        let lines = LineIndex::new(&data, None);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(&data[..]);
        let headers = rdr.byte_headers()?.clone();
        if headers.is_empty() {
            return Err(Error::new(ErrorKind::Empty).at_line(1));
        }
        let col = |name: &str| {
            headers.iter().position(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').trim() == name)
        };
        let (Some(c_num), Some(c_name), Some(c_lat), Some(c_lon)) =
            (col(COL_NUMBER), col(COL_NAME), col(COL_LAT), col(COL_LON))
        else {
            let missing: Vec<&str> =
                [COL_NUMBER, COL_NAME, COL_LAT, COL_LON].into_iter().filter(|c| col(c).is_none()).collect();
            return Err(Error::new(ErrorKind::MissingColumns(missing.join(", "))).at_line(1));
        };
        let (c_alt, c_loc, c_cty, c_wat, c_size, c_type) =
            (col(COL_ALT), col(COL_LOCODE), col(COL_COUNTRY), col(COL_WATER), col(COL_SIZE), col(COL_TYPE));
        let mut report = Report::new(source);
        let mut ports = Vec::new();
        let mut first_line: HashMap<String, Location> = HashMap::new();
        let mut rec = csv::ByteRecord::new();
        while let Some(at) = lines.next_record(&mut rdr, &mut rec, &mut report)? {
            let text = |c: Option<usize>| -> Result<String, String> {
                match c.and_then(|i| rec.get(i)) {
                    None => Ok(String::new()),
                    Some(b) => {
                        std::str::from_utf8(b).map(|s| s.trim().to_string()).map_err(|_| "not UTF-8".to_string())
                    }
                }
            };
            let parsed = (|| -> Result<Port, String> {
                let wpi_number = text(Some(c_num))?;
                if wpi_number.is_empty() {
                    return Err("no World Port Index Number".into());
                }
                let name = text(Some(c_name))?;
                if name.is_empty() {
                    return Err("no Main Port Name".into());
                }
                let coord = |c: usize, what: &str, max: f64| -> Result<f64, String> {
                    let s = text(Some(c))?;
                    match s.parse::<f64>() {
                        Ok(v) if v.is_finite() && v.abs() <= max => Ok(v),
                        _ => Err(format!("{what} {s:?} is not a number within ±{max}")),
                    }
                };
                let lat = coord(c_lat, "Latitude", 90.0)?;
                let lon = coord(c_lon, "Longitude", 180.0)?;
                Ok(Port {
                    wpi_number,
                    name,
                    alternate_names: text(c_alt)?,
                    country: text(c_cty)?,
                    country_code: String::new(),
                    unlocode: None,
                    lat,
                    lon,
                    harbour_size: None,
                    harbour_type: text(c_type)?,
                    water_body: text(c_wat)?,
                })
            })();
            let mut port = match parsed {
                Ok(p) => p,
                Err(why) => {
                    report.reject(at, why);
                    continue;
                }
            };
            let size = text(c_size).unwrap_or_default();
            port.harbour_size = HarbourSize::parse(&size);
            if port.harbour_size.is_none() && !size.is_empty() {
                report.warn(at, format!("{}: unknown Harbor Size {size:?}", port.name));
            }
            let locode = text(c_loc).unwrap_or_default();
            port.unlocode = normalise_locode(&locode);
            if port.unlocode.is_none() && !locode.is_empty() {
                report.warn(at, format!("{}: malformed UN/LOCODE {locode:?} ignored", port.name));
            }
            let by_name = country::by_name(&port.country);
            let by_locode = port.unlocode.as_deref().and_then(|l| country::by_iso2(&l[..2]));
            port.country_code = match (by_name, by_locode) {
                (Some(c), _) => c.iso2.to_string(),
                (None, Some(c)) => {
                    if port.country.is_empty() {
                        port.country = c.name.to_string();
                    } else {
                        report.warn(
                            at,
                            format!(
                                "{}: unknown country {:?}; code {} taken from UN/LOCODE",
                                port.name, port.country, c.iso2
                            ),
                        );
                    }
                    c.iso2.to_string()
                }
                (None, None) => {
                    report.warn(at, format!("{}: no country code (country {:?})", port.name, port.country));
                    String::new()
                }
            };
            match first_line.get(&port.wpi_number) {
                Some(first) => {
                    report.warn(at, format!("World Port Index Number {} also on {first}; both kept", port.wpi_number))
                }
                None => {
                    first_line.insert(port.wpi_number.clone(), at);
                }
            }
            report.accepted += 1;
            ports.push(port);
        }
        Ok(Ports::build(ports, report))
    }

    /// The embedded extract for northern European waters (lat 50–82,
    /// lon −12–45; 681 ports), needing no file.
    pub fn north_europe() -> Ports {
        match Ports::from_reader(WPI_EXTRACT.as_bytes(), "embedded wpi_north_europe.csv") {
            Ok(p) => p,
            // Cannot happen for the embedded file (a test loads it); never panic.
            Err(e) => {
                let mut report = Report::new("embedded wpi_north_europe.csv");
                report.warn(Location::File, format!("embedded extract failed to load: {e}"));
                Ports::build(Vec::new(), report)
            }
        }
    }

    /// Builds the index over `ports` (e.g. a filtered or hand-made list).
    pub fn from_ports(ports: Vec<Port>) -> Ports {
        let mut report = Report::new("in memory");
        report.rows = ports.len() as u64;
        report.accepted = report.rows;
        Ports::build(ports, report)
    }

    fn build(ports: Vec<Port>, report: Report) -> Ports {
        let mut counts = vec![0u32; ROWS * COLS + 1];
        for p in &ports {
            counts[cell_of(p.lat, p.lon) + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let cell_start = counts;
        let mut fill = cell_start.clone();
        let mut cell_items = vec![0u32; ports.len()];
        for (i, p) in ports.iter().enumerate() {
            let c = cell_of(p.lat, p.lon);
            cell_items[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        let cos_lat = ports.iter().map(|p| p.lat.to_radians().cos()).collect();
        Ports { ports, cos_lat, cell_start, cell_items, report }
    }

    /// What happened to each row when loading.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// All ports, in file order.
    pub fn as_slice(&self) -> &[Port] {
        &self.ports
    }

    /// Number of ports.
    pub fn len(&self) -> usize {
        self.ports.len()
    }

    /// True if there are no ports.
    pub fn is_empty(&self) -> bool {
        self.ports.is_empty()
    }

    /// The first port with this World Port Index number.
    pub fn by_wpi_number(&self, number: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.wpi_number == number)
    }

    /// The port with this UN/LOCODE (`RU ULU` or `RUULU`, any case).
    pub fn by_unlocode(&self, code: &str) -> Option<&Port> {
        let code = normalise_locode(code)?;
        self.ports.iter().find(|p| p.unlocode.as_deref() == Some(code.as_str()))
    }

    /// Ports whose main or alternate name matches (see [`Port::has_name`]).
    pub fn by_name(&self, name: &str) -> Vec<&Port> {
        self.ports.iter().filter(|p| p.has_name(name)).collect()
    }

    /// The [`RUSSIAN_PORTS_OF_INTEREST`] present in this set, with their
    /// common names, in the list's order.
    pub fn russian_ports_of_interest(&self) -> Vec<(&'static str, &Port)> {
        RUSSIAN_PORTS_OF_INTEREST.iter().filter_map(|&(n, w)| self.by_wpi_number(w).map(|p| (n, p))).collect()
    }

    /// The nearest port within `max_km` of (`lat`, `lon`), with its distance
    /// in km; `None` if there is none or the input is not a valid position.
    /// Ties go to the port earlier in the file. See the module docs for cost.
    pub fn nearest(&self, lat: f64, lon: f64, max_km: f64) -> Option<(&Port, f64)> {
        let mut best: Option<(u32, f64)> = None;
        self.visit(lat, lon, max_km, |i, d| {
            if best.is_none_or(|(bi, bd)| d < bd || (d == bd && i < bi)) {
                best = Some((i, d));
            }
        });
        best.map(|(i, d)| (&self.ports[i as usize], d))
    }

    /// All ports within `max_km`, nearest first (ties in file order).
    pub fn within(&self, lat: f64, lon: f64, max_km: f64) -> Vec<(&Port, f64)> {
        let mut hits: Vec<(u32, f64)> = Vec::new();
        self.visit(lat, lon, max_km, |i, d| hits.push((i, d)));
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|(i, d)| (&self.ports[i as usize], d)).collect()
    }

    /// Calls `f(index, distance_km)` for every port within `max_km`.
    fn visit(&self, lat: f64, lon: f64, max_km: f64, mut f: impl FnMut(u32, f64)) {
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && max_km >= 0.0) || self.ports.is_empty() {
            return;
        }
        let lon = wrap_lon(lon);
        // Angular radius, with a small margin so the bounds never cut off a
        // port the distance test would accept.
        let delta = (max_km / EARTH_RADIUS_KM).to_degrees() * (1.0 + 1e-9) + 1e-9;
        let cos_q = lat.to_radians().cos();
        let mut check = |i: u32| {
            let p = &self.ports[i as usize];
            // Latitude alone rules most candidates out without trigonometry.
            if (p.lat - lat).abs() > delta {
                return;
            }
            let d = haversine_with_cos(lat, cos_q, lon, p.lat, self.cos_lat[i as usize], p.lon);
            if d <= max_km {
                f(i, d);
            }
        };
        if delta >= 180.0 {
            (0..self.ports.len() as u32).for_each(check);
            return;
        }
        let lat_lo = lat - delta;
        let lat_hi = lat + delta;
        let row_lo = row_of(lat_lo.max(-90.0));
        let row_hi = row_of(lat_hi.min(90.0));
        // Longitude half-width of a spherical cap: asin(sin δ / cos φ);
        // the cap holds a pole when sin δ ≥ cos φ.
        let (sd, cp) = (delta.to_radians().sin(), lat.to_radians().cos());
        let full_ring = lat_lo <= -90.0 || lat_hi >= 90.0 || sd >= cp;
        let (col_lo, ncols) = if full_ring {
            (0, COLS)
        } else {
            let dlon = (sd / cp).asin().to_degrees() + 1e-9;
            let lo = floor_i64(lon - dlon + 180.0);
            let hi = floor_i64(lon + dlon + 180.0);
            ((lo.rem_euclid(COLS as i64)) as usize, ((hi - lo + 1) as usize).min(COLS))
        };
        let ncells = (row_hi - row_lo + 1) * ncols;
        if ncells > self.ports.len() {
            (0..self.ports.len() as u32).for_each(check);
            return;
        }
        for row in row_lo..=row_hi {
            for k in 0..ncols {
                let c = row * COLS + (col_lo + k) % COLS;
                let (s, e) = (self.cell_start[c] as usize, self.cell_start[c + 1] as usize);
                for &i in &self.cell_items[s..e] {
                    check(i);
                }
            }
        }
    }
}

impl std::fmt::Debug for Ports {
    /// The port count and the load report, not the index arrays.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports").field("len", &self.ports.len()).field("report", &self.report).finish_non_exhaustive()
    }
}

fn wrap_lon(lon: f64) -> f64 {
    if (-180.0..=180.0).contains(&lon) {
        lon
    } else {
        (lon + 180.0).rem_euclid(360.0) - 180.0
    }
}

fn row_of(lat: f64) -> usize {
    floor_i64(lat + 90.0).clamp(0, ROWS as i64 - 1) as usize
}

fn cell_of(lat: f64, lon: f64) -> usize {
    let col = floor_i64(wrap_lon(lon) + 180.0).rem_euclid(COLS as i64) as usize;
    row_of(lat) * COLS + col
}

/// Great-circle distance in km between two positions in degrees, on a
/// sphere of radius [`EARTH_RADIUS_KM`].
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    haversine_with_cos(lat1, lat1.to_radians().cos(), lon1, lat2, lat2.to_radians().cos(), lon2)
}

/// [`haversine_km`] with the latitudes' cosines given (the index caches
/// them); the same arithmetic, so the same result to the bit.
fn haversine_with_cos(lat1: f64, cos1: f64, lon1: f64, lat2: f64, cos2: f64, lon2: f64) -> f64 {
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + cos1 * cos2 * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// `RU ULU`, `ruulu` → `RUULU`; `None` unless two letters then three letters or digits.
fn normalise_locode(s: &str) -> Option<String> {
    let c: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let b = c.as_bytes();
    (b.len() == 5 && b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_alphanumeric))
        .then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(n: u32, lat: f64, lon: f64) -> Port {
        Port {
            wpi_number: n.to_string(),
            name: format!("P{n}"),
            alternate_names: String::new(),
            country: String::new(),
            country_code: String::new(),
            unlocode: None,
            lat,
            lon,
            harbour_size: None,
            harbour_type: String::new(),
            water_body: String::new(),
        }
    }

    #[test]
    fn locodes() {
        assert_eq!(normalise_locode("RU ULU").as_deref(), Some("RUULU"));
        assert_eq!(normalise_locode("noMEH").as_deref(), Some("NOMEH"));
        assert_eq!(normalise_locode("GB ME\"\""), None);
        assert_eq!(normalise_locode(""), None);
    }

    #[test]
    fn antimeridian_and_poles() {
        let ports = Ports::from_ports(vec![port(1, 0.0, 179.95), port(2, 89.9, 10.0), port(3, -89.95, -170.0)]);
        let (p, d) = ports.nearest(0.0, -179.95, 20.0).unwrap();
        assert_eq!(p.wpi_number, "1");
        assert!((d - 11.1).abs() < 0.1, "{d}");
        assert_eq!(ports.nearest(89.9, -170.0, 30.0).unwrap().0.wpi_number, "2");
        assert_eq!(ports.nearest(-89.95, 10.0, 20.0).unwrap().0.wpi_number, "3");
        assert!(ports.nearest(f64::NAN, 0.0, 10.0).is_none());
        assert!(ports.nearest(0.0, 179.95, -1.0).is_none());
        assert_eq!(ports.nearest(0.0, 179.95 + 360.0, 0.001).unwrap().0.wpi_number, "1");
        assert_eq!(ports.within(0.0, 0.0, 30_000.0).len(), 3);
    }

    #[test]
    fn haversine_known_values() {
        // One degree of latitude on the mean sphere: 111.195 km.
        assert!((haversine_km(0.0, 0.0, 1.0, 0.0) - 111.195).abs() < 0.001);
        assert!((haversine_km(0.0, 0.0, 0.0, 180.0) - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }
}
