//! # seawarden-pipeline
//!
//! The whole chain in one place, for every front end (`replay`, `serve`,
//! `evaluate`, the store's re-runs): raw AIS lines are decoded
//! (`seawarden-ais`), stamped with their receive time, put back in
//! receive-time order across receivers ([`seawarden_track::Reorder`]), and
//! handed to the detector [`Engine`] (`seawarden-detect`), which tracks each
//! vessel and raises alert episodes against a [`GeoWorld`] of cables,
//! pipelines, zones, ports, watchlists and land.
//!
//! ```no_run
//! use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};
//! # fn main() -> anyhow::Result<()> {
//! let world = GeoWorld::load(&WorldSpec { infra: vec!["cables.geojson".into()], ..WorldSpec::default() })?;
//! let mut pipeline = Pipeline::new(world, seawarden_detect::Config::default(), 60_000);
//! seawarden_pipeline::input::for_each_line_of("traffic.nmea", |line| {
//!     pipeline.feed_line(line, &mut |_obs| {});
//! })?;
//! pipeline.finish(&mut |_obs| {});
//! for alert in pipeline.drain_alerts() {
//!     println!("{}", alert.to_json());
//! }
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod input;
mod world;

use seawarden_ais::{Decoder, Event, Stats as DecodeStats};
use seawarden_detect::{Alert, Config, Engine, World};
use seawarden_track::{Observation, Reorder};

pub use world::{GeoWorld, WorldSpec};

/// AIS lines in, alert episodes out.
///
/// Lines without a receive time of their own (no tag block, `$PGHP` header
/// or timestamp) take the time of the line before them from the same input
/// (call [`Pipeline::begin_input`] between inputs); lines before any time is
/// known are counted as untimed and dropped, since every detector judges
/// durations.
pub struct Pipeline<W: World = GeoWorld> {
    intake: Intake,
    reorder: Reorder<Observation>,
    engine: Engine<W>,
    /// Observations out of the reordering window that
    /// [`Pipeline::feed_lines`] has not yet handed to the engine.
    batch: Vec<Observation>,
}

/// Observations [`Pipeline::feed_lines`] hands to the engine at a time.
const BATCH: usize = 256;

impl<W: World> Pipeline<W> {
    /// A pipeline over `world` with detector settings `config`, reordering
    /// observations that arrive up to `reorder_window_ms` late.
    pub fn new(world: W, config: Config, reorder_window_ms: i64) -> Self {
        Pipeline {
            intake: Intake { decoder: Decoder::new(), last_time: None, timed: 0, untimed: 0 },
            reorder: Reorder::new(reorder_window_ms),
            engine: Engine::new(world, config),
            batch: Vec::new(),
        }
    }

    /// Starts a new input: lines without a receive time no longer inherit
    /// the previous input's clock.
    pub fn begin_input(&mut self) {
        self.intake.last_time = None;
    }

    /// Decodes one line and passes what it completes through reordering,
    /// tracking and the detectors. `on_obs` sees each observation as it
    /// reaches the engine, in receive-time order.
    pub fn feed_line(&mut self, line: &[u8], on_obs: &mut impl FnMut(&Observation)) {
        let Pipeline { intake, reorder, engine, .. } = self;
        intake.release(line, reorder, &mut |o| {
            engine.observe(&o);
            on_obs(&o);
        });
    }

    /// [`Pipeline::feed_line`] for every line of `block` (lines end with
    /// `\n`; a last line without one is read too), with the same result:
    /// the same observations reach the engine in the same order, and all
    /// of them before this returns. The work is done in stages over batches
    /// of observations (decoding and reordering a batch, then tracking and
    /// the detectors for it), so that each stage's code and data stay in
    /// the processor's caches across the batch; this is how `replay` reads
    /// its input.
    pub fn feed_lines(&mut self, block: &[u8], on_obs: &mut impl FnMut(&Observation)) {
        let mut batch = std::mem::take(&mut self.batch);
        let Pipeline { intake, reorder, engine, .. } = self;
        seawarden_ais::lines::for_each_line(block, |line| {
            intake.release(line, reorder, &mut |o| batch.push(o));
            if batch.len() >= BATCH {
                observe_all(engine, &mut batch, on_obs);
            }
        });
        observe_all(engine, &mut batch, on_obs);
        self.batch = batch;
    }

    /// Decodes one line into observations without tracking them, for
    /// callers that merge several inputs by time themselves and then call
    /// [`Pipeline::observe`] in order.
    pub fn decode_line(&mut self, line: &[u8], out: &mut impl FnMut(Observation)) {
        self.intake.decode(line, out);
    }

    /// Hands one observation straight to the tracker and detectors.
    pub fn observe(&mut self, obs: &Observation) {
        self.engine.observe(obs);
    }

    /// Moves the detectors' clock to `t_ms` (live feeds call this on a
    /// timer, so silences are judged while nothing arrives).
    pub fn advance(&mut self, t_ms: i64) {
        self.engine.advance(t_ms);
    }

    /// Ends the input: flushes incomplete multi-part messages and the
    /// reordering window, and closes every open episode.
    pub fn finish(&mut self, on_obs: &mut impl FnMut(&Observation)) {
        self.flush(on_obs);
        self.engine.finish();
    }

    /// Flushes the reordering window (observations held back for late
    /// arrivals) without closing episodes.
    pub fn flush(&mut self, on_obs: &mut impl FnMut(&Observation)) {
        let Pipeline { intake, reorder, engine, .. } = self;
        intake.decoder.finish(&mut |_| {});
        reorder.flush(|_, o| {
            engine.observe(&o);
            on_obs(&o);
        });
    }

    /// Alert events raised since the last call, in order.
    pub fn drain_alerts(&mut self) -> Vec<Alert> {
        self.engine.drain_alerts()
    }

    /// The detector engine (tracker, world, statistics).
    pub fn engine(&self) -> &Engine<W> {
        &self.engine
    }

    /// The decoder's counts by message type and rejection reason.
    pub fn decoder_stats(&self) -> &DecodeStats {
        self.intake.decoder.stats()
    }

    /// Messages with a receive time, and messages dropped for having none.
    pub fn timed_untimed(&self) -> (u64, u64) {
        (self.intake.timed, self.intake.untimed)
    }

    /// Observations that arrived later than the reordering window allows.
    pub fn late(&self) -> u64 {
        self.reorder.late()
    }

    /// Takes the engine apart, for callers that leak it at exit to skip
    /// freeing millions of small allocations.
    pub fn into_engine(self) -> Engine<W> {
        self.engine
    }
}

/// The decoder, and the receive time that lines without one of their own
/// take from the line before them.
struct Intake {
    decoder: Decoder,
    last_time: Option<i64>,
    timed: u64,
    untimed: u64,
}

impl Intake {
    /// Decodes `line`; `out` gets the observations of each message it
    /// completes, stamped with their receive time.
    fn decode(&mut self, line: &[u8], out: &mut impl FnMut(Observation)) {
        let Intake { decoder, last_time, timed, untimed } = self;
        decoder.feed(line, &mut |e| {
            if let Event::Message(d) = e {
                let Some(t) = d.meta.rx_time_ms.or(*last_time) else {
                    *untimed += 1;
                    return;
                };
                *last_time = Some(t);
                *timed += 1;
                if let Some(o) = Observation::from_decoded(d, t) {
                    out(o);
                }
                if let Some(s) = Observation::extended_b_static(d, t) {
                    out(Observation::Static(s));
                }
            }
        });
    }

    /// [`Intake::decode`] through the reordering window: `out` gets the
    /// observations the window releases, in order.
    fn release(&mut self, line: &[u8], reorder: &mut Reorder<Observation>, out: &mut impl FnMut(Observation)) {
        self.decode(line, &mut |o| reorder.push(o.time_ms(), o, |_, o| out(o)));
    }
}

/// Hands every observation of `batch` to the engine, in order, and empties it.
fn observe_all<W: World>(engine: &mut Engine<W>, batch: &mut Vec<Observation>, on_obs: &mut impl FnMut(&Observation)) {
    for o in batch.drain(..) {
        engine.observe(&o);
        on_obs(&o);
    }
}
