//! `seawarden serve --bus URL`: the service as a reader of the message bus
//! (docs/bus.md), NATS JetStream or Kafka. `seawarden bus ingest` processes
//! decode the feeds and `seawarden bus detect` workers raise the alerts;
//! the server follows the whole observation stream for the vessels and the
//! map, and the alert events for the alert book, the WebSocket and the
//! sinks. It runs no detector of its own.
//!
//! Two tasks, one per stream, each reconnecting with backoff and resuming
//! after the last message it read. Observations are read back from
//! `--journal-hours` before the start (the bus is the journal); alert
//! events from the start of the retained stream (the alert book recognises
//! events it holds already, so nothing is delivered twice).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use seawarden_bus::follow::{Bus, Follower, Start, Stream};
use seawarden_bus::Frame;
use tokio::sync::{mpsc, watch};

use crate::engine::Input;
use crate::sources::SourceMetrics;

/// What the bus tasks need.
pub(crate) struct BusCx {
    pub bus: Bus,
    pub metrics: Arc<SourceMetrics>,
    pub tx: mpsc::Sender<Input>,
    pub shutdown: watch::Receiver<bool>,
    /// Observations are read from this time on (Unix milliseconds).
    pub since_ms: i64,
}

/// Starts the two readers.
pub(crate) fn start(cx: BusCx) -> Vec<tokio::task::JoinHandle<()>> {
    let cx = Arc::new(cx);
    [Stream::Observations, Stream::Alerts]
        .into_iter()
        .map(|w| tokio::spawn(follow(cx.clone(), w)))
        .collect()
}

async fn follow(cx: Arc<BusCx>, which: Stream) {
    let mut shutdown = cx.shutdown.clone();
    let mut start = match which {
        Stream::Observations => Start::Since(cx.since_ms),
        Stream::Alerts => Start::All,
    };
    let mut backoff = Duration::from_secs(1);
    let mut last_error = String::new();
    loop {
        let r = tokio::select! {
            r = read(&cx, which, &mut start) => r,
            _ = shutdown.changed() => return,
        };
        let Err(e) = r else { return };
        if which == Stream::Observations {
            cx.metrics.connected.store(0, Ordering::Relaxed);
        }
        cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
        let e = format!("{e:#}");
        // The same error again (server down, nothing published yet) is
        // not logged again.
        if e != last_error {
            eprintln!(
                "seawarden serve: bus {}: {e}; retrying with backoff",
                cx.bus.location()
            );
            last_error = e;
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// Reads one stream until an error (`start` then says where to resume);
/// `Ok` when the pipeline has stopped.
async fn read(cx: &BusCx, which: Stream, start: &mut Start) -> Result<()> {
    let mut f = Follower::open(&cx.bus, which, *start).await?;
    let r = match which {
        Stream::Observations => observations(cx, &mut f).await,
        Stream::Alerts => alerts(cx, &mut f).await,
    };
    *start = f.resume(*start);
    r
}

/// Observation frames to the pipeline thread's tracker.
async fn observations(cx: &BusCx, f: &mut Follower) -> Result<()> {
    cx.metrics.connections.fetch_add(1, Ordering::Relaxed);
    cx.metrics.connected.store(1, Ordering::Relaxed);
    eprintln!(
        "seawarden serve: bus {}: following observations",
        cx.bus.location()
    );
    let mut last_log = None::<Instant>;
    loop {
        let mut obs = Vec::new();
        let r = f
            .next_frames(|frame| {
                if let Frame::Obs { obs: o, .. } = frame {
                    obs.push(o);
                }
            })
            .await;
        match r {
            Ok(bytes) => {
                cx.metrics.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
            }
            Err(e) if is_damaged(&e) => {
                // A damaged batch: the frames before the damage are kept;
                // counted, logged at most once a minute.
                cx.metrics.invalid.fetch_add(1, Ordering::Relaxed);
                if last_log.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                    last_log = Some(Instant::now());
                    eprintln!(
                        "seawarden serve: bus {}: {e:#} (skipped; logged once a minute)",
                        cx.bus.location()
                    );
                }
            }
            Err(e) => return Err(e),
        }
        cx.metrics
            .lines
            .fetch_add(obs.len() as u64, Ordering::Relaxed);
        if !obs.is_empty() && cx.tx.send(Input::Observations(obs)).await.is_err() {
            return Ok(());
        }
    }
}

/// Alert events to the alert book and the sinks.
async fn alerts(cx: &BusCx, f: &mut Follower) -> Result<()> {
    loop {
        let event = f.next_alert().await?;
        if cx.tx.send(Input::Alert(event.json)).await.is_err() {
            return Ok(());
        }
    }
}

/// True when the error is a damaged batch, not a lost connection.
fn is_damaged(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<seawarden_bus::WireError>().is_some())
}
