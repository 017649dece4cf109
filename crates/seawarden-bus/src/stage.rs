//! The two ends of the bus, independent of which bus: [`Ingest`] turns AIS
//! lines into routed [`Frame`]s, and [`Worker`] turns frames back into alert
//! events for the alerts it owns.
//!
//! Partitioning (see docs/bus.md for the argument in full):
//! - **ship stage**: `N` partitions keyed by MMSI ([`partition_of`]); a
//!   worker per partition runs the whole engine on its ships and publishes
//!   the alerts that depend on one ship's reports only
//!   ([`Stage::owns`]: loitering, anchor_drag, spoofing, zone_entry,
//!   identity_change of one MMSI, repeated_crossing, drift);
//! - **area stage**: one worker reading the whole stream publishes the
//!   alerts that compare ships (encounter; ais_gap, which asks whether
//!   neighbours were heard; identity_change between two MMSIs sharing an
//!   IMO).
//!
//! Time: detectors run once a minute of *data* time, anchored at the first
//! observation. Ingest mirrors that clock and sends a [`Frame::Tick`] to
//! every partition just before the observation that moves it, so every
//! worker runs its periodic checks at exactly the instants a single node
//! would, whatever share of the traffic it sees.

use seawarden_detect::{Alert, AlertKind, Config, EmptyWorld, Engine, World};
use seawarden_pipeline::Pipeline;
use seawarden_track::{Observation, Reorder};

use crate::wire::Frame;

/// The detectors' period in data time (as in `seawarden-detect`'s engine).
const TICK_MS: i64 = 60_000;

/// The partition of a ship: a multiplicative hash of the MMSI, so that
/// neighbouring MMSIs (fleets, one country's MID) spread evenly.
pub fn partition_of(mmsi: u32, partitions: u32) -> u32 {
    let h = (mmsi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (((h >> 32) * partitions.max(1) as u64) >> 32) as u32
}

/// Where ingest sends a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// To one ship partition (and the area stream).
    Partition(u32),
    /// To every ship partition (and the area stream): ticks and the end.
    Every,
}

/// Which alerts a worker publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Ship partition `partition` of `partitions`.
    Ship {
        /// This worker's partition.
        partition: u32,
        /// How many there are.
        partitions: u32,
    },
    /// The whole stream, alerts that compare ships.
    Area,
}

impl Stage {
    /// True if alerts of this kind compare several ships, so only a worker
    /// seeing every ship can raise them as a single node does.
    pub fn is_cross_ship(alert: &Alert) -> bool {
        match alert.kind {
            AlertKind::Encounter | AlertKind::AisGap => true,
            AlertKind::IdentityChange => alert.other_mmsi.is_some(),
            _ => false,
        }
    }

    /// True if this stage publishes `alert`.
    pub fn owns(&self, alert: &Alert) -> bool {
        match self {
            Stage::Ship { .. } => !Self::is_cross_ship(alert),
            Stage::Area => Self::is_cross_ship(alert),
        }
    }
}

/// Decode, time and reorder exactly as `seawarden replay` does, then route
/// each observation by MMSI, with ticks and the end to every partition.
pub struct Ingest {
    decoder: Pipeline<EmptyWorld>,
    reorder: Reorder<Observation>,
    reorder_window_ms: i64,
    newest_ms: i64,
    partitions: u32,
    seq: u64,
    now_ms: i64,
    next_tick_ms: i64,
    pending: Vec<Observation>,
}

impl Ingest {
    /// Ingest into `partitions` partitions, reordering up to
    /// `reorder_window_ms` (as `replay --reorder-window-s`).
    pub fn new(partitions: u32, reorder_window_ms: i64) -> Self {
        Ingest {
            decoder: Pipeline::new(EmptyWorld, Config::default(), reorder_window_ms),
            reorder: Reorder::new(reorder_window_ms),
            reorder_window_ms,
            newest_ms: i64::MIN,
            partitions: partitions.max(1),
            seq: 0,
            now_ms: i64::MIN,
            next_tick_ms: i64::MIN,
            pending: Vec::new(),
        }
    }

    /// Partitions.
    pub fn partitions(&self) -> u32 {
        self.partitions
    }

    /// The sequence number of the last frame sent (the count of frames
    /// sent, unless numbering was moved on by [`Ingest::start_after`]).
    pub fn frames(&self) -> u64 {
        self.seq
    }

    /// Numbers the next frames after `seq`. Workers ignore a frame whose
    /// number is not above the last they handled, so a live ingest that
    /// replaces an earlier one must number its frames after the earlier
    /// one's: [`publish_live`] starts at the wall clock in microseconds.
    pub fn start_after(&mut self, seq: u64) {
        self.seq = self.seq.max(seq);
    }

    /// The newest receive time decoded so far.
    pub fn newest_ms(&self) -> Option<i64> {
        (self.newest_ms != i64::MIN).then_some(self.newest_ms)
    }

    /// Starts a new input (lines without a time of their own no longer
    /// inherit the previous input's clock).
    pub fn begin_input(&mut self) {
        self.decoder.begin_input();
    }

    /// One line of one input, streamed through the reordering window.
    pub fn feed_line(&mut self, line: &[u8], out: &mut impl FnMut(Route, Frame)) {
        let mut pending = std::mem::take(&mut self.pending);
        self.decoder.decode_line(line, &mut |o| pending.push(o));
        for o in pending.drain(..) {
            self.newest_ms = self.newest_ms.max(o.time_ms());
            let mut ready = Vec::new();
            self.reorder.push(o.time_ms(), o, |_, o| ready.push(o));
            for o in ready {
                self.send(o, out);
            }
        }
        self.pending = pending;
    }

    /// Decodes one line without reordering, for several inputs merged by
    /// time by the caller (as `replay` does), who then calls [`Ingest::send`].
    pub fn decode_line(&mut self, line: &[u8], out: &mut impl FnMut(Observation)) {
        self.decoder.decode_line(line, out);
    }

    /// Routes one observation that is next in time order.
    pub fn send(&mut self, o: Observation, out: &mut impl FnMut(Route, Frame)) {
        let t = o.time_ms();
        if self.clock(t) {
            self.seq += 1;
            out(
                Route::Every,
                Frame::Tick {
                    seq: self.seq,
                    time_ms: t,
                },
            );
        }
        self.seq += 1;
        out(
            Route::Partition(partition_of(o.mmsi(), self.partitions)),
            Frame::Obs {
                seq: self.seq,
                obs: o,
            },
        );
    }

    /// Sends a tick at wall-clock-driven data time `t` (live feeds, so that
    /// silences are judged while nothing arrives). Returns nothing if the
    /// detectors' clock would not move.
    pub fn tick(&mut self, t: i64, out: &mut impl FnMut(Route, Frame)) {
        if self.clock(t) {
            self.seq += 1;
            out(
                Route::Every,
                Frame::Tick {
                    seq: self.seq,
                    time_ms: t,
                },
            );
        }
    }

    /// Live feeds: the data clock is at `t` though nothing may have
    /// arrived; sends what the reordering window holds from before
    /// `t` - window, then a tick at that time.
    pub fn advance(&mut self, t: i64, out: &mut impl FnMut(Route, Frame)) {
        let cutoff = t.saturating_sub(self.reorder_window_ms);
        let mut ready = Vec::new();
        self.reorder.release_until(cutoff, |_, o| ready.push(o));
        for o in ready {
            self.send(o, out);
        }
        self.tick(cutoff, out);
    }

    /// Sends everything still held (the reordering window, an incomplete
    /// multi-part message is dropped) without ending the stream: a live
    /// ingest stopping, whose successor carries on.
    pub fn drain(&mut self, out: &mut impl FnMut(Route, Frame)) {
        self.decoder.flush(&mut |_| {});
        let mut ready = Vec::new();
        self.reorder.flush(|_, o| ready.push(o));
        for o in ready {
            self.send(o, out);
        }
    }

    /// Ends the input: flushes the reordering window and sends the end.
    pub fn finish(&mut self, out: &mut impl FnMut(Route, Frame)) {
        self.drain(out);
        if self.now_ms != i64::MIN {
            self.seq += 1;
            out(
                Route::Every,
                Frame::End {
                    seq: self.seq,
                    time_ms: self.now_ms,
                },
            );
        }
    }

    /// Messages with a receive time, and messages dropped for having none.
    pub fn timed_untimed(&self) -> (u64, u64) {
        self.decoder.timed_untimed()
    }

    /// The engine's periodic clock (`Engine::advance`), mirrored: true if
    /// moving to `t` runs periodic checks (or starts the clock), so every
    /// partition must be told.
    fn clock(&mut self, t: i64) -> bool {
        if t <= self.now_ms {
            return false;
        }
        self.now_ms = t;
        if self.next_tick_ms == i64::MIN {
            self.next_tick_ms = t + TICK_MS;
            return true;
        }
        if t - self.next_tick_ms > 10 * TICK_MS {
            self.next_tick_ms = t - TICK_MS;
        }
        if self.next_tick_ms > t {
            return false;
        }
        while self.next_tick_ms <= t {
            self.next_tick_ms += TICK_MS;
        }
        true
    }
}

/// An alert event a worker publishes, with its de-duplication key.
#[derive(Debug, Clone)]
pub struct Published {
    /// `id:event:n`, the n-th event of the episode: equal for the same event
    /// however often a restarted worker re-derives it.
    pub key: String,
    /// The alert.
    pub alert: Alert,
}

/// A detector worker: the engine over the frames of one partition (or the
/// whole stream), publishing the alerts its [`Stage`] owns.
pub struct Worker<W: World> {
    engine: Engine<W>,
    stage: Stage,
    ordinals: seawarden_track::FastMap<String, u32>,
    last_seq: u64,
    ended: bool,
    frames: u64,
}

impl<W: World> Worker<W> {
    /// A worker of `stage` over `world` with `config`.
    pub fn new(world: W, config: Config, stage: Stage) -> Self {
        Worker {
            engine: Engine::new(world, config),
            stage,
            ordinals: Default::default(),
            last_seq: 0,
            ended: false,
            frames: 0,
        }
    }

    /// Handles one frame; alerts it owns go to `out`. Frames at or below the
    /// last sequence number handled are ignored (redeliveries, and ticks the
    /// area stage receives once per partition).
    pub fn handle(&mut self, frame: Frame, out: &mut impl FnMut(Published)) {
        let seq = frame.seq();
        if seq <= self.last_seq && self.last_seq != 0 {
            return;
        }
        self.last_seq = seq;
        self.frames += 1;
        match frame {
            Frame::Obs { obs, .. } => self.engine.observe(&obs),
            Frame::Tick { time_ms, .. } => self.engine.advance(time_ms),
            Frame::End { time_ms, .. } => {
                self.engine.advance(time_ms);
                self.engine.finish();
                self.ended = true;
            }
        }
        for alert in self.engine.drain_alerts() {
            let n = self.ordinals.entry(alert.id.clone()).or_insert(0);
            *n += 1;
            let key = format!("{}:{}:{}", alert.id, alert.event, n);
            if alert.event == "end" {
                self.ordinals.remove(&alert.id);
            }
            if self.stage.owns(&alert) {
                out(Published { key, alert });
            }
        }
    }

    /// True once the end frame has been handled.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The last sequence number handled.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Frames handled.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The stage.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The engine.
    pub fn engine(&self) -> &Engine<W> {
        &self.engine
    }
}

/// Wall-clock time in Unix microseconds (bus latency stamps).
pub fn unix_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// What a worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    /// Frames replayed without publishing, to rebuild state after a restart.
    pub rebuilt_frames: u64,
    /// Frames handled live.
    pub frames: u64,
    /// Alert events published.
    pub alerts: u64,
}

/// Where ingest puts routed frames: a bus publisher.
#[allow(async_fn_in_trait)]
pub trait FrameSink {
    /// Adds one routed frame (sent when a batch is full).
    async fn push(&mut self, route: Route, frame: &Frame) -> anyhow::Result<()>;
    /// Sends what is pending if `max_age` has passed since the last send
    /// (live feeds: bounds the latency batching adds).
    async fn flush_if_older(&mut self, max_age: std::time::Duration) -> anyhow::Result<()>;
    /// Sends everything pending and waits until the bus has stored it.
    async fn finish(&mut self) -> anyhow::Result<()>;
}

/// Pushes the routed frames collected so far to `sink`, leaving `frames` empty.
async fn push_all(sink: &mut impl FrameSink, frames: &mut Vec<(Route, Frame)>) -> anyhow::Result<()> {
    for (r, f) in frames.drain(..) {
        sink.push(r, &f).await?;
    }
    Ok(())
}

/// Publishes AIS files through `ingest` to `sink`, as `seawarden replay`
/// would read them (one file streamed through the reordering window;
/// several merged by time). Returns frames published.
pub async fn publish_files(
    ingest: &mut Ingest,
    inputs: &[String],
    sink: &mut impl FrameSink,
) -> anyhow::Result<u64> {
    let mut frames: Vec<(Route, Frame)> = Vec::new();
    if let [path] = inputs {
        // Lines are read synchronously in chunks; frames are published
        // between chunks.
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut chunks: Vec<Vec<Vec<u8>>> = Vec::new();
        seawarden_pipeline::input::for_each_line_of(path, |line| {
            lines.push(line.to_vec());
            if lines.len() == 4096 {
                chunks.push(std::mem::take(&mut lines));
            }
        })?;
        chunks.push(lines);
        for chunk in chunks {
            for line in chunk {
                ingest.feed_line(&line, &mut |r, f| frames.push((r, f)));
            }
            push_all(sink, &mut frames).await?;
        }
    } else {
        let mut collected = Vec::new();
        for path in inputs {
            ingest.begin_input();
            seawarden_pipeline::input::for_each_line_of(path, |line| {
                ingest.decode_line(line, &mut |o| collected.push(o))
            })?;
        }
        collected.sort_by_key(Observation::time_ms);
        for o in collected {
            ingest.send(o, &mut |r, f| frames.push((r, f)));
            push_all(sink, &mut frames).await?;
        }
    }
    ingest.finish(&mut |r, f| frames.push((r, f)));
    push_all(sink, &mut frames).await?;
    sink.finish().await?;
    Ok(ingest.frames())
}

/// Publishes a live feed through `ingest` to `sink` until `lines` closes or
/// `stop` completes. `lines` carries batches of newline-terminated lines,
/// each with its receive time (as `seawarden_sources` sends them). Frames
/// are numbered after the wall clock in microseconds, so that workers take
/// them after those of an ingest this one replaces ([`Ingest::start_after`]).
/// Once a second the data clock (the newest receive time, moved on by the
/// wall-clock time since it arrived) is sent as a tick, so that silences
/// are judged while nothing arrives; batches wait at most `max_delay`.
/// When stopped, what the reordering window holds is published and the
/// stream is not ended: workers keep their state for the next ingest.
/// Returns the number of the last frame published.
#[cfg(any(feature = "nats", feature = "kafka"))]
pub async fn publish_live(
    ingest: &mut Ingest,
    lines: &mut tokio::sync::mpsc::Receiver<Vec<u8>>,
    sink: &mut impl FrameSink,
    max_delay: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<u64> {
    use std::time::{Duration, Instant};
    ingest.start_after(unix_micros().max(0) as u64);
    let mut frames: Vec<(Route, Frame)> = Vec::new();
    // The newest receive time and when it arrived.
    let mut clock: Option<(i64, Instant)> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flush = tokio::time::interval(max_delay.max(Duration::from_millis(1)));
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            batch = lines.recv() => {
                let Some(batch) = batch else { break };
                for line in batch.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    ingest.feed_line(line, &mut |r, f| frames.push((r, f)));
                }
                if let Some(t) = ingest.newest_ms() {
                    if clock.is_none_or(|(c, _)| t > c) {
                        clock = Some((t, Instant::now()));
                    }
                }
            }
            _ = tick.tick() => {
                if let Some((t, at)) = clock {
                    let now = t.saturating_add(at.elapsed().as_millis() as i64);
                    ingest.advance(now, &mut |r, f| frames.push((r, f)));
                }
            }
            _ = flush.tick() => {
                sink.flush_if_older(max_delay).await?;
                continue;
            }
            _ = &mut stop => break,
        }
        push_all(sink, &mut frames).await?;
    }
    ingest.drain(&mut |r, f| frames.push((r, f)));
    push_all(sink, &mut frames).await?;
    sink.finish().await?;
    Ok(ingest.frames())
}

/// One loaded world shared by several workers in a process (each worker owns
/// its engine; the world is read-only).
#[derive(Debug)]
pub struct SharedWorld<W: World>(pub std::sync::Arc<W>);

impl<W: World> Clone for SharedWorld<W> {
    fn clone(&self) -> Self {
        SharedWorld(self.0.clone())
    }
}

impl<W: World> World for SharedWorld<W> {
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<seawarden_detect::InfraContact>) {
        self.0.infra_near(lat, lon, out)
    }
    fn infra_crossings(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        out: &mut Vec<seawarden_detect::InfraCrossing>,
    ) {
        self.0.infra_crossings(a, b, out)
    }
    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        self.0.zones_at(lat, lon, out)
    }
    fn is_land(&self, lat: f64, lon: f64) -> bool {
        self.0.is_land(lat, lon)
    }
    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool {
        self.0.near_coast(lat, lon, m)
    }
    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<seawarden_detect::PortRef<'_>> {
        self.0.nearest_port(lat, lon, max_m)
    }
    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<seawarden_detect::WatchHit> {
        self.0.watch(mmsi, imo, name)
    }
    fn flag(&self, mmsi: u32) -> Option<String> {
        self.0.flag(mmsi)
    }
    fn infra_id(&self, feature: u32) -> &str {
        self.0.infra_id(feature)
    }
    fn infra_name(&self, feature: u32) -> &str {
        self.0.infra_name(feature)
    }
    fn zone_id(&self, zone: u32) -> &str {
        self.0.zone_id(zone)
    }
    fn zone_name(&self, zone: u32) -> &str {
        self.0.zone_name(zone)
    }
    fn zone_kind(&self, zone: u32) -> &str {
        self.0.zone_kind(zone)
    }
    fn quiet_radius_m(&self, lat: f64, lon: f64) -> f64 {
        self.0.quiet_radius_m(lat, lon)
    }
    fn settled_radius_m(&self, lat: f64, lon: f64) -> f64 {
        self.0.settled_radius_m(lat, lon)
    }
}
