//! The columnar archive: positions and static data as GeoParquet / Parquet
//! files partitioned by day (`date=YYYY-MM-DD`), zstd-compressed, with only
//! signed integer types.
//!
//! Positions are sorted by one-degree cell, then MMSI, then time, so that a
//! row group covers a small area and its column statistics let a bounding
//! box and time window skip most of the data. The point is a GeoParquet 1.1
//! native `point` geometry (`struct<x: double, y: double>`, longitude and
//! latitude, OGC:CRS84). AIS gives positions in 1/10 000 minute; the archive
//! stores each coordinate rounded to the nearest 2^-21 degree (0.05 m at the
//! equator, finer than the AIS unit, so the AIS value is recovered exactly
//! by rounding to the nearest 1/600 000 degree). Those doubles have zeros in
//! their low mantissa bytes, which the BYTE_STREAM_SPLIT encoding and zstd
//! then store at almost no cost.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, FloatType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::statistics::Statistics;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use seawarden_ais::meta::Source;
use seawarden_ais::{AisText, Dimensions, Eta};
use seawarden_track::{Class, Identity, PositionObs, StaticObs};

use crate::{Error, Result};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// Coordinates are stored as multiples of 2^-21 degree.
const QUANT: f64 = (1u64 << 21) as f64;
/// AIS position unit: 1/10 000 minute = 1/600 000 degree.
const AIS_UNIT: f64 = 600_000.0;
/// Rows per row group: the unit that statistics can skip.
pub(crate) const ROW_GROUP_ROWS: usize = 65_536;

const POSITION_SCHEMA: &str = "message position {
  required int64 time (TIMESTAMP(MILLIS,true));
  required int32 mmsi;
  required group geometry {
    required double x;
    required double y;
  }
  optional int32 sog_dkn (INTEGER(16,true));
  optional int32 cog_ddeg (INTEGER(16,true));
  optional int32 heading (INTEGER(16,true));
  optional int32 status (INTEGER(8,true));
  required int32 msg_type (INTEGER(8,true));
  required binary class (STRING);
  optional binary source (STRING);
}";

const STATIC_SCHEMA: &str = "message static {
  required int64 time (TIMESTAMP(MILLIS,true));
  required int32 mmsi;
  required binary class (STRING);
  optional binary name (STRING);
  optional binary callsign (STRING);
  optional int32 imo;
  optional int32 shiptype (INTEGER(16,true));
  optional int32 to_bow (INTEGER(16,true));
  optional int32 to_stern (INTEGER(16,true));
  optional int32 to_port (INTEGER(16,true));
  optional int32 to_starboard (INTEGER(16,true));
  optional binary destination (STRING);
  optional int32 eta_month (INTEGER(8,true));
  optional int32 eta_day (INTEGER(8,true));
  optional int32 eta_hour (INTEGER(8,true));
  optional int32 eta_minute (INTEGER(8,true));
  optional float draught;
}";

/// The day number (days since 1970-01-01) of a time.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// `YYYY-MM-DD` of a day number.
pub fn date_string(day: i64) -> String {
    let mut s = String::new();
    seawarden_ais::meta::format_rfc3339(day * DAY_MS, &mut s);
    s.truncate(10);
    s
}

/// Day number of a `YYYY-MM-DD` partition name.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let t = seawarden_ais::meta::parse_iso8601(format!("{s}T00:00:00Z").as_bytes())?;
    Some(day_of(t))
}

fn class_str(c: Class) -> &'static str {
    match c {
        Class::A => "A",
        Class::B => "B",
        Class::SarAircraft => "SAR",
        Class::BaseStation => "BASE",
        Class::AidToNavigation => "ATON",
    }
}

fn class_parse(s: &[u8]) -> Class {
    match s {
        b"B" => Class::B,
        b"SAR" => Class::SarAircraft,
        b"BASE" => Class::BaseStation,
        b"ATON" => Class::AidToNavigation,
        _ => Class::A,
    }
}

/// A position in the compact in-memory form buffered before writing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PosRow {
    pub time_ms: i64,
    pub mmsi: u32,
    /// AIS units (1/600 000 degree).
    pub lat: i32,
    pub lon: i32,
    pub sog: i16,
    pub cog: i16,
    pub heading: i16,
    pub status: i8,
    pub msg_type: u8,
    pub class: u8,
    pub source: u32,
}

const CLASSES: [Class; 5] = [
    Class::A,
    Class::B,
    Class::SarAircraft,
    Class::BaseStation,
    Class::AidToNavigation,
];

impl PosRow {
    fn cell(&self) -> i32 {
        let lat = (self.lat.clamp(-54_000_000, 54_000_000) + 54_000_000) / 600_000;
        let lon = (self.lon.clamp(-108_000_000, 108_000_000) + 108_000_000) / 600_000;
        lat * 361 + lon
    }
}

/// Positions and static reports gathered per day until written.
#[derive(Default)]
pub(crate) struct Buffer {
    pub positions: std::collections::BTreeMap<i64, Vec<PosRow>>,
    pub statics: std::collections::BTreeMap<i64, Vec<StaticObs>>,
    sources: Vec<Source>,
    source_ids: seawarden_track::FastMap<Source, u32>,
    last_source: Option<(Source, u32)>,
    pub rows: usize,
}

impl Buffer {
    pub fn push_position(&mut self, p: &PositionObs) {
        let source = match p.source {
            None => u32::MAX,
            Some(s) => match self.last_source {
                Some((ls, i)) if ls == s => i,
                _ => {
                    let i = match self.source_ids.get(&s) {
                        Some(&i) => i,
                        None => {
                            let i = self.sources.len() as u32;
                            self.sources.push(s);
                            self.source_ids.insert(s, i);
                            i
                        }
                    };
                    self.last_source = Some((s, i));
                    i
                }
            },
        };
        let row = PosRow {
            time_ms: p.time_ms,
            mmsi: p.mmsi,
            lat: (p.lat * AIS_UNIT).round() as i32,
            lon: (p.lon * AIS_UNIT).round() as i32,
            sog: p
                .sog
                .map_or(-1, |v| (v * 10.0).round().clamp(0.0, 32_000.0) as i16),
            cog: p
                .cog
                .map_or(-1, |v| (v * 10.0).round().clamp(0.0, 32_000.0) as i16),
            heading: p.heading.map_or(-1, |v| v.min(32_000) as i16),
            status: p.status.map_or(-1, |v| v.min(127) as i8),
            msg_type: p.msg_type,
            class: CLASSES.iter().position(|c| *c == p.class).unwrap_or(0) as u8,
            source,
        };
        self.positions
            .entry(day_of(p.time_ms))
            .or_default()
            .push(row);
        self.rows += 1;
    }

    pub fn push_static(&mut self, s: &StaticObs) {
        self.statics.entry(day_of(s.time_ms)).or_default().push(*s);
        self.rows += 1;
    }

    pub fn source(&self, i: u32) -> Option<&Source> {
        self.sources.get(i as usize)
    }
}

fn props(sorting: bool) -> WriterProperties {
    let zstd = Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default());
    let mut b = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(zstd)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_data_page_size_limit(1 << 20)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_created_by(format!("seawarden-store {}", env!("CARGO_PKG_VERSION")));
    if sorting {
        // Track queries: row groups are by area, so MMSI min/max prune
        // little; a small bloom filter per row group does.
        let mmsi = ColumnPath::from("mmsi");
        b = b
            .set_column_bloom_filter_enabled(mmsi.clone(), true)
            .set_column_bloom_filter_max_ndv(mmsi.clone(), 2048)
            .set_column_bloom_filter_fpp(mmsi, 0.02);
        for c in ["time", "cog_ddeg", "sog_dkn", "heading"] {
            b = b
                .set_column_dictionary_enabled(ColumnPath::from(c), false)
                .set_column_encoding(ColumnPath::from(c), Encoding::DELTA_BINARY_PACKED);
        }
        for c in [["geometry", "x"], ["geometry", "y"]] {
            let path = ColumnPath::new(c.iter().map(|s| s.to_string()).collect());
            b = b
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::BYTE_STREAM_SPLIT);
        }
    }
    b.build()
}

/// Writes `data` to `path` through a temporary file and a rename, so a file
/// under its final name is always complete.
fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = path.with_extension("parquet.tmp");
    let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(data).map_err(|e| Error::io(&tmp, e))?;
    f.sync_data().map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// A written archive file.
#[derive(Debug, Clone)]
pub(crate) struct WrittenFile {
    pub path: PathBuf,
    pub rows: u64,
    pub bytes: u64,
    pub min_ms: i64,
    pub max_ms: i64,
    pub sha256: [u8; 32],
}

fn quantize(units: i32) -> f64 {
    ((units as f64 / AIS_UNIT) * QUANT).round() / QUANT
}

fn dequantize(deg: f64) -> f64 {
    (deg * AIS_UNIT).round() / AIS_UNIT
}

fn opt_i32(v: impl Iterator<Item = Option<i32>>, vals: &mut Vec<i32>, defs: &mut Vec<i16>) {
    vals.clear();
    defs.clear();
    for x in v {
        match x {
            Some(x) => {
                vals.push(x);
                defs.push(1);
            }
            None => defs.push(0),
        }
    }
}

fn opt_str<'a>(
    v: impl Iterator<Item = Option<&'a [u8]>>,
    vals: &mut Vec<ByteArray>,
    defs: &mut Vec<i16>,
) {
    vals.clear();
    defs.clear();
    for x in v {
        match x {
            Some(x) => {
                vals.push(ByteArray::from(x.to_vec()));
                defs.push(1);
            }
            None => defs.push(0),
        }
    }
}

macro_rules! write_col {
    ($rg:expr, $ty:ty, $vals:expr, $defs:expr) => {{
        let mut col = $rg
            .next_column()?
            .ok_or_else(|| Error::corrupt("archive", "schema has fewer columns than written"))?;
        col.typed::<$ty>().write_batch($vals, $defs, None)?;
        col.close()?;
    }};
}

/// Encodes positions of one day as a GeoParquet file (sorting them).
pub(crate) fn encode_positions(
    rows: &mut [PosRow],
    buffer: &Buffer,
) -> Result<(Vec<u8>, i64, i64)> {
    rows.sort_unstable_by_key(|r| (((r.cell() as u64) << 32) | r.mmsi as u64, r.time_ms));
    let schema = Arc::new(parse_message_type(POSITION_SCHEMA)?);
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let (mut min_t, mut max_t) = (i64::MAX, i64::MIN);
    for r in rows.iter() {
        let (x, y) = (quantize(r.lon), quantize(r.lat));
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
        min_t = min_t.min(r.time_ms);
        max_t = max_t.max(r.time_ms);
    }
    let geo = serde_json::json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {
            "encoding": "point",
            "geometry_types": ["Point"],
            "bbox": [min_x, min_y, max_x, max_y],
        }},
    });
    let mut out = Vec::with_capacity(rows.len() * 8 + 4096);
    {
        let mut w = SerializedFileWriter::new(&mut out, schema, Arc::new(props(true)))?;
        w.append_key_value_metadata(KeyValue::new("geo".to_string(), geo.to_string()));
        let (mut i32s, mut defs, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
        let class_values: Vec<ByteArray> = CLASSES
            .iter()
            .map(|c| ByteArray::from(class_str(*c)))
            .collect();
        let source_values: Vec<ByteArray> = buffer
            .sources
            .iter()
            .map(|s| ByteArray::from(s.as_str()))
            .collect();
        for chunk in rows.chunks(ROW_GROUP_ROWS) {
            let mut rg = w.next_row_group()?;
            let t: Vec<i64> = chunk.iter().map(|r| r.time_ms).collect();
            write_col!(rg, Int64Type, &t, None);
            let m: Vec<i32> = chunk.iter().map(|r| r.mmsi as i32).collect();
            write_col!(rg, Int32Type, &m, None);
            let x: Vec<f64> = chunk.iter().map(|r| quantize(r.lon)).collect();
            write_col!(rg, DoubleType, &x, None);
            let y: Vec<f64> = chunk.iter().map(|r| quantize(r.lat)).collect();
            write_col!(rg, DoubleType, &y, None);
            opt_i32(
                chunk.iter().map(|r| (r.sog >= 0).then_some(r.sog as i32)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            opt_i32(
                chunk.iter().map(|r| (r.cog >= 0).then_some(r.cog as i32)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            opt_i32(
                chunk
                    .iter()
                    .map(|r| (r.heading >= 0).then_some(r.heading as i32)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            opt_i32(
                chunk
                    .iter()
                    .map(|r| (r.status >= 0).then_some(r.status as i32)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            let mt: Vec<i32> = chunk.iter().map(|r| r.msg_type as i32).collect();
            write_col!(rg, Int32Type, &mt, None);
            let cl: Vec<ByteArray> = chunk
                .iter()
                .map(|r| class_values[r.class as usize % 5].clone())
                .collect();
            write_col!(rg, ByteArrayType, &cl, None);
            bytes.clear();
            defs.clear();
            for r in chunk {
                match source_values.get(r.source as usize) {
                    Some(v) => {
                        bytes.push(v.clone());
                        defs.push(1);
                    }
                    None => defs.push(0),
                }
            }
            write_col!(rg, ByteArrayType, &bytes, Some(&defs));
            rg.close()?;
        }
        w.close()?;
    }
    Ok((out, min_t, max_t))
}

/// Encodes static reports of one day as a Parquet file (sorted by MMSI, time).
pub(crate) fn encode_statics(rows: &mut [StaticObs]) -> Result<(Vec<u8>, i64, i64)> {
    rows.sort_by_key(|r| (r.mmsi, r.time_ms));
    let schema = Arc::new(parse_message_type(STATIC_SCHEMA)?);
    let min_t = rows.iter().map(|r| r.time_ms).min().unwrap_or(0);
    let max_t = rows.iter().map(|r| r.time_ms).max().unwrap_or(0);
    let mut out = Vec::new();
    {
        let mut w = SerializedFileWriter::new(&mut out, schema, Arc::new(props(false)))?;
        let (mut i32s, mut defs, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
        for chunk in rows.chunks(ROW_GROUP_ROWS) {
            let mut rg = w.next_row_group()?;
            let t: Vec<i64> = chunk.iter().map(|r| r.time_ms).collect();
            write_col!(rg, Int64Type, &t, None);
            let m: Vec<i32> = chunk.iter().map(|r| r.mmsi as i32).collect();
            write_col!(rg, Int32Type, &m, None);
            let cl: Vec<ByteArray> = chunk
                .iter()
                .map(|r| ByteArray::from(class_str(r.class)))
                .collect();
            write_col!(rg, ByteArrayType, &cl, None);
            opt_str(
                chunk
                    .iter()
                    .map(|r| r.identity.name.as_ref().map(|t| t.as_bytes())),
                &mut bytes,
                &mut defs,
            );
            write_col!(rg, ByteArrayType, &bytes, Some(&defs));
            opt_str(
                chunk
                    .iter()
                    .map(|r| r.identity.callsign.as_ref().map(|t| t.as_bytes())),
                &mut bytes,
                &mut defs,
            );
            write_col!(rg, ByteArrayType, &bytes, Some(&defs));
            opt_i32(
                chunk
                    .iter()
                    .map(|r| r.identity.imo.map(|v| v.min(i32::MAX as u32) as i32)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            opt_i32(
                chunk.iter().map(|r| r.identity.shiptype.map(i32::from)),
                &mut i32s,
                &mut defs,
            );
            write_col!(rg, Int32Type, &i32s, Some(&defs));
            let dims = |f: fn(&Dimensions) -> Option<i32>| {
                chunk
                    .iter()
                    .map(move |r| r.identity.dimensions.as_ref().and_then(f))
            };
            for f in [
                (|d: &Dimensions| d.to_bow.map(i32::from)) as fn(&Dimensions) -> Option<i32>,
                |d| d.to_stern.map(i32::from),
                |d| d.to_port.map(i32::from),
                |d| d.to_starboard.map(i32::from),
            ] {
                opt_i32(dims(f), &mut i32s, &mut defs);
                write_col!(rg, Int32Type, &i32s, Some(&defs));
            }
            opt_str(
                chunk
                    .iter()
                    .map(|r| r.identity.destination.as_ref().map(|t| t.as_bytes())),
                &mut bytes,
                &mut defs,
            );
            write_col!(rg, ByteArrayType, &bytes, Some(&defs));
            let etas = |f: fn(&Eta) -> Option<u8>| {
                chunk
                    .iter()
                    .map(move |r| r.identity.eta.as_ref().and_then(f).map(i32::from))
            };
            for f in [
                (|e: &Eta| e.month) as fn(&Eta) -> Option<u8>,
                |e| e.day,
                |e| e.hour,
                |e| e.minute,
            ] {
                opt_i32(etas(f), &mut i32s, &mut defs);
                write_col!(rg, Int32Type, &i32s, Some(&defs));
            }
            let mut fl = Vec::new();
            defs.clear();
            for r in chunk {
                match r.identity.draught {
                    Some(d) => {
                        fl.push(d);
                        defs.push(1);
                    }
                    None => defs.push(0),
                }
            }
            write_col!(rg, FloatType, &fl, Some(&defs));
            rg.close()?;
        }
        w.close()?;
    }
    Ok((out, min_t, max_t))
}

/// Writes one encoded file under `root/kind/date=.../` and returns its
/// record; `(rows, min_ms, max_ms)` describe its content.
pub(crate) fn store_file(
    root: &Path,
    kind: &str,
    day: i64,
    seq: u64,
    data: &[u8],
    (rows, min_ms, max_ms): (u64, i64, i64),
) -> Result<WrittenFile> {
    use sha2::Digest;
    let path = root
        .join(kind)
        .join(format!("date={}", date_string(day)))
        .join(format!("part-{seq:010}.parquet"));
    write_atomic(&path, data)?;
    Ok(WrittenFile {
        path,
        rows,
        bytes: data.len() as u64,
        min_ms,
        max_ms,
        sha256: sha2::Sha256::digest(data).into(),
    })
}

/// The day partitions of `root/kind` and their files, by day.
pub(crate) fn list_files(root: &Path, kind: &str) -> Result<Vec<(i64, PathBuf)>> {
    let dir = root.join(kind);
    let mut out = Vec::new();
    let days = match fs::read_dir(&dir) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    for d in days {
        let d = d.map_err(|e| Error::io(&dir, e))?;
        let name = d.file_name();
        let Some(day) = name
            .to_str()
            .and_then(|n| n.strip_prefix("date="))
            .and_then(parse_date)
        else {
            continue;
        };
        let files = fs::read_dir(d.path()).map_err(|e| Error::io(d.path(), e))?;
        for f in files {
            let f = f.map_err(|e| Error::io(d.path(), e))?;
            if f.file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(".parquet"))
            {
                out.push((day, f.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn i64_range(s: Option<&Statistics>) -> Option<(i64, i64)> {
    match s? {
        Statistics::Int64(v) => Some((*v.min_opt()?, *v.max_opt()?)),
        _ => None,
    }
}

fn i32_range(s: Option<&Statistics>) -> Option<(i32, i32)> {
    match s? {
        Statistics::Int32(v) => Some((*v.min_opt()?, *v.max_opt()?)),
        _ => None,
    }
}

fn f64_range(s: Option<&Statistics>) -> Option<(f64, f64)> {
    match s? {
        Statistics::Double(v) => Some((*v.min_opt()?, *v.max_opt()?)),
        _ => None,
    }
}

fn read_col<T: parquet::data_type::DataType>(
    rg: &dyn RowGroupReader,
    i: usize,
    n: usize,
    defs: Option<&mut Vec<i16>>,
) -> Result<Vec<T::T>>
where
    T::T: Default + Clone,
{
    let mut r = parquet::column::reader::get_typed_column_reader::<T>(rg.get_column_reader(i)?);
    let mut vals = Vec::with_capacity(n);
    let mut d = defs;
    let mut got = 0;
    while got < n {
        let (recs, _, _) = r.read_records(n - got, d.as_deref_mut(), None, &mut vals)?;
        if recs == 0 {
            break;
        }
        got += recs;
    }
    if got != n {
        return Err(Error::corrupt(
            "archive",
            format!("column {i} has {got} rows, expected {n}"),
        ));
    }
    Ok(vals)
}

/// Expands values of an optional column to one `Option` per row.
fn spread<T: Copy>(vals: &[T], defs: &[i16]) -> Vec<Option<T>> {
    let mut it = vals.iter();
    defs.iter()
        .map(|&d| if d > 0 { it.next().copied() } else { None })
        .collect()
}

/// Selection for reading positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PosFilter {
    pub from_ms: i64,
    pub to_ms: i64,
    pub bbox: Option<[f64; 4]>,
    pub mmsi: Option<u32>,
}

/// Reads the positions of one file that pass `filter`, skipping row groups
/// whose statistics rule them out. Returns how many row groups were read.
pub(crate) fn read_positions(
    path: &Path,
    filter: &PosFilter,
    out: &mut Vec<PositionObs>,
) -> Result<(usize, usize)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let options = parquet::file::serialized_reader::ReadOptionsBuilder::new()
        .with_reader_properties(
            parquet::file::properties::ReaderProperties::builder()
                .set_read_bloom_filter(filter.mmsi.is_some())
                .build(),
        )
        .build();
    let reader = SerializedFileReader::new_with_options(file, options)
        .map_err(|e| Error::parquet(path, e))?;
    let md = reader.metadata();
    let mut read = 0;
    for g in 0..md.num_row_groups() {
        let rgm = md.row_group(g);
        if rgm.num_columns() != 11 {
            return Err(Error::corrupt(
                path.display().to_string(),
                "not a Seawarden positions file (column count)",
            ));
        }
        if let Some((lo, hi)) = i64_range(rgm.column(0).statistics()) {
            if hi < filter.from_ms || lo >= filter.to_ms {
                continue;
            }
        }
        if let Some(m) = filter.mmsi {
            if let Some((lo, hi)) = i32_range(rgm.column(1).statistics()) {
                if (m as i32) < lo || (m as i32) > hi {
                    continue;
                }
            }
        }
        if let Some([x0, y0, x1, y1]) = filter.bbox {
            let xs = f64_range(rgm.column(2).statistics());
            let ys = f64_range(rgm.column(3).statistics());
            if xs.is_some_and(|(lo, hi)| hi < x0 || lo > x1)
                || ys.is_some_and(|(lo, hi)| hi < y0 || lo > y1)
            {
                continue;
            }
        }
        let rg = reader
            .get_row_group(g)
            .map_err(|e| Error::parquet(path, e))?;
        if let (Some(m), Some(bloom)) = (filter.mmsi, rg.get_column_bloom_filter(1)) {
            if !bloom.check(&(m as i32)) {
                continue;
            }
        }
        read += 1;
        let n = rgm.num_rows() as usize;
        let t = read_col::<Int64Type>(&*rg, 0, n, None)?;
        let m = read_col::<Int32Type>(&*rg, 1, n, None)?;
        // Cheap selection first, the other columns only when something passed.
        let x = read_col::<DoubleType>(&*rg, 2, n, None)?;
        let y = read_col::<DoubleType>(&*rg, 3, n, None)?;
        let keep: Vec<usize> = (0..n)
            .filter(|&i| {
                t[i] >= filter.from_ms
                    && t[i] < filter.to_ms
                    && filter.mmsi.is_none_or(|mm| m[i] == mm as i32)
                    && filter.bbox.is_none_or(|[x0, y0, x1, y1]| {
                        x[i] >= x0 && x[i] <= x1 && y[i] >= y0 && y[i] <= y1
                    })
            })
            .collect();
        if keep.is_empty() {
            continue;
        }
        let mut defs = Vec::new();
        let mut opt = |i: usize| -> Result<Vec<Option<i32>>> {
            defs.clear();
            let v = read_col::<Int32Type>(&*rg, i, n, Some(&mut defs))?;
            Ok(spread(&v, &defs))
        };
        let sog = opt(4)?;
        let cog = opt(5)?;
        let heading = opt(6)?;
        let status = opt(7)?;
        let mt = read_col::<Int32Type>(&*rg, 8, n, None)?;
        let cl = read_col::<ByteArrayType>(&*rg, 9, n, None)?;
        let mut sdefs = Vec::new();
        let sv = read_col::<ByteArrayType>(&*rg, 10, n, Some(&mut sdefs))?;
        let src: Vec<Option<Source>> = {
            let mut it = sv.iter();
            sdefs
                .iter()
                .map(|&d| {
                    if d > 0 {
                        it.next().map(|b| Source::new(b.data()))
                    } else {
                        None
                    }
                })
                .collect()
        };
        for i in keep {
            out.push(PositionObs {
                time_ms: t[i],
                mmsi: m[i] as u32,
                lat: dequantize(y[i]),
                lon: dequantize(x[i]),
                sog: sog[i].map(|v| v as f32 / 10.0),
                cog: cog[i].map(|v| v as f32 / 10.0),
                heading: heading[i].map(|v| v as u16),
                status: status[i].map(|v| v as u8),
                class: class_parse(cl[i].data()),
                msg_type: mt[i] as u8,
                source: src[i],
                payload_hash: 0,
            });
        }
    }
    Ok((read, md.num_row_groups()))
}

/// Reads static reports of one file in `[from_ms, to_ms)`, optionally for
/// one MMSI.
pub(crate) fn read_statics(
    path: &Path,
    from_ms: i64,
    to_ms: i64,
    mmsi: Option<u32>,
    out: &mut Vec<StaticObs>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| Error::parquet(path, e))?;
    let md = reader.metadata();
    for g in 0..md.num_row_groups() {
        let rgm = md.row_group(g);
        if rgm.num_columns() != 17 {
            return Err(Error::corrupt(
                path.display().to_string(),
                "not a Seawarden static file (column count)",
            ));
        }
        let rg = reader
            .get_row_group(g)
            .map_err(|e| Error::parquet(path, e))?;
        let n = rgm.num_rows() as usize;
        let t = read_col::<Int64Type>(&*rg, 0, n, None)?;
        let m = read_col::<Int32Type>(&*rg, 1, n, None)?;
        let cl = read_col::<ByteArrayType>(&*rg, 2, n, None)?;
        let mut defs = Vec::new();
        let mut text = |i: usize| -> Result<Vec<Option<ByteArray>>> {
            defs.clear();
            let v = read_col::<ByteArrayType>(&*rg, i, n, Some(&mut defs))?;
            let mut it = v.into_iter();
            Ok(defs
                .iter()
                .map(|&d| if d > 0 { it.next() } else { None })
                .collect())
        };
        let name = text(3)?;
        let callsign = text(4)?;
        let destination = text(11)?;
        let mut defs = Vec::new();
        let mut int = |i: usize| -> Result<Vec<Option<i32>>> {
            defs.clear();
            let v = read_col::<Int32Type>(&*rg, i, n, Some(&mut defs))?;
            Ok(spread(&v, &defs))
        };
        let imo = int(5)?;
        let shiptype = int(6)?;
        let (bow, stern, port, stbd) = (int(7)?, int(8)?, int(9)?, int(10)?);
        let (em, ed, eh, emin) = (int(12)?, int(13)?, int(14)?, int(15)?);
        let mut fdefs = Vec::new();
        let dv = read_col::<FloatType>(&*rg, 16, n, Some(&mut fdefs))?;
        let draught = spread(&dv, &fdefs);
        let s = |b: &Option<ByteArray>| {
            b.as_ref()
                .and_then(|b| std::str::from_utf8(b.data()).ok().map(|s| s.to_string()))
        };
        for i in 0..n {
            if t[i] < from_ms || t[i] >= to_ms || mmsi.is_some_and(|mm| mm as i32 != m[i]) {
                continue;
            }
            let dims = [bow[i], stern[i], port[i], stbd[i]];
            let eta = [em[i], ed[i], eh[i], emin[i]];
            out.push(StaticObs {
                time_ms: t[i],
                mmsi: m[i] as u32,
                class: class_parse(cl[i].data()),
                identity: Identity {
                    name: s(&name[i]).map(|v| AisText::from(v.as_str())),
                    callsign: s(&callsign[i]).map(|v| AisText::from(v.as_str())),
                    imo: imo[i].map(|v| v as u32),
                    shiptype: shiptype[i].map(|v| v as u8),
                    dimensions: dims.iter().any(Option::is_some).then(|| Dimensions {
                        to_bow: dims[0].map(|v| v as u16),
                        to_stern: dims[1].map(|v| v as u16),
                        to_port: dims[2].map(|v| v as u8),
                        to_starboard: dims[3].map(|v| v as u8),
                    }),
                    destination: s(&destination[i]).map(|v| AisText::from(v.as_str())),
                    eta: eta.iter().any(Option::is_some).then(|| Eta {
                        month: eta[0].map(|v| v as u8),
                        day: eta[1].map(|v| v as u8),
                        hour: eta[2].map(|v| v as u8),
                        minute: eta[3].map(|v| v as u8),
                    }),
                    draught: draught[i],
                },
                payload_hash: 0,
            });
        }
    }
    Ok(())
}

/// Bytes per column of a positions file (compressed), for the benchmark.
pub fn column_sizes(path: &Path) -> Result<Vec<(String, i64, i64)>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| Error::parquet(path, e))?;
    let md = reader.metadata();
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for g in 0..md.num_row_groups() {
        let rg = md.row_group(g);
        for c in 0..rg.num_columns() {
            let col = rg.column(c);
            if out.len() <= c {
                out.push((col.column_path().string(), 0, 0));
            }
            out[c].1 += col.compressed_size();
            out[c].2 += rg.num_rows();
        }
    }
    Ok(out)
}

/// Positions still in memory that pass `filter`, as they will read back
/// from the archive.
pub(crate) fn filter_buffered(
    rows: &[PosRow],
    buffer: &Buffer,
    filter: &PosFilter,
    out: &mut Vec<PositionObs>,
) {
    for r in rows {
        let (x, y) = (quantize(r.lon), quantize(r.lat));
        if r.time_ms < filter.from_ms
            || r.time_ms >= filter.to_ms
            || filter.mmsi.is_some_and(|m| m != r.mmsi)
            || filter
                .bbox
                .is_some_and(|[x0, y0, x1, y1]| x < x0 || x > x1 || y < y0 || y > y1)
        {
            continue;
        }
        out.push(PositionObs {
            time_ms: r.time_ms,
            mmsi: r.mmsi,
            lat: dequantize(y),
            lon: dequantize(x),
            sog: (r.sog >= 0).then(|| r.sog as f32 / 10.0),
            cog: (r.cog >= 0).then(|| r.cog as f32 / 10.0),
            heading: (r.heading >= 0).then_some(r.heading as u16),
            status: (r.status >= 0).then_some(r.status as u8),
            class: CLASSES[r.class as usize % 5],
            msg_type: r.msg_type,
            source: buffer.source(r.source).copied(),
            payload_hash: 0,
        });
    }
}
