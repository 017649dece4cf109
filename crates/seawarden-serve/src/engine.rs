//! The pipeline thread: one OS thread owns the [`Pipeline`] (decoder,
//! reordering, tracker, detectors). Sources hand it batches of lines over a
//! bounded channel; it answers the API's vessel queries between batches,
//! publishes positions and alerts, and writes the journal.
//!
//! With `--data` (the store, `persist.rs`): every batch is appended to the
//! store's journal before it is processed, and so is every clock tick; the
//! observations go to the archive thread. After a restart (or a change of
//! infrastructure or watchlists) the last `--journal-hours` of the journal
//! are read again through a fresh pipeline, which rebuilds the tracks and
//! re-raises the same alert ids; events already in the alert book are
//! recognised and not delivered again, events that had not been delivered
//! are.

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
use crate::{persist, BBox, Shared};

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
        callsign: v.identity().callsign.as_ref().map(|c| c.as_str()),
        imo: v.identity().imo,
        ship_type: v.identity().shiptype,
        ship_type_text: v.identity().shiptype.and_then(ship_type_text),
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

/// Positions are published to the stream at most this often.
const PUBLISH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// What the pipeline thread needs to start.
pub(crate) struct EngineSetup {
    pub config: Config,
    pub reorder_window_ms: i64,
    /// The store (`--data`).
    pub data_dir: Option<PathBuf>,
    /// Hours of journal read again at start and after a change of world.
    pub journal_hours: u32,
    /// How often the archive is written.
    pub archive_flush: std::time::Duration,
    /// The store's retention to set, days.
    pub retention_days: Option<u32>,
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
        data_dir,
        journal_hours,
        archive_flush,
        retention_days,
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
    let mut journal = None;
    let mut archiver = None;
    if let Some(dir) = &data_dir {
        let started = Instant::now();
        let (lines, delivered) = replay_journal(
            &shared,
            &mut pipeline,
            &mut clock,
            dir,
            journal_hours,
            &mut sinks,
        );
        if lines > 0 {
            eprintln!("seawarden serve: re-read {lines} journal lines in {:.1} s; {delivered} alert events not delivered before were delivered", started.elapsed().as_secs_f64());
        }
        match persist::JournalSink::open(dir) {
            Ok(j) => journal = Some(j),
            Err(e) => eprintln!("seawarden serve: {e:#}; running without a journal"),
        }
        match persist::Archiver::start(dir, archive_flush, retention_days) {
            Ok(a) => archiver = Some(a),
            Err(e) => eprintln!("seawarden serve: {e:#}; running without an archive"),
        }
    }
    let mut observed: Vec<Observation> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut last_stats = Instant::now();
    let mut last_publish = Instant::now();
    while let Some(input) = rx.blocking_recv() {
        match input {
            Input::Lines(batch) => {
                if let Some(j) = &mut journal {
                    j.write_batch(&batch);
                }
                let received = Instant::now();
                let keep = archiver.as_ref().map(|_| &mut observed);
                feed_batch(&mut pipeline, &batch, &mut clock, &mut touched, keep);
                deliver(&shared, &mut pipeline, &mut sinks, Some(received));
                if let Some(a) = &archiver {
                    let dropped = a.send(std::mem::take(&mut observed));
                    if dropped > 0 {
                        shared
                            .metrics
                            .archive_dropped
                            .fetch_add(dropped, Ordering::Relaxed);
                    }
                }
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
                        j.write_tick(t);
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
                        if let Some(dir) = &data_dir {
                            replay_journal(
                                &shared,
                                &mut fresh,
                                &mut fresh_clock,
                                dir,
                                journal_hours,
                                &mut sinks,
                            );
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
    // What the reordering window still held goes to the archive too.
    pipeline.flush(&mut |o| observed.push(*o));
    deliver(&shared, &mut pipeline, &mut sinks, None);
    if let Some(a) = &archiver {
        a.send(std::mem::take(&mut observed));
    }
    update_stats(&shared, &pipeline, bus_tracker.as_ref(), bus_observations);
    if let Some(j) = &mut journal {
        j.flush();
    }
    // Writes what the archive buffers and waits for its thread.
    drop(archiver);
    sinks.flush();
}

/// Feeds a batch of lines; observations are also collected into `keep`
/// when given (for the archive).
fn feed_batch(
    pipeline: &mut Pipeline,
    batch: &[u8],
    clock: &mut Clock,
    touched: &mut Vec<u32>,
    mut keep: Option<&mut Vec<Observation>>,
) {
    let mut newest = clock.data_ms;
    for line in batch.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        pipeline.feed_line(line, &mut |o| {
            if let Observation::Position(p) = o {
                touched.push(p.mmsi);
            }
            if let Some(k) = keep.as_deref_mut() {
                k.push(*o);
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
    sinks.flush();
}

/// Reads the last `hours` of the journal of the store in `dir` again
/// through `pipeline`; returns the lines read and the alert events
/// delivered (those not delivered before).
fn replay_journal(
    shared: &Shared,
    pipeline: &mut Pipeline,
    clock: &mut Clock,
    dir: &Path,
    hours: u32,
    sinks: &mut Sinks,
) -> (u64, u64) {
    let before = shared.metrics.alert_events.load(Ordering::Relaxed);
    let mut lines = 0u64;
    let mut touched = Vec::new();
    let mut line_buf = Vec::new();
    let read = persist::replay(dir, hours, |r| {
        match r {
            persist::Replayed::Tick(t) => pipeline.advance(t),
            persist::Replayed::Line(line) => {
                lines += 1;
                line_buf.clear();
                line_buf.extend_from_slice(line);
                line_buf.push(b'\n');
                feed_batch(pipeline, &line_buf, clock, &mut touched, None);
                touched.clear();
            }
        }
        deliver(shared, pipeline, sinks, None);
    });
    if let Err(e) = read {
        eprintln!(
            "seawarden serve: cannot read the journal of {}: {e:#}",
            dir.display()
        );
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
