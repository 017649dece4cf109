//! The SQLite side of the store: vessels, alerts, investigations and their
//! notes, and the records of journal segments and archive files that
//! `verify` checks against.

use rusqlite::{params, Connection, OptionalExtension};
use seawarden_detect::Alert;
use serde_json::Value;

use crate::Result;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_segments (
  seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, records INTEGER NOT NULL,
  first_ms INTEGER, last_ms INTEGER, removed_ms INTEGER);
CREATE TABLE IF NOT EXISTS archive_files (
  path TEXT PRIMARY KEY, kind TEXT NOT NULL, day TEXT NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL,
  first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vessels (
  mmsi INTEGER PRIMARY KEY, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
  positions INTEGER NOT NULL DEFAULT 0, statics INTEGER NOT NULL DEFAULT 0,
  last_lat REAL, last_lon REAL, name TEXT, callsign TEXT, imo INTEGER, shiptype INTEGER, destination TEXT);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, event TEXT NOT NULL, mmsi INTEGER NOT NULL, other_mmsi INTEGER,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  score INTEGER NOT NULL, summary TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_start ON alerts (start_ms);
CREATE INDEX IF NOT EXISTS alerts_mmsi ON alerts (mmsi);
CREATE TABLE IF NOT EXISTS alert_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, event TEXT NOT NULL, end_ms INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_actions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, action TEXT NOT NULL, author TEXT NOT NULL,
  time_ms INTEGER NOT NULL, text TEXT);
CREATE TABLE IF NOT EXISTS investigations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'open', query TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT, investigation_id INTEGER NOT NULL REFERENCES investigations(id),
  created_ms INTEGER NOT NULL, author TEXT NOT NULL, text TEXT NOT NULL);
";

pub(crate) fn open(path: &std::path::Path) -> Result<Connection> {
    let c = Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.execute_batch(SCHEMA)?;
    Ok(c)
}

/// What the store knows of one vessel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VesselRecord {
    /// MMSI.
    pub mmsi: u32,
    /// First and last position or static report, ms since the epoch.
    pub first_ms: i64,
    /// Last report.
    pub last_ms: i64,
    /// Positions archived.
    pub positions: u64,
    /// Static reports archived.
    pub statics: u64,
    /// Last known position, degrees.
    pub last_lat: Option<f64>,
    /// Last known position, degrees.
    pub last_lon: Option<f64>,
    /// Last reported name.
    pub name: Option<String>,
    /// Last reported call sign.
    pub callsign: Option<String>,
    /// Last reported IMO number.
    pub imo: Option<u32>,
    /// Last reported ship type.
    pub shiptype: Option<u8>,
    /// Last reported destination.
    pub destination: Option<String>,
}

pub(crate) fn upsert_vessels<'a>(
    c: &mut Connection,
    vessels: impl Iterator<Item = &'a VesselRecord>,
) -> Result<()> {
    let tx = c.transaction()?;
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO vessels (mmsi, first_ms, last_ms, positions, statics, last_lat, last_lon, name, callsign, imo, shiptype, destination)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT(mmsi) DO UPDATE SET
               first_ms = min(first_ms, excluded.first_ms),
               last_lat = CASE WHEN excluded.last_lat IS NOT NULL AND excluded.last_ms >= last_ms THEN excluded.last_lat ELSE last_lat END,
               last_lon = CASE WHEN excluded.last_lon IS NOT NULL AND excluded.last_ms >= last_ms THEN excluded.last_lon ELSE last_lon END,
               last_ms = max(last_ms, excluded.last_ms),
               positions = positions + excluded.positions,
               statics = statics + excluded.statics,
               name = coalesce(excluded.name, name),
               callsign = coalesce(excluded.callsign, callsign),
               imo = coalesce(excluded.imo, imo),
               shiptype = coalesce(excluded.shiptype, shiptype),
               destination = coalesce(excluded.destination, destination)",
        )?;
        for v in vessels {
            st.execute(params![
                v.mmsi,
                v.first_ms,
                v.last_ms,
                v.positions as i64,
                v.statics as i64,
                v.last_lat,
                v.last_lon,
                v.name,
                v.callsign,
                v.imo,
                v.shiptype,
                v.destination
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn vessel_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VesselRecord> {
    Ok(VesselRecord {
        mmsi: r.get(0)?,
        first_ms: r.get(1)?,
        last_ms: r.get(2)?,
        positions: r.get::<_, i64>(3)? as u64,
        statics: r.get::<_, i64>(4)? as u64,
        last_lat: r.get(5)?,
        last_lon: r.get(6)?,
        name: r.get(7)?,
        callsign: r.get(8)?,
        imo: r.get(9)?,
        shiptype: r.get(10)?,
        destination: r.get(11)?,
    })
}

const VESSEL_COLS: &str = "mmsi, first_ms, last_ms, positions, statics, last_lat, last_lon, name, callsign, imo, shiptype, destination";

pub(crate) fn vessel(c: &Connection, mmsi: u32) -> Result<Option<VesselRecord>> {
    Ok(c.query_row(
        &format!("SELECT {VESSEL_COLS} FROM vessels WHERE mmsi = ?1"),
        [mmsi],
        vessel_row,
    )
    .optional()?)
}

pub(crate) fn vessels(c: &Connection) -> Result<Vec<VesselRecord>> {
    let mut st = c.prepare(&format!("SELECT {VESSEL_COLS} FROM vessels ORDER BY mmsi"))?;
    let rows = st
        .query_map([], vessel_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An alert as stored: its latest event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlert {
    /// Stable alert id.
    pub id: String,
    /// Detector name (`loitering`, `encounter`, ...).
    pub kind: String,
    /// Latest event seen: `start`, `update` or `end`.
    pub event: String,
    /// The vessel.
    pub mmsi: u32,
    /// The other vessel, for encounters and shared identities.
    pub other_mmsi: Option<u32>,
    /// Episode start, ms since the epoch.
    pub start_ms: i64,
    /// Episode end (so far), ms since the epoch.
    pub end_ms: i64,
    /// Where, degrees.
    pub lat: f64,
    /// Where, degrees.
    pub lon: f64,
    /// Severity 0-100.
    pub score: u8,
    /// One human sentence.
    pub summary: String,
    /// The alert event exactly as the engine wrote it (JSON).
    pub json: String,
}

const UPSERT_ALERT: &str = "INSERT INTO alerts (id, kind, event, mmsi, other_mmsi, start_ms, end_ms, lat, lon, score, summary, json)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
     ON CONFLICT(id) DO UPDATE SET event = excluded.event, end_ms = excluded.end_ms, lat = excluded.lat,
       lon = excluded.lon, score = excluded.score, summary = excluded.summary, json = excluded.json";

pub(crate) fn record_alert(c: &Connection, a: &Alert) -> Result<()> {
    let t = |s: &str| seawarden_ais::meta::parse_iso8601(s.as_bytes()).unwrap_or(0);
    c.prepare_cached(UPSERT_ALERT)?
    .execute(params![a.id, a.kind.as_str(), a.event, a.mmsi, a.other_mmsi, t(&a.start), t(&a.end), a.lat, a.lon, a.score, a.summary, a.to_json()])?;
    Ok(())
}

/// Stores an alert event (as `docs/alerts.md` shows it) as delivered: the
/// episode's latest event in `alerts`, and the event itself appended to
/// `alert_events`, in one transaction.
pub(crate) fn record_alert_event(c: &mut Connection, a: &serde_json::Map<String, Value>) -> Result<()> {
    let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
    let time = |k: &str| seawarden_ais::meta::parse_iso8601(text(k).as_bytes()).unwrap_or(0);
    let num = |k: &str| a.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let int = |k: &str| a.get(k).and_then(Value::as_u64);
    let id = text("id");
    if id.is_empty() {
        return Err(crate::Error::config("an alert event without an \"id\""));
    }
    let json = serde_json::to_string(a).unwrap_or_default();
    let tx = c.transaction()?;
    tx.prepare_cached(UPSERT_ALERT)?.execute(params![
        id,
        text("kind"),
        text("event"),
        int("mmsi").unwrap_or(0),
        int("other_mmsi"),
        time("start"),
        time("end"),
        num("lat"),
        num("lon"),
        int("score").unwrap_or(0).min(100),
        text("summary"),
        json
    ])?;
    tx.prepare_cached("INSERT INTO alert_events (id, event, end_ms, json) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, text("event"), time("end"), json])?;
    tx.commit()?;
    Ok(())
}

/// Every alert event recorded by [`record_alert_event`], oldest first, as JSON.
pub(crate) fn alert_events(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare("SELECT json FROM alert_events ORDER BY seq")?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A review action on an alert episode: an acknowledgement or a comment.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertAction {
    /// The episode's alert id.
    pub id: String,
    /// `ack` or `comment`.
    pub action: String,
    /// Who (a token's name, or `anonymous`).
    pub author: String,
    /// When, ms since the epoch.
    pub time_ms: i64,
    /// The comment's text.
    pub text: Option<String>,
}

pub(crate) fn record_alert_action(c: &Connection, a: &AlertAction) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO alert_actions (id, action, author, time_ms, text) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![a.id, a.action, a.author, a.time_ms, a.text])?;
    Ok(())
}

pub(crate) fn alert_actions(c: &Connection) -> Result<Vec<AlertAction>> {
    let mut st = c.prepare("SELECT id, action, author, time_ms, text FROM alert_actions ORDER BY seq")?;
    let rows = st
        .query_map([], |r| {
            Ok(AlertAction {
                id: r.get(0)?,
                action: r.get(1)?,
                author: r.get(2)?,
                time_ms: r.get(3)?,
                text: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Which alerts to return.
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    /// Episodes overlapping `[from_ms, to_ms)`; `None` is unbounded.
    pub from_ms: Option<i64>,
    /// End of the window.
    pub to_ms: Option<i64>,
    /// Only this vessel (as `mmsi` or `other_mmsi`).
    pub mmsi: Option<u32>,
    /// Only this detector.
    pub kind: Option<String>,
}

pub(crate) fn alerts(c: &Connection, q: &AlertQuery) -> Result<Vec<StoredAlert>> {
    let mut st = c.prepare(
        "SELECT id, kind, event, mmsi, other_mmsi, start_ms, end_ms, lat, lon, score, summary, json FROM alerts
         WHERE (?1 IS NULL OR end_ms >= ?1) AND (?2 IS NULL OR start_ms < ?2)
           AND (?3 IS NULL OR mmsi = ?3 OR other_mmsi = ?3) AND (?4 IS NULL OR kind = ?4)
         ORDER BY start_ms, id",
    )?;
    let rows = st
        .query_map(params![q.from_ms, q.to_ms, q.mmsi, q.kind], |r| {
            Ok(StoredAlert {
                id: r.get(0)?,
                kind: r.get(1)?,
                event: r.get(2)?,
                mmsi: r.get(3)?,
                other_mmsi: r.get(4)?,
                start_ms: r.get(5)?,
                end_ms: r.get(6)?,
                lat: r.get(7)?,
                lon: r.get(8)?,
                score: r.get(9)?,
                summary: r.get(10)?,
                json: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An investigation.
#[derive(Debug, Clone, PartialEq)]
pub struct Investigation {
    /// Id.
    pub id: i64,
    /// Short title.
    pub title: String,
    /// Longer description.
    pub description: String,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// `open` or `closed` (free text).
    pub status: String,
    /// The query that defines it (free text, e.g. JSON), for re-running.
    pub query: String,
}

/// A note on an investigation.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// The investigation.
    pub investigation_id: i64,
    /// Time written, ms since the epoch.
    pub created_ms: i64,
    /// Who wrote it.
    pub author: String,
    /// The note.
    pub text: String,
}

pub(crate) fn create_investigation(
    c: &Connection,
    title: &str,
    description: &str,
    query: &str,
    now_ms: i64,
) -> Result<i64> {
    c.execute("INSERT INTO investigations (title, description, created_ms, query) VALUES (?1, ?2, ?3, ?4)", params![title, description, now_ms, query])?;
    Ok(c.last_insert_rowid())
}

fn investigation_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Investigation> {
    Ok(Investigation {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        created_ms: r.get(3)?,
        status: r.get(4)?,
        query: r.get(5)?,
    })
}

pub(crate) fn investigations(c: &Connection) -> Result<Vec<Investigation>> {
    let mut st = c.prepare(
        "SELECT id, title, description, created_ms, status, query FROM investigations ORDER BY id",
    )?;
    let rows = st
        .query_map([], investigation_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn investigation(c: &Connection, id: i64) -> Result<Option<Investigation>> {
    Ok(c.query_row("SELECT id, title, description, created_ms, status, query FROM investigations WHERE id = ?1", [id], investigation_row).optional()?)
}

pub(crate) fn set_investigation_status(c: &Connection, id: i64, status: &str) -> Result<bool> {
    Ok(c.execute(
        "UPDATE investigations SET status = ?2 WHERE id = ?1",
        params![id, status],
    )? > 0)
}

pub(crate) fn add_note(
    c: &Connection,
    investigation_id: i64,
    author: &str,
    text: &str,
    now_ms: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO notes (investigation_id, created_ms, author, text) VALUES (?1, ?2, ?3, ?4)",
        params![investigation_id, now_ms, author, text],
    )?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn notes(c: &Connection, investigation_id: i64) -> Result<Vec<Note>> {
    let mut st = c.prepare("SELECT id, investigation_id, created_ms, author, text FROM notes WHERE investigation_id = ?1 ORDER BY id")?;
    let rows = st
        .query_map([investigation_id], |r| {
            Ok(Note {
                id: r.get(0)?,
                investigation_id: r.get(1)?,
                created_ms: r.get(2)?,
                author: r.get(3)?,
                text: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
