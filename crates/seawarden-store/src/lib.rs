//! # seawarden-store
//!
//! Seawarden's embedded store: one directory, no server.
//!
//! - `journal/NNNNNNNN.seg`: every received line with its receive time and
//!   source, in append-only LZ4-compressed blocks with a CRC-32 each; every
//!   segment header holds the SHA-256 of the segment before it
//!   ([`journal`]). After a crash everything flushed is there; a torn last
//!   block is cut when the store is opened for writing.
//! - `archive/positions/date=YYYY-MM-DD/*.parquet` (GeoParquet 1.1, native
//!   point geometry) and `archive/statics/date=.../*.parquet`: decoded
//!   positions and static reports, zstd, signed integer types only, readable
//!   by DuckDB, pandas/GeoPandas, Spark, Trino and BigQuery ([`archive`]).
//! - `seawarden.sqlite`: vessels, alerts, investigations, notes, and the
//!   hashes of sealed segments and archive files.
//! - `store.toml`: settings ([`StoreConfig`]).
//!
//! ```no_run
//! # fn main() -> Result<(), seawarden_store::Error> {
//! let mut store = seawarden_store::Store::open("data")?;
//! store.append(1_700_000_000_000, "stdin", b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23")?;
//! store.flush()?; // acknowledged: survives a crash of this process
//! let track = store.track(265547250, 0, i64::MAX)?;
//! # let _ = track; Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod archive;
mod db;
mod error;
pub mod export;
pub mod ingest;
pub mod journal;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use seawarden_geo::{LatLon, LocalFrame};
use seawarden_track::{PositionObs, StaticObs};

pub use db::{AlertAction, AlertQuery, Investigation, Note, StoredAlert, VesselRecord};
pub use error::{Error, ErrorKind, Result};
pub use journal::{JournalRecord, JournalWriter, Recovery};

/// Settings kept in `store.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreConfig {
    /// Days of journal and archive kept by [`Store::apply_retention`];
    /// 0 keeps everything.
    pub retention_days: u32,
    /// A journal segment is sealed and a new one started past this size.
    pub segment_bytes: u64,
    /// Positions and static reports buffered in memory before the archive
    /// is written (besides whenever a day closes).
    pub archive_buffer_rows: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            retention_days: 0,
            segment_bytes: 256 << 20,
            archive_buffer_rows: 32 << 20,
        }
    }
}

impl StoreConfig {
    /// Parses `store.toml` (`key = value` lines; `#` comments).
    pub fn parse(text: &str) -> Result<StoreConfig> {
        let mut c = StoreConfig::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                return Err(Error::config(format!(
                    "store.toml line {}: expected key = value",
                    n + 1
                )));
            };
            let (k, v) = (k.trim(), v.trim());
            let bad = || {
                Error::config(format!(
                    "store.toml line {}: invalid value for {k}: {v}",
                    n + 1
                ))
            };
            match k {
                "retention_days" => c.retention_days = v.parse().map_err(|_| bad())?,
                "segment_bytes" => {
                    c.segment_bytes = v.parse::<u64>().map_err(|_| bad())?.max(1 << 16)
                }
                "archive_buffer_rows" => {
                    c.archive_buffer_rows = v.parse::<usize>().map_err(|_| bad())?.max(1)
                }
                _ => {
                    return Err(Error::config(format!(
                        "store.toml line {}: unknown setting {k}",
                        n + 1
                    )))
                }
            }
        }
        Ok(c)
    }

    /// The settings as `store.toml` text.
    pub fn to_toml(&self) -> String {
        format!(
            "# Seawarden store settings.\n# Days of journal and archive kept (0 = keep everything).\nretention_days = {}\n# Journal segment size before sealing, bytes.\nsegment_bytes = {}\n# Rows buffered before the archive is written.\narchive_buffer_rows = {}\n",
            self.retention_days, self.segment_bytes, self.archive_buffer_rows
        )
    }
}

/// A vessel found near a geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct NearVessel {
    /// The vessel.
    pub mmsi: u32,
    /// Closest distance to the geometry, metres.
    pub closest_m: f64,
    /// When it was closest, ms since the epoch.
    pub closest_time_ms: i64,
    /// Where it was closest, degrees.
    pub lat: f64,
    /// Where it was closest, degrees.
    pub lon: f64,
    /// Its positions within the distance.
    pub positions: u64,
    /// First and last of those positions, ms since the epoch.
    pub first_ms: i64,
    /// Last of those positions.
    pub last_ms: i64,
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Journal segments checked.
    pub segments: u64,
    /// Journal blocks checked.
    pub blocks: u64,
    /// Journal records checked.
    pub records: u64,
    /// Archive files checked.
    pub archive_files: u64,
    /// SHA-256 of the newest segment: record it elsewhere to prove later
    /// that nothing before it changed.
    pub head: Option<String>,
    /// Every problem found, naming the file.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// True when no problem was found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What [`Store::apply_retention`] removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetentionReport {
    /// Journal segments removed (their hashes stay in the database).
    pub segments_removed: u64,
    /// Archive files removed.
    pub files_removed: u64,
    /// Bytes freed.
    pub bytes_freed: u64,
}

/// Counts of what went through the store since it was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Lines appended to the journal.
    pub lines: u64,
    /// Positions archived.
    pub positions: u64,
    /// Static reports archived.
    pub statics: u64,
    /// Archive files written.
    pub files_written: u64,
    /// Archive bytes written.
    pub archive_bytes: u64,
}

/// The embedded store in one directory. One process writes at a time.
pub struct Store {
    dir: PathBuf,
    config: StoreConfig,
    db: rusqlite::Connection,
    journal: Option<JournalWriter>,
    recovery: Recovery,
    buffer: archive::Buffer,
    vessels: seawarden_track::FastMap<u32, VesselRecord>,
    max_day: i64,
    file_seq: u64,
    stats: StoreStats,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Opens the store in `dir`, creating it (with a default `store.toml`)
    /// if missing. Opening does not touch the journal; the first append does.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(dir.join("journal")).map_err(|e| Error::io(&dir, e))?;
        fs::create_dir_all(dir.join("archive")).map_err(|e| Error::io(&dir, e))?;
        let toml = dir.join("store.toml");
        let config = match fs::read_to_string(&toml) {
            Ok(t) => StoreConfig::parse(&t)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let c = StoreConfig::default();
                fs::write(&toml, c.to_toml()).map_err(|e| Error::io(&toml, e))?;
                c
            }
            Err(e) => return Err(Error::io(&toml, e)),
        };
        let db = db::open(&dir.join("seawarden.sqlite"))?;
        Ok(Store {
            dir,
            config,
            db,
            journal: None,
            recovery: Recovery::default(),
            buffer: archive::Buffer::default(),
            vessels: Default::default(),
            max_day: i64::MIN,
            file_seq: 0,
            stats: StoreStats::default(),
        })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings from `store.toml`.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Changes the settings and writes `store.toml`.
    pub fn set_config(&mut self, config: StoreConfig) -> Result<()> {
        let toml = self.dir.join("store.toml");
        fs::write(&toml, config.to_toml()).map_err(|e| Error::io(&toml, e))?;
        self.config = config;
        Ok(())
    }

    /// Counts since opening.
    pub fn stats(&self) -> StoreStats {
        let mut s = self.stats;
        s.lines = self.journal.as_ref().map_or(0, |j| j.appended());
        s
    }

    /// What opening the journal for writing repaired (a torn tail cut).
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// The journal writer, opening it on first use: the newest segment is
    /// checked, a torn tail cut, and a new segment chained to it started.
    pub fn journal_writer(&mut self) -> Result<&mut JournalWriter> {
        if self.journal.is_none() {
            let (w, rec) = JournalWriter::open(
                &self.dir.join("journal"),
                self.config.segment_bytes,
                now_ms(),
            )?;
            self.recovery = rec;
            self.journal = Some(w);
            self.record_sealed()?;
        }
        Ok(self.journal.as_mut().expect("journal opened above"))
    }

    fn record_sealed(&mut self) -> Result<()> {
        let Some(j) = self.journal.as_mut() else {
            return Ok(());
        };
        let sealed = j.take_sealed();
        for s in sealed {
            self.db.execute(
                "INSERT INTO journal_segments (seq, sha256, bytes, records, first_ms, last_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(seq) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes, records = excluded.records,
                   first_ms = excluded.first_ms, last_ms = excluded.last_ms",
                rusqlite::params![s.seq as i64, journal::hex(&s.hash), s.bytes as i64, s.records as i64, s.min_ms, s.max_ms],
            )?;
        }
        Ok(())
    }

    /// Appends one received line to the journal (not yet acknowledged: see
    /// [`Store::flush`]).
    #[inline]
    pub fn append(&mut self, time_ms: i64, source: &str, line: &[u8]) -> Result<()> {
        match self.journal.as_mut() {
            Some(j) => j.append(time_ms, source, line),
            None => self.journal_writer()?.append(time_ms, source, line),
        }
    }

    /// Acknowledges: hands every appended line to the operating system, so
    /// it survives this process being killed.
    pub fn flush(&mut self) -> Result<()> {
        if let Some(j) = self.journal.as_mut() {
            j.flush()?;
        }
        self.record_sealed()
    }

    /// Buffers a position for the archive and counts it for its vessel.
    pub fn archive_position(&mut self, p: &PositionObs) -> Result<()> {
        self.buffer.push_position(p);
        self.stats.positions += 1;
        let v = self.vessels.entry(p.mmsi).or_insert_with(|| VesselRecord {
            mmsi: p.mmsi,
            first_ms: p.time_ms,
            last_ms: p.time_ms,
            ..VesselRecord::default()
        });
        v.positions += 1;
        v.first_ms = v.first_ms.min(p.time_ms);
        if p.time_ms >= v.last_ms || v.last_lat.is_none() {
            v.last_ms = v.last_ms.max(p.time_ms);
            v.last_lat = Some(p.lat);
            v.last_lon = Some(p.lon);
        }
        self.after_push(p.time_ms)
    }

    /// Buffers a static report for the archive and updates its vessel.
    pub fn archive_static(&mut self, s: &StaticObs) -> Result<()> {
        self.buffer.push_static(s);
        self.stats.statics += 1;
        let v = self.vessels.entry(s.mmsi).or_insert_with(|| VesselRecord {
            mmsi: s.mmsi,
            first_ms: s.time_ms,
            last_ms: s.time_ms,
            ..VesselRecord::default()
        });
        v.statics += 1;
        v.first_ms = v.first_ms.min(s.time_ms);
        v.last_ms = v.last_ms.max(s.time_ms);
        let id = &s.identity;
        if let Some(n) = id.name.filter(|n| !n.is_empty()) {
            v.name = Some(n.as_str().to_string());
        }
        if let Some(n) = id.callsign.filter(|n| !n.is_empty()) {
            v.callsign = Some(n.as_str().to_string());
        }
        if let Some(n) = id.destination.filter(|n| !n.is_empty()) {
            v.destination = Some(n.as_str().to_string());
        }
        v.imo = id.imo.or(v.imo);
        v.shiptype = id.shiptype.or(v.shiptype);
        self.after_push(s.time_ms)
    }

    fn after_push(&mut self, t: i64) -> Result<()> {
        let day = archive::day_of(t);
        if day > self.max_day {
            self.max_day = day;
            // A day two days behind the newest is closed: write it.
            let closed: Vec<i64> = self
                .buffer
                .positions
                .keys()
                .chain(self.buffer.statics.keys())
                .copied()
                .filter(|d| *d < day - 1)
                .collect();
            for d in closed {
                self.write_day(d)?;
            }
        }
        if self.buffer.rows >= self.config.archive_buffer_rows {
            self.flush_archive()?;
        }
        Ok(())
    }

    fn write_day(&mut self, day: i64) -> Result<()> {
        let root = self.dir.join("archive");
        if let Some(mut rows) = self.buffer.positions.remove(&day) {
            if !rows.is_empty() {
                let (data, lo, hi) = archive::encode_positions(&mut rows, &self.buffer)?;
                self.file_seq = self.file_seq.max(now_ms() as u64 * 1000).wrapping_add(1);
                let f = archive::store_file(
                    &root,
                    "positions",
                    day,
                    self.file_seq,
                    &data,
                    (rows.len() as u64, lo, hi),
                )?;
                self.buffer.rows -= rows.len();
                self.record_file("positions", day, &f)?;
            }
        }
        if let Some(mut rows) = self.buffer.statics.remove(&day) {
            if !rows.is_empty() {
                let (data, lo, hi) = archive::encode_statics(&mut rows)?;
                self.file_seq = self.file_seq.max(now_ms() as u64 * 1000).wrapping_add(1);
                let f = archive::store_file(
                    &root,
                    "statics",
                    day,
                    self.file_seq,
                    &data,
                    (rows.len() as u64, lo, hi),
                )?;
                self.buffer.rows -= rows.len();
                self.record_file("statics", day, &f)?;
            }
        }
        Ok(())
    }

    fn record_file(&mut self, kind: &str, day: i64, f: &archive::WrittenFile) -> Result<()> {
        let rel = f
            .path
            .strip_prefix(&self.dir)
            .unwrap_or(&f.path)
            .to_string_lossy()
            .replace('\\', "/");
        self.db.execute(
            "INSERT OR REPLACE INTO archive_files (path, kind, day, rows, bytes, first_ms, last_ms, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![rel, kind, archive::date_string(day), f.rows as i64, f.bytes as i64, f.min_ms, f.max_ms, journal::hex(&f.sha256)],
        )?;
        self.stats.files_written += 1;
        self.stats.archive_bytes += f.bytes;
        Ok(())
    }

    /// Writes every buffered position and static report to the archive and
    /// the vessel summaries to the database.
    pub fn flush_archive(&mut self) -> Result<()> {
        let days: Vec<i64> = self
            .buffer
            .positions
            .keys()
            .chain(self.buffer.statics.keys())
            .copied()
            .collect();
        for d in days {
            self.write_day(d)?;
        }
        if !self.vessels.is_empty() {
            db::upsert_vessels(&mut self.db, self.vessels.values())?;
            self.vessels.clear();
        }
        Ok(())
    }

    /// Flushes the journal and the archive. Also done when the store is
    /// dropped (errors then are printed, not returned).
    pub fn close(mut self) -> Result<()> {
        self.flush()?;
        self.flush_archive()
    }

    /// Every archived position in `[from_ms, to_ms)`, optionally inside
    /// `bbox` = `[min_lon, min_lat, max_lon, max_lat]`, sorted by MMSI and time.
    /// Positions still buffered in memory are included. Stored positions
    /// carry `payload_hash` 0 (the archive does not keep it).
    pub fn positions(
        &self,
        from_ms: i64,
        to_ms: i64,
        bbox: Option<[f64; 4]>,
    ) -> Result<Vec<PositionObs>> {
        self.select_positions(&archive::PosFilter {
            from_ms,
            to_ms,
            bbox,
            mmsi: None,
        })
    }

    /// One vessel's positions in `[from_ms, to_ms)`, by time.
    pub fn track(&self, mmsi: u32, from_ms: i64, to_ms: i64) -> Result<Vec<PositionObs>> {
        self.select_positions(&archive::PosFilter {
            from_ms,
            to_ms,
            bbox: None,
            mmsi: Some(mmsi),
        })
    }

    fn select_positions(&self, f: &archive::PosFilter) -> Result<Vec<PositionObs>> {
        let mut out = Vec::new();
        if f.from_ms >= f.to_ms {
            return Ok(out);
        }
        let (d0, d1) = (archive::day_of(f.from_ms), archive::day_of(f.to_ms - 1));
        for (day, path) in archive::list_files(&self.dir.join("archive"), "positions")? {
            if day >= d0 && day <= d1 {
                archive::read_positions(&path, f, &mut out)?;
            }
        }
        for (day, rows) in &self.buffer.positions {
            if *day < d0 || *day > d1 {
                continue;
            }
            archive::filter_buffered(rows, &self.buffer, f, &mut out);
        }
        out.sort_unstable_by_key(|p| (p.mmsi, p.time_ms));
        Ok(out)
    }

    /// Static reports in `[from_ms, to_ms)`, of one vessel or all, sorted by
    /// MMSI and time (archived ones and those still buffered).
    pub fn statics(&self, mmsi: Option<u32>, from_ms: i64, to_ms: i64) -> Result<Vec<StaticObs>> {
        let mut out = Vec::new();
        if from_ms >= to_ms {
            return Ok(out);
        }
        let (d0, d1) = (archive::day_of(from_ms), archive::day_of(to_ms - 1));
        for (day, path) in archive::list_files(&self.dir.join("archive"), "statics")? {
            if day >= d0 && day <= d1 {
                archive::read_statics(&path, from_ms, to_ms, mmsi, &mut out)?;
            }
        }
        for rows in self.buffer.statics.values() {
            out.extend(
                rows.iter()
                    .filter(|s| {
                        s.time_ms >= from_ms
                            && s.time_ms < to_ms
                            && mmsi.is_none_or(|m| m == s.mmsi)
                    })
                    .map(|s| StaticObs {
                        payload_hash: 0,
                        ..*s
                    }),
            );
        }
        out.sort_by_key(|s| (s.mmsi, s.time_ms));
        Ok(out)
    }

    /// Every vessel that came within `distance_m` of `geometry` (a point, or
    /// a line through the points) during `[from_ms, to_ms)`, closest first.
    /// Distances are on a local tangent plane per segment (accurate to well
    /// under 1 % within tens of kilometres).
    pub fn vessels_near(
        &self,
        geometry: &[LatLon],
        distance_m: f64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<NearVessel>> {
        if geometry.is_empty() || !distance_m.is_finite() || distance_m < 0.0 {
            return Err(Error::config(
                "vessels_near needs at least one point and a distance >= 0",
            ));
        }
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for p in geometry {
            lat0 = lat0.min(p.lat);
            lat1 = lat1.max(p.lat);
            lon0 = lon0.min(p.lon);
            lon1 = lon1.max(p.lon);
        }
        let dlat = distance_m / 111_000.0 * 1.01;
        let coslat = lat0.abs().max(lat1.abs()).min(89.0).to_radians().cos();
        let dlon = (distance_m / (111_320.0 * coslat) * 1.01).min(360.0);
        let bbox = [lon0 - dlon, lat0 - dlat, lon1 + dlon, lat1 + dlat];
        let positions = self.positions(from_ms, to_ms, Some(bbox))?;
        let frame = LocalFrame::new(geometry[0]);
        let pts: Vec<[f64; 2]> = geometry.iter().map(|p| frame.to_xy(*p)).collect();
        let mut out: Vec<NearVessel> = Vec::new();
        for p in &positions {
            let xy = frame.to_xy(LatLon::new(p.lat, p.lon));
            let d2 = if pts.len() == 1 {
                let (dx, dy) = (xy[0] - pts[0][0], xy[1] - pts[0][1]);
                dx * dx + dy * dy
            } else {
                pts.windows(2)
                    .map(|w| seawarden_geo::geodesy::planar::segment_distance2(xy, w[0], w[1]).0)
                    .fold(f64::MAX, f64::min)
            };
            let d = d2.sqrt();
            if d > distance_m {
                continue;
            }
            match out.last_mut().filter(|v| v.mmsi == p.mmsi) {
                Some(v) => {
                    v.positions += 1;
                    v.first_ms = v.first_ms.min(p.time_ms);
                    v.last_ms = v.last_ms.max(p.time_ms);
                    if d < v.closest_m {
                        v.closest_m = d;
                        v.closest_time_ms = p.time_ms;
                        v.lat = p.lat;
                        v.lon = p.lon;
                    }
                }
                None => out.push(NearVessel {
                    mmsi: p.mmsi,
                    closest_m: d,
                    closest_time_ms: p.time_ms,
                    lat: p.lat,
                    lon: p.lon,
                    positions: 1,
                    first_ms: p.time_ms,
                    last_ms: p.time_ms,
                }),
            }
        }
        out.sort_by(|a, b| {
            a.closest_m
                .total_cmp(&b.closest_m)
                .then(a.mmsi.cmp(&b.mmsi))
        });
        Ok(out)
    }

    /// Calls `f` with every journal line received in `[from_ms, to_ms)`, in
    /// journal order (for re-running the detectors with other settings).
    /// Returns how many lines it saw. Only intact blocks are read.
    pub fn for_each_journal_line(
        &self,
        from_ms: i64,
        to_ms: i64,
        f: impl FnMut(i64, &str, &[u8]),
    ) -> Result<u64> {
        journal::read_window(&self.dir.join("journal"), from_ms, to_ms, f).map(|r| r.records)
    }

    /// Every journal line received in `[from_ms, to_ms)`, in journal order.
    pub fn journal_lines(&self, from_ms: i64, to_ms: i64) -> Result<Vec<JournalRecord>> {
        let mut v = Vec::new();
        self.for_each_journal_line(from_ms, to_ms, |t, s, l| {
            v.push(JournalRecord {
                time_ms: t,
                source: s.to_string(),
                line: l.to_vec(),
            })
        })?;
        Ok(v)
    }

    /// Stores an alert event; later events of the same episode replace
    /// earlier ones.
    pub fn record_alert(&mut self, alert: &seawarden_detect::Alert) -> Result<()> {
        db::record_alert(&self.db, alert)
    }

    /// Stores an alert event (the JSON object of `docs/alerts.md`) as
    /// delivered to someone (the live service): the episode's latest event
    /// as [`Store::record_alert`] does, and the event itself in the log of
    /// delivered events ([`Store::alert_events`]). An event without an `id`
    /// is refused.
    pub fn record_alert_event(&mut self, alert: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
        db::record_alert_event(&mut self.db, alert)
    }

    /// Every alert event recorded by [`Store::record_alert_event`], oldest
    /// first, as the JSON the engine wrote.
    pub fn alert_events(&self) -> Result<Vec<String>> {
        db::alert_events(&self.db)
    }

    /// Records a review action (acknowledgement, comment) on an alert.
    pub fn record_alert_action(&mut self, action: &AlertAction) -> Result<()> {
        db::record_alert_action(&self.db, action)
    }

    /// Every review action, oldest first.
    pub fn alert_actions(&self) -> Result<Vec<AlertAction>> {
        db::alert_actions(&self.db)
    }

    /// Stored alerts matching `q`, by start time.
    pub fn alerts(&self, q: &AlertQuery) -> Result<Vec<StoredAlert>> {
        db::alerts(&self.db, q)
    }

    /// One vessel's summary (after [`Store::flush_archive`]).
    pub fn vessel(&self, mmsi: u32) -> Result<Option<VesselRecord>> {
        db::vessel(&self.db, mmsi)
    }

    /// Every vessel's summary, by MMSI (after [`Store::flush_archive`]).
    pub fn vessels(&self) -> Result<Vec<VesselRecord>> {
        db::vessels(&self.db)
    }

    /// Opens an investigation; returns its id.
    pub fn create_investigation(
        &mut self,
        title: &str,
        description: &str,
        query: &str,
    ) -> Result<i64> {
        db::create_investigation(&self.db, title, description, query, now_ms())
    }

    /// Every investigation, by id.
    pub fn investigations(&self) -> Result<Vec<Investigation>> {
        db::investigations(&self.db)
    }

    /// One investigation.
    pub fn investigation(&self, id: i64) -> Result<Option<Investigation>> {
        db::investigation(&self.db, id)
    }

    /// Sets an investigation's status (`open`, `closed`, ...); false if no
    /// such investigation.
    pub fn set_investigation_status(&mut self, id: i64, status: &str) -> Result<bool> {
        db::set_investigation_status(&self.db, id, status)
    }

    /// Adds a note to an investigation; returns the note's id.
    pub fn add_note(&mut self, investigation_id: i64, author: &str, text: &str) -> Result<i64> {
        if self.investigation(investigation_id)?.is_none() {
            return Err(Error::config(format!(
                "no investigation {investigation_id}"
            )));
        }
        db::add_note(&self.db, investigation_id, author, text, now_ms())
    }

    /// The notes of an investigation, oldest first.
    pub fn notes(&self, investigation_id: i64) -> Result<Vec<Note>> {
        db::notes(&self.db, investigation_id)
    }

    /// The underlying SQLite connection, for queries the API does not offer.
    pub fn sql(&self) -> &rusqlite::Connection {
        &self.db
    }

    /// Checks the whole store: every journal block's CRC, the hash chain
    /// between segments and against the hashes recorded in the database
    /// (so a removed or altered segment is named), every archive file's
    /// SHA-256 and Parquet footer, and SQLite's integrity check. Reads only.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut r = VerifyReport::default();
        let jdir = self.dir.join("journal");
        let segments = journal::list_segments(&jdir)?;
        let mut recorded: HashMap<u64, (String, Option<i64>)> = HashMap::new();
        {
            let mut st = self
                .db
                .prepare("SELECT seq, sha256, removed_ms FROM journal_segments")?;
            let rows = st.query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)? as u64,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })?;
            for row in rows {
                let (seq, h, removed) = row?;
                recorded.insert(seq, (h, removed));
            }
        }
        let present: std::collections::HashSet<u64> = segments.iter().map(|(s, _)| *s).collect();
        let mut prev: Option<(u64, journal::Hash)> = None;
        let newest = segments.last().map(|(s, _)| *s);
        for (seq, path) in &segments {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let scan = journal::scan_segment(path, |_| false, |_| Ok(()))?;
            r.segments += 1;
            r.blocks += scan.blocks;
            r.records += scan.records;
            let hash = journal::hash_file(path)?;
            let Some(h) = scan.header else {
                r.problems.push(format!(
                    "journal/{name}: {}",
                    scan.problem.unwrap_or_default()
                ));
                prev = Some((*seq, hash));
                continue;
            };
            if h.seq != *seq {
                r.problems.push(format!(
                    "journal/{name}: header says segment {} (renamed?)",
                    h.seq
                ));
            }
            if let Some(p) = scan.problem {
                if Some(*seq) == newest && self.journal.is_none() {
                    r.problems.push(format!("journal/{name}: torn or damaged tail ({p}); {} bytes after the last intact block are cut when the store is next opened for writing", scan.file_len - scan.valid_len));
                } else {
                    r.problems.push(format!("journal/{name}: {p}"));
                }
            }
            match prev {
                Some((pseq, phash)) if pseq + 1 == *seq => {
                    if phash != h.prev_hash {
                        r.problems.push(format!("journal/{name}: hash of segment {pseq:08} does not match the one recorded here (segment {pseq:08} altered)"));
                    }
                }
                _ => {
                    // The segment before is gone: allowed only when retention removed it.
                    if *seq > 1 {
                        match recorded.get(&(seq - 1)) {
                            Some((rh, Some(_))) if *rh == journal::hex(&h.prev_hash) => {}
                            Some((_, Some(_))) => r.problems.push(format!("journal/{name}: previous segment was removed by retention but its recorded hash differs")),
                            _ => r.problems.push(format!("journal/{:08}.seg is missing (removed without retention)", seq - 1)),
                        }
                    } else if h.prev_hash != [0u8; 32] {
                        r.problems.push(format!(
                            "journal/{name}: first segment refers to a predecessor"
                        ));
                    }
                }
            }
            if let Some((rh, removed)) = recorded.get(seq) {
                if removed.is_none() && *rh != journal::hex(&hash) {
                    r.problems.push(format!("journal/{name}: SHA-256 differs from the one recorded when it was sealed (altered)"));
                }
            }
            prev = Some((*seq, hash));
        }
        let mut missing: Vec<u64> = recorded
            .iter()
            .filter(|(s, (_, removed))| removed.is_none() && !present.contains(s))
            .map(|(s, _)| *s)
            .collect();
        missing.sort();
        for s in missing {
            if !r
                .problems
                .iter()
                .any(|p| p.starts_with(&format!("journal/{s:08}.seg is missing")))
            {
                r.problems.push(format!(
                    "journal/{s:08}.seg is missing (sealed and recorded, then removed)"
                ));
            }
        }
        r.head = prev.map(|(_, h)| journal::hex(&h));

        // Archive files against their recorded hashes.
        let mut files: HashMap<String, String> = HashMap::new();
        {
            let mut st = self.db.prepare("SELECT path, sha256 FROM archive_files")?;
            let rows = st.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (p, h) = row?;
                files.insert(p, h);
            }
        }
        let root = self.dir.join("archive");
        for kind in ["positions", "statics"] {
            for (_, path) in archive::list_files(&root, kind)? {
                r.archive_files += 1;
                let rel = path
                    .strip_prefix(&self.dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let hash = journal::hash_file(&path)?;
                match files.remove(&rel) {
                    None => r.problems.push(format!("{rel}: not recorded in the database (added afterwards?)")),
                    Some(h) if h != journal::hex(&hash) => r.problems.push(format!("{rel}: SHA-256 differs from the one recorded when it was written (altered)")),
                    Some(_) => {
                        let readable = fs::File::open(&path).map_err(|e| Error::io(&path, e)).and_then(|f| {
                            use parquet::file::reader::FileReader;
                            parquet::file::serialized_reader::SerializedFileReader::new(f).map(|r| r.metadata().file_metadata().num_rows()).map_err(|e| Error::parquet(&path, e))
                        });
                        if let Err(e) = readable {
                            r.problems.push(format!("{rel}: unreadable Parquet: {e}"));
                        }
                    }
                }
            }
        }
        let mut gone: Vec<String> = files.into_keys().collect();
        gone.sort();
        for g in gone {
            r.problems.push(format!("{g}: recorded but missing"));
        }
        let check: String = self
            .db
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check != "ok" {
            r.problems.push(format!("seawarden.sqlite: {check}"));
        }
        Ok(r)
    }

    /// Rebuilds the archive and the vessel table from the journal (the
    /// source of truth): after a crash lost positions that were buffered
    /// but not yet written, or to re-archive with a newer decoder. Alerts,
    /// investigations and notes are kept. Returns the lines read.
    pub fn rebuild_archive(&mut self) -> Result<u64> {
        self.flush()?;
        self.buffer = archive::Buffer::default();
        self.vessels.clear();
        self.max_day = i64::MIN;
        let root = self.dir.join("archive");
        for kind in ["positions", "statics"] {
            let dir = root.join(kind);
            if dir.exists() {
                fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            }
        }
        self.db
            .execute_batch("DELETE FROM archive_files; DELETE FROM vessels;")?;
        let mut ing = ingest::Ingester::new();
        let mut err = None;
        let mut lines = 0u64;
        for (_, path) in journal::list_segments(&self.dir.join("journal"))? {
            journal::scan_segment(
                &path,
                |_| true,
                |b| {
                    journal::for_each_record(b.raw, |t, _, line| {
                        lines += 1;
                        if err.is_none() {
                            if let Err(e) = ing.archive_only(self, line, t) {
                                err = Some(e);
                            }
                        }
                    })
                },
            )?;
        }
        if let Some(e) = err {
            return Err(e);
        }
        self.flush_archive()?;
        Ok(lines)
    }

    /// Removes journal segments and archive days older than
    /// `retention_days` before `now_ms` (nothing when it is 0). The newest
    /// segment is never removed; removed segments keep their hash in the
    /// database so the chain still verifies.
    pub fn apply_retention(&mut self, now_ms: i64) -> Result<RetentionReport> {
        let mut rep = RetentionReport::default();
        if self.config.retention_days == 0 {
            return Ok(rep);
        }
        let cutoff = now_ms - self.config.retention_days as i64 * archive::DAY_MS;
        let jdir = self.dir.join("journal");
        let segments = journal::list_segments(&jdir)?;
        let active = self.journal.as_ref().map(|j| j.segment_seq());
        let n = segments.len();
        for (i, (seq, path)) in segments.iter().enumerate() {
            if i + 1 == n || Some(*seq) == active {
                break;
            }
            let scan = journal::scan_segment_with(path, false, |_| false, |_| Ok(()))?;
            if scan.max_ms.is_some_and(|m| m >= cutoff) {
                // Segments are in time order in practice; stop at the first
                // that still holds data to keep.
                break;
            }
            let hash = journal::hex(&journal::hash_file(path)?);
            self.db.execute(
                "INSERT INTO journal_segments (seq, sha256, bytes, records, first_ms, last_ms, removed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(seq) DO UPDATE SET removed_ms = excluded.removed_ms",
                rusqlite::params![*seq as i64, hash, scan.file_len as i64, scan.records as i64, scan.min_ms, scan.max_ms, now_ms],
            )?;
            fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            rep.segments_removed += 1;
            rep.bytes_freed += scan.file_len;
        }
        let cutoff_day = archive::day_of(cutoff);
        let root = self.dir.join("archive");
        for kind in ["positions", "statics"] {
            for (day, path) in archive::list_files(&root, kind)? {
                if day >= cutoff_day {
                    continue;
                }
                let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                let rel = path
                    .strip_prefix(&self.dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                self.db
                    .execute("DELETE FROM archive_files WHERE path = ?1", [rel])?;
                if let Some(parent) = path.parent() {
                    let _ = fs::remove_dir(parent);
                }
                rep.files_removed += 1;
                rep.bytes_freed += bytes;
            }
        }
        Ok(rep)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(e) = self.flush().and_then(|_| self.flush_archive()) {
            eprintln!(
                "seawarden-store: could not flush {} on close: {e}",
                self.dir.display()
            );
        }
    }
}
