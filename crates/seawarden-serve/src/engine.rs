//! The pipeline thread: one OS thread owns the [`Pipeline`] (decoder,
//! reordering, tracker, detectors). Sources hand it batches of lines over a
//! bounded channel; it answers the API's vessel queries between batches,
//! publishes positions and alerts, and writes the journal.
//!
//! Write-ahead journal (with `--data`): every batch is appended to
//! `journal/journal-<ms>.log` before it is processed, and so is every clock
//! tick (`#tick <ms>`). After a restart (or a change of infrastructure or
//! watchlists) the journal is read again through a fresh pipeline, which
//! rebuilds the tracks and re-raises the same alert ids; events already in
//! the alert book are recognised and not delivered again, events that had
//! not been delivered are. Segments older than `--journal-hours` are deleted.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use seawarden_detect::world::inland;
use seawarden_detect::Config;
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};
use seawarden_track::{Observation, Tracker, TrackerConfig, Vessel};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::sinks::Sinks;
use crate::{BBox, Shared};

/// Work for the pipeline thread, in arrival order.
pub(crate) enum Input {
    /// Newline-terminated, checked and time-stamped lines.
    Lines(Vec<u8>),
    /// Wall-clock tick (once a second): moves the detectors' clock on
    /// through silences and answers queries.
    Tick,
    /// Answer queued queries now.
    Wake,
    /// Observations read from the bus (`--bus`): tracked, not detected on.
    Observations(Vec<Observation>),
    /// An alert event read from the bus (its JSON).
    Alert(String),
    /// Stop after what is queued.
    Shutdown,
}

/// Questions and commands from the API, answered between batches.
pub(crate) enum Control {
    Vessels {
        bbox: Option<BBox>,
        limit: usize,
        reply: oneshot::Sender<Vec<Value>>,
    },
    Vessel {
        mmsi: u32,
        track: bool,
        reply: oneshot::Sender<Option<Value>>,
    },
    Rebuild {
        spec: WorldSpec,
        reply: oneshot::Sender<Result<(), String>>,
    },
}

/// A vessel as the API shows it.
#[derive(Serialize)]
struct VesselView<'a> {
    /// `position` on the stream; absent in the API.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    mmsi: u32,
    name: &'a str,
    callsign: Option<&'a str>,
    imo: Option<u32>,
    ship_type: Option<u8>,
    ship_type_text: Option<&'static str>,
    class: &'static str,
    flag: Option<&'static str>,
    lat: Option<f64>,
    lon: Option<f64>,
    sog: Option<f32>,
    cog: Option<f32>,
    heading: Option<u16>,
    status: Option<u8>,
    last_seen: String,
}

/// Ship and cargo type (ITU-R M.1371-5 Table 53) in words.
pub fn ship_type_text(t: u8) -> Option<&'static str> {
    Some(match t {
        20..=29 => "Wing in ground",
        30 => "Fishing",
        31 | 32 => "Towing",
        33 => "Dredging or underwater operations",
        34 => "Diving operations",
        35 => "Military operations",
        36 => "Sailing",
        37 => "Pleasure craft",
        40..=49 => "High-speed craft",
        50 => "Pilot vessel",
        51 => "Search and rescue",
        52 => "Tug",
        53 => "Port tender",
        54 => "Anti-pollution",
        55 => "Law enforcement",
        58 => "Medical transport",
        59 => "Noncombatant",
        60..=69 => "Passenger",
        70..=79 => "Cargo",
        80..=89 => "Tanker",
        90..=99 => "Other",
        _ => return None,
    })
}

fn view(v: &Vessel) -> VesselView<'_> {
    let last = v.last.as_ref();
    VesselView {
        kind: None,
        mmsi: v.mmsi,
        name: v.name(),
        callsign: v.identity.callsign.as_ref().map(|c| c.as_str()),
        imo: v.identity.imo,
        ship_type: v.identity.shiptype,
        ship_type_text: v.identity.shiptype.and_then(ship_type_text),
        class: if v.class.as_str() == "B" { "B" } else { "A" },
        flag: seawarden_registry::flag(v.mmsi).and_then(|f| f.iso2),
        lat: last.map(|p| p.lat),
        lon: last.map(|p| p.lon),
        sog: last.and_then(|p| p.sog),
        cog: last.and_then(|p| p.cog),
        heading: last.and_then(|p| p.heading),
        status: last.and_then(|p| p.status),
        last_seen: crate::rfc3339(v.last_seen_ms),
    }
}

/// The vessel as JSON, with its recent track when asked.
pub(crate) fn vessel_json(v: &Vessel, track: bool) -> Value {
    let mut value = serde_json::to_value(view(v)).unwrap_or(Value::Null);
    if track {
        let points: Vec<Value> = v
            .track
            .iter()
            .map(|p| serde_json::json!({"t": crate::rfc3339(p.time_ms), "lat": p.lat, "lon": p.lon, "sog": p.sog(), "cog": p.cog()}))
            .collect();
        value["track"] = Value::Array(points);
    }
    value
}

/// One position published on the stream: where (for area filters) and the
/// message, serialised once for every client.
pub(crate) struct PosItem {
    pub mmsi: u32,
    pub lat: f64,
    pub lon: f64,
    pub json: Box<str>,
}

/// The journal of input lines and ticks.
struct Journal {
    dir: PathBuf,
    file: Option<BufWriter<File>>,
    segment_started_ms: i64,
    keep_ms: i64,
}

const SEGMENT_MS: i64 = 3_600_000;

/// Positions are published to the stream at most this often.
const PUBLISH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

impl Journal {
    fn open(dir: PathBuf, keep_hours: u32) -> std::io::Result<Journal> {
        std::fs::create_dir_all(&dir)?;
        Ok(Journal {
            dir,
            file: None,
            segment_started_ms: 0,
            keep_ms: keep_hours as i64 * 3_600_000,
        })
    }

    /// Segments oldest first.
    fn segments(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<(i64, PathBuf)> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let ms: i64 = name
                            .strip_prefix("journal-")?
                            .strip_suffix(".log")?
                            .parse()
                            .ok()?;
                        Some((ms, e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v.into_iter().map(|(_, p)| p).collect()
    }

    fn write(&mut self, bytes: &[u8]) {
        let now = crate::now_ms();
        if self.file.is_none() || now - self.segment_started_ms >= SEGMENT_MS {
            self.rotate(now);
        }
        if let Some(f) = &mut self.file {
            if let Err(e) = f.write_all(bytes) {
                eprintln!("seawarden serve: cannot write the journal: {e}");
                self.file = None;
            }
        }
    }

    fn flush(&mut self) {
        if let Some(f) = &mut self.file {
            if let Err(e) = f.flush() {
                eprintln!("seawarden serve: cannot write the journal: {e}");
            }
        }
    }

    fn rotate(&mut self, now: i64) {
        self.flush();
        let path = self.dir.join(format!("journal-{now}.log"));
        match OpenOptions::new().create(true).append(true).open(&path) {
            Ok(f) => {
                self.file = Some(BufWriter::with_capacity(1 << 16, f));
                self.segment_started_ms = now;
            }
            Err(e) => {
                eprintln!("seawarden serve: cannot open {}: {e}", path.display());
                self.file = None;
            }
        }
        for old in Journal::segments(&self.dir) {
            let ms: i64 = old
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| {
                    n.strip_prefix("journal-")?
                        .strip_suffix(".log")?
                        .parse()
                        .ok()
                })
                .unwrap_or(now);
            // A segment holds up to an hour after its name's time.
            if ms + SEGMENT_MS < now - self.keep_ms {
                let _ = std::fs::remove_file(&old);
            }
        }
    }
}

/// What the pipeline thread needs to start.
pub(crate) struct EngineSetup {
    pub config: Config,
    pub reorder_window_ms: i64,
    pub journal_dir: Option<PathBuf>,
    pub journal_hours: u32,
    pub sinks: Sinks,
    /// Reading a bus: vessels come from its observations, alerts from its
    /// alert events; the local detectors get nothing.
    pub bus: bool,
}

struct Clock {
    /// Newest observation time seen.
    data_ms: Option<i64>,
    /// When it was seen.
    at: Instant,
}

impl Clock {
    fn now(&self) -> Option<i64> {
        self.data_ms
            .map(|t| t + self.at.elapsed().as_millis() as i64)
    }
}

/// Runs the pipeline thread until [`Input::Shutdown`].
pub(crate) fn run(
    shared: Arc<Shared>,
    world: GeoWorld,
    setup: EngineSetup,
    mut rx: mpsc::Receiver<Input>,
    ctl: std::sync::mpsc::Receiver<Control>,
) {
    let EngineSetup {
        config,
        reorder_window_ms,
        journal_dir,
        journal_hours,
        mut sinks,
        bus,
    } = setup;
    // With a bus, the vessels the API shows; the pipeline stays idle.
    let mut bus_tracker = bus.then(|| Tracker::new(TrackerConfig::default()));
    let mut bus_observations = 0u64;
    let mut pipeline = Pipeline::new(world, config.clone(), reorder_window_ms);
    let mut clock = Clock {
        data_ms: None,
        at: Instant::now(),
    };
    if let Some(dir) = &journal_dir {
        let started = Instant::now();
        let (lines, delivered) =
            replay_journal(&shared, &mut pipeline, &mut clock, dir, &mut sinks);
        if lines > 0 {
            eprintln!("seawarden serve: re-read {lines} journal lines in {:.1} s; {delivered} alert events not delivered before were delivered", started.elapsed().as_secs_f64());
        }
    }
    let mut journal = journal_dir.and_then(|d| match Journal::open(d.clone(), journal_hours) {
        Ok(j) => Some(j),
        Err(e) => {
            eprintln!(
                "seawarden serve: cannot open the journal in {}: {e}; running without one",
                d.display()
            );
            None
        }
    });
    let mut touched: Vec<u32> = Vec::new();
    let mut last_stats = Instant::now();
    let mut last_publish = Instant::now();
    while let Some(input) = rx.blocking_recv() {
        match input {
            Input::Lines(batch) => {
                if let Some(j) = &mut journal {
                    j.write(&batch);
                    j.flush();
                }
                let received = Instant::now();
                feed_batch(&mut pipeline, &batch, &mut clock, &mut touched);
                deliver(&shared, &mut pipeline, &mut sinks, Some(received));
                if journal.is_none() {
                    // Kept for investigations instead.
                    if let Some(recent) = &shared.recent {
                        recent.push(batch);
                    }
                }
                publish_due(&shared, pipeline.engine().tracker(), &mut touched, &mut last_publish, PUBLISH_EVERY);
            }
            Input::Observations(list) => {
                if let Some(tracker) = &mut bus_tracker {
                    let world = pipeline.engine().world();
                    for o in &list {
                        tracker.apply(o, |lat, lon| inland(world, lat, lon));
                        if let Observation::Position(p) = o {
                            touched.push(p.mmsi);
                        }
                    }
                    bus_observations += list.len() as u64;
                }
                publish_due(&shared, tracker_of(&pipeline, &bus_tracker), &mut touched, &mut last_publish, PUBLISH_EVERY);
            }
            Input::Alert(json) => deliver_json(&shared, &json, &mut sinks),
            Input::Tick => {
                publish_due(&shared, tracker_of(&pipeline, &bus_tracker), &mut touched, &mut last_publish, std::time::Duration::ZERO);
                if let Some(t) = clock.now() {
                    if let Some(j) = &mut journal {
                        j.write(format!("#tick {t}\n").as_bytes());
                        j.flush();
                    }
                    pipeline.advance(t);
                    deliver(&shared, &mut pipeline, &mut sinks, None);
                }
                sinks.flush();
            }
            Input::Wake => {}
            Input::Shutdown => break,
        }
        while let Ok(c) = ctl.try_recv() {
            match c {
                Control::Vessels { bbox, limit, reply } => {
                    let tracker = tracker_of(&pipeline, &bus_tracker);
                    let v: Vec<Value> = tracker
                        .vessels()
                        .filter(|v| match (&bbox, &v.last) {
                            (Some(b), Some(p)) => b.contains(p.lon, p.lat),
                            (Some(_), None) => false,
                            (None, _) => true,
                        })
                        .take(limit)
                        .map(|v| vessel_json(v, false))
                        .collect();
                    let _ = reply.send(v);
                }
                Control::Vessel { mmsi, track, reply } => {
                    let _ = reply.send(
                        tracker_of(&pipeline, &bus_tracker)
                            .vessel(mmsi)
                            .map(|v| vessel_json(v, track)),
                    );
                }
                Control::Rebuild { spec, reply } => match GeoWorld::load(&spec) {
                    Ok(world) => {
                        if let Some(j) = &mut journal {
                            j.flush();
                        }
                        let mut fresh = Pipeline::new(world, config.clone(), reorder_window_ms);
                        let mut fresh_clock = Clock {
                            data_ms: None,
                            at: Instant::now(),
                        };
                        if let Some(j) = &journal {
                            let dir = j.dir.clone();
                            replay_journal(&shared, &mut fresh, &mut fresh_clock, &dir, &mut sinks);
                        }
                        pipeline = fresh;
                        if fresh_clock.data_ms.is_some() {
                            clock = fresh_clock;
                        }
                        let _ = reply.send(Ok(()));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(format!("{e:#}")));
                    }
                },
            }
        }
        if last_stats.elapsed().as_millis() >= 200 {
            last_stats = Instant::now();
            update_stats(&shared, &pipeline, bus_tracker.as_ref(), bus_observations);
        }
    }
    pipeline.flush(&mut |_| {});
    deliver(&shared, &mut pipeline, &mut sinks, None);
    update_stats(&shared, &pipeline, bus_tracker.as_ref(), bus_observations);
    if let Some(j) = &mut journal {
        j.flush();
    }
    sinks.flush();
    shared
        .book
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .flush();
}

/// The journal's segments in `dir`, oldest first.
pub(crate) fn journal_segments(dir: &Path) -> Vec<PathBuf> {
    Journal::segments(dir)
}

fn feed_batch(pipeline: &mut Pipeline, batch: &[u8], clock: &mut Clock, touched: &mut Vec<u32>) {
    let mut newest = clock.data_ms;
    for line in batch.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        pipeline.feed_line(line, &mut |o| {
            if let Observation::Position(p) = o {
                touched.push(p.mmsi);
            }
            let t = o.time_ms();
            if newest.is_none_or(|n| t > n) {
                newest = Some(t);
            }
        });
    }
    if newest != clock.data_ms {
        clock.data_ms = newest;
        clock.at = Instant::now();
    }
}

/// Positions go out at most `every` ([`PUBLISH_EVERY`]; clients show the
/// newest per vessel anyway): each vessel's JSON is written once per
/// period, not once per report.
fn publish_due(
    shared: &Shared,
    tracker: &Tracker,
    touched: &mut Vec<u32>,
    last: &mut Instant,
    every: std::time::Duration,
) {
    if last.elapsed() < every {
        return;
    }
    *last = Instant::now();
    if shared.positions.receiver_count() > 0 {
        publish_positions(shared, tracker, touched);
    }
    touched.clear();
}

/// The vessels shown: the bus's when reading one, else the pipeline's.
fn tracker_of<'a>(pipeline: &'a Pipeline, bus: &'a Option<Tracker>) -> &'a Tracker {
    bus.as_ref().unwrap_or_else(|| pipeline.engine().tracker())
}

fn publish_positions(shared: &Shared, tracker: &Tracker, touched: &mut Vec<u32>) {
    touched.sort_unstable();
    touched.dedup();
    let mut items = Vec::with_capacity(touched.len());
    for &mmsi in touched.iter() {
        let Some(v) = tracker.vessel(mmsi) else {
            continue;
        };
        let Some(p) = &v.last else { continue };
        let mut value = serde_json::to_value(view(v)).unwrap_or(Value::Null);
        value["type"] = Value::from("position");
        items.push(PosItem {
            mmsi,
            lat: p.lat,
            lon: p.lon,
            json: value.to_string().into_boxed_str(),
        });
    }
    if !items.is_empty() {
        let _ = shared.positions.send(Arc::new(items));
    }
}

/// Hands new alert events to the book and the sinks.
fn deliver(shared: &Shared, pipeline: &mut Pipeline, sinks: &mut Sinks, received: Option<Instant>) {
    let alerts = pipeline.drain_alerts();
    if alerts.is_empty() {
        return;
    }
    let events = alerts.iter().filter_map(|a| match serde_json::to_value(a) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    });
    deliver_events(shared, events, sinks, received);
}

/// Hands an alert event read from the bus to the book and the sinks.
fn deliver_json(shared: &Shared, json: &str, sinks: &mut Sinks) {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(m)) if m.get("id").is_some_and(Value::is_string) => {
            deliver_events(shared, [m], sinks, None)
        }
        _ => {
            // Alert events come from the bus, the only source then.
            if let Some(bus) = shared.sources.first() {
                bus.invalid.fetch_add(1, Ordering::Relaxed);
            }
            eprintln!(
                "seawarden serve: an alert event on the bus is not an alert (skipped): {json:.200}"
            );
        }
    }
}

/// Records events in the book and delivers each to the sinks, unless the
/// book holds it already (counted as suppressed).
fn deliver_events(
    shared: &Shared,
    events: impl IntoIterator<Item = serde_json::Map<String, Value>>,
    sinks: &mut Sinks,
    received: Option<Instant>,
) {
    let mut book = shared.book.lock().unwrap_or_else(|e| e.into_inner());
    for m in events {
        if !book.record(&m) {
            shared
                .metrics
                .alerts_suppressed
                .fetch_add(1, Ordering::Relaxed);
            continue;
        }
        shared.metrics.alert_events.fetch_add(1, Ordering::Relaxed);
        let id = m.get("id").and_then(Value::as_str).unwrap_or_default();
        let state = book
            .get(id)
            .map(|e| e.to_json())
            .unwrap_or(Value::Object(m.clone()));
        sinks.deliver(shared, &m, state, received);
    }
    book.flush();
    sinks.flush();
}

fn replay_journal(
    shared: &Shared,
    pipeline: &mut Pipeline,
    clock: &mut Clock,
    dir: &Path,
    sinks: &mut Sinks,
) -> (u64, u64) {
    let before = shared.metrics.alert_events.load(Ordering::Relaxed);
    let mut lines = 0u64;
    let mut touched = Vec::new();
    for seg in Journal::segments(dir) {
        let f = match File::open(&seg) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("seawarden serve: cannot read {}: {e}", seg.display());
                continue;
            }
        };
        for line in BufReader::new(f).split(b'\n') {
            let Ok(line) = line else { break };
            if let Some(t) = line.strip_prefix(b"#tick ") {
                if let Some(t) = std::str::from_utf8(t)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                {
                    pipeline.advance(t);
                    deliver(shared, pipeline, sinks, None);
                }
                continue;
            }
            lines += 1;
            let mut l = line;
            l.push(b'\n');
            feed_batch(pipeline, &l, clock, &mut touched);
            touched.clear();
            deliver(shared, pipeline, sinks, None);
        }
    }
    (
        lines,
        shared.metrics.alert_events.load(Ordering::Relaxed) - before,
    )
}

fn update_stats(shared: &Shared, pipeline: &Pipeline, bus: Option<&Tracker>, bus_observations: u64) {
    let m = &shared.metrics;
    if let Some(t) = bus {
        m.duplicates.store(t.stats().duplicates, Ordering::Relaxed);
        m.vessels.store(t.len() as u64, Ordering::Relaxed);
        m.observations.store(bus_observations, Ordering::Relaxed);
        return;
    }
    let s = pipeline.decoder_stats();
    m.messages.store(s.messages(), Ordering::Relaxed);
    m.decode_rejected
        .store(s.rejected_total(), Ordering::Relaxed);
    let t = pipeline.engine().tracker().stats();
    m.duplicates.store(t.duplicates, Ordering::Relaxed);
    m.vessels
        .store(pipeline.engine().tracker().len() as u64, Ordering::Relaxed);
    m.observations
        .store(pipeline.engine().stats().observations, Ordering::Relaxed);
    m.untimed
        .store(pipeline.timed_untimed().1, Ordering::Relaxed);
}
