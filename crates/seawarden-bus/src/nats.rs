//! NATS JetStream transport (feature `nats`, on by default; pure Rust).
//!
//! Streams and subjects, for a prefix `P` (default `seawarden`):
//! - stream `P_obs`, subjects `P.obs.>`: batches of [`crate::wire`] frames on
//!   `P.obs.N` (ship partition `N`) and `P.obs.all` (the whole stream, in
//!   order, for the area stage);
//! - stream `P_alerts`, subject `P.alerts`: one alert event per message (the
//!   JSON of `seawarden alert`), with header `Nats-Msg-Id: id:event:n`, so
//!   the server drops an event republished by a restarted worker;
//! - subject `P.done` (core NATS): a worker says it handled the end frame.
//!
//! A worker's progress is a durable pull consumer `GROUP-N` (or
//! `GROUP-area`) with acknowledge-all: a batch is acknowledged only after
//! the alerts it produced are stored by the server. A restarted worker
//! reads the consumer's acknowledged floor, rebuilds its state by replaying
//! its subject up to that floor from the start of the retained stream
//! without publishing, then carries on from the floor, publishing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use async_nats::jetstream::{self, consumer, stream, Context};
use bytes::Bytes;
use futures_util::StreamExt;
use seawarden_detect::World;

use crate::stage::{Ingest, Published, Route, Stage, Worker};
use crate::wire::{begin_batch, decode_batch, encode_frame, Frame};

/// Where the bus is and what to call things on it.
#[derive(Debug, Clone)]
pub struct NatsBus {
    /// Server URL, e.g. `nats://127.0.0.1:4222`.
    pub url: String,
    /// Subject and stream prefix.
    pub prefix: String,
}

impl NatsBus {
    /// The bus at `url` with the default prefix `seawarden`.
    pub fn new(url: impl Into<String>) -> Self {
        NatsBus {
            url: url.into(),
            prefix: "seawarden".into(),
        }
    }

    fn obs_stream(&self) -> String {
        format!("{}_obs", self.prefix)
    }

    fn alerts_stream(&self) -> String {
        format!("{}_alerts", self.prefix)
    }

    /// The subject of ship partition `p`.
    pub fn partition_subject(&self, p: u32) -> String {
        format!("{}.obs.{p}", self.prefix)
    }

    /// The subject carrying the whole stream.
    pub fn all_subject(&self) -> String {
        format!("{}.obs.all", self.prefix)
    }

    /// The alerts subject.
    pub fn alerts_subject(&self) -> String {
        format!("{}.alerts", self.prefix)
    }

    fn done_subject(&self) -> String {
        format!("{}.done", self.prefix)
    }

    /// Connects (as client `name`) without creating anything.
    async fn client(&self, name: &str) -> Result<Context> {
        let client = async_nats::ConnectOptions::new()
            .name(name)
            .connect(self.url.as_str())
            .await
            .with_context(|| format!("cannot connect to NATS at {}", self.url))?;
        Ok(jetstream::new(client))
    }

    /// Connects and makes sure both streams exist (file storage, limits
    /// retention: `retention` is how long observations are kept, which
    /// bounds how far back a restarted worker can rebuild).
    pub async fn connect(&self, retention: Duration) -> Result<Context> {
        let js = self.client("seawarden").await?;
        js.get_or_create_stream(stream::Config {
            name: self.obs_stream(),
            subjects: vec![format!("{}.obs.>", self.prefix)],
            max_age: retention,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow!("cannot create stream {}: {e}", self.obs_stream()))?;
        js.get_or_create_stream(stream::Config {
            name: self.alerts_stream(),
            subjects: vec![self.alerts_subject()],
            max_age: retention,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(600),
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow!("cannot create stream {}: {e}", self.alerts_stream()))?;
        Ok(js)
    }
}

/// Header of an observation batch: when ingest sent it (Unix microseconds).
pub const SENT_HEADER: &str = "Seawarden-Sent-Us";

/// Header of an alert event: when ingest sent the batch whose frame raised
/// it (Unix microseconds), for end-to-end latency.
pub const SOURCE_HEADER: &str = "Seawarden-Source-Us";

/// Largest batch of frames in one bus message, bytes.
const BATCH_BYTES: usize = 32 * 1024;

/// Publish acknowledgements awaited at most this many messages behind.
const IN_FLIGHT: usize = 256;

/// Publishes frames from an [`Ingest`] in batches, one per partition plus
/// the whole-stream subject.
pub struct Publisher {
    js: Context,
    subjects: Vec<String>,
    all_subject: String,
    batches: Vec<Vec<u8>>,
    all: Vec<u8>,
    acks: VecDeque<jetstream::context::PublishAckFuture>,
    last_flush: Instant,
    /// Bus messages published.
    pub messages: u64,
    /// Bytes published.
    pub bytes: u64,
}

impl Publisher {
    /// A publisher for `partitions` partitions on `bus`.
    pub fn new(js: Context, bus: &NatsBus, partitions: u32) -> Self {
        let mut batches = vec![Vec::new(); partitions as usize];
        batches.iter_mut().for_each(begin_batch);
        let mut all = Vec::new();
        begin_batch(&mut all);
        Publisher {
            js,
            subjects: (0..partitions).map(|p| bus.partition_subject(p)).collect(),
            all_subject: bus.all_subject(),
            batches,
            all,
            acks: VecDeque::new(),
            last_flush: Instant::now(),
            messages: 0,
            bytes: 0,
        }
    }

    /// Adds a routed frame; sends batches that are full.
    pub async fn push(&mut self, route: Route, frame: &Frame) -> Result<()> {
        encode_frame(frame, &mut self.all);
        match route {
            Route::Partition(p) => encode_frame(frame, &mut self.batches[p as usize]),
            Route::Every => self.batches.iter_mut().for_each(|b| encode_frame(frame, b)),
        }
        if self.all.len() >= BATCH_BYTES {
            self.send(None).await?;
        }
        for p in 0..self.batches.len() {
            if self.batches[p].len() >= BATCH_BYTES {
                self.send(Some(p)).await?;
            }
        }
        Ok(())
    }

    async fn send(&mut self, which: Option<usize>) -> Result<()> {
        let (subject, buf) = match which {
            Some(p) => (self.subjects[p].clone(), &mut self.batches[p]),
            None => (self.all_subject.clone(), &mut self.all),
        };
        if buf.len() <= 1 {
            return Ok(());
        }
        let payload = Bytes::copy_from_slice(buf);
        begin_batch(buf);
        self.messages += 1;
        self.bytes += payload.len() as u64;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(
            SENT_HEADER,
            crate::stage::unix_micros().to_string().as_str(),
        );
        let ack = self
            .js
            .publish_with_headers(subject, headers, payload)
            .await
            .map_err(|e| anyhow!("cannot publish: {e}"))?;
        self.acks.push_back(ack);
        while self.acks.len() > IN_FLIGHT {
            if let Some(a) = self.acks.pop_front() {
                a.await
                    .map_err(|e| anyhow!("the server did not store a batch: {e}"))?;
            }
        }
        Ok(())
    }

    /// Sends every pending batch if `max_age` has passed since the last
    /// flush (live feeds: bounds the latency batching adds).
    pub async fn flush_if_older(&mut self, max_age: Duration) -> Result<()> {
        if self.last_flush.elapsed() >= max_age {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends every pending batch (whole stream first) without waiting.
    pub async fn flush(&mut self) -> Result<()> {
        self.last_flush = Instant::now();
        self.send(None).await?;
        for p in 0..self.batches.len() {
            self.send(Some(p)).await?;
        }
        Ok(())
    }

    /// Sends everything and waits until the server has stored it.
    pub async fn finish(&mut self) -> Result<()> {
        self.flush().await?;
        while let Some(a) = self.acks.pop_front() {
            a.await
                .map_err(|e| anyhow!("the server did not store a batch: {e}"))?;
        }
        Ok(())
    }
}

/// Publishes AIS files through `ingest` to the bus, as `seawarden replay`
/// would read them (one file streamed through the reordering window;
/// several merged by time). Returns frames published.
pub async fn ingest_files(
    bus: &NatsBus,
    js: Context,
    ingest: &mut Ingest,
    inputs: &[String],
) -> Result<u64> {
    let mut publisher = Publisher::new(js, bus, ingest.partitions());
    crate::stage::publish_files(ingest, inputs, &mut publisher).await
}

/// Publishes a live feed through `ingest` (see
/// [`crate::stage::publish_live`]) until `lines` closes or `stop`
/// completes. Returns the number of the last frame published.
pub async fn ingest_live(
    bus: &NatsBus,
    js: Context,
    ingest: &mut Ingest,
    lines: &mut tokio::sync::mpsc::Receiver<Vec<u8>>,
    max_delay: Duration,
    stop: impl std::future::Future<Output = ()>,
) -> Result<u64> {
    let mut publisher = Publisher::new(js, bus, ingest.partitions());
    crate::stage::publish_live(ingest, lines, &mut publisher, max_delay, stop).await
}

impl crate::stage::FrameSink for Publisher {
    async fn push(&mut self, route: Route, frame: &Frame) -> Result<()> {
        Publisher::push(self, route, frame).await
    }
    async fn flush_if_older(&mut self, max_age: Duration) -> Result<()> {
        Publisher::flush_if_older(self, max_age).await
    }
    async fn finish(&mut self) -> Result<()> {
        Publisher::finish(self).await
    }
}

/// How a detector worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Consumer group: durable consumers are named `GROUP-N` / `GROUP-area`.
    pub group: String,
    /// Return after handling the end frame (file replays, tests); live
    /// workers run until stopped.
    pub stop_at_end: bool,
    /// Frames handled so far (for monitoring and tests).
    pub progress: Arc<AtomicU64>,
    /// How long the server waits for an acknowledgement before handing a
    /// batch out again: after a crash, the replacement receives the
    /// unacknowledged batches once this has passed. Redeliveries to a slow
    /// worker are recognised and skipped.
    pub ack_wait: Duration,
}

impl WorkerOptions {
    /// Options for consumer group `group`: stop at the end frame, 10 s
    /// acknowledgement wait.
    pub fn new(group: impl Into<String>) -> Self {
        WorkerOptions {
            group: group.into(),
            stop_at_end: true,
            progress: Arc::default(),
            ack_wait: Duration::from_secs(10),
        }
    }
}

pub use crate::stage::WorkerReport;

/// Runs one detector worker of `stage` until the end frame (or forever).
pub async fn run_worker<W: World>(
    bus: &NatsBus,
    js: Context,
    mut worker: Worker<W>,
    options: &WorkerOptions,
) -> Result<WorkerReport> {
    let (subject, durable) = match worker.stage() {
        Stage::Ship { partition, .. } => (
            bus.partition_subject(partition),
            format!("{}-{partition}", options.group),
        ),
        Stage::Area => (bus.all_subject(), format!("{}-area", options.group)),
    };
    let stream = js
        .get_stream(bus.obs_stream())
        .await
        .map_err(|e| anyhow!("no stream {}: {e}", bus.obs_stream()))?;
    let mut durable_consumer: consumer::PullConsumer = stream
        .get_or_create_consumer(
            &durable,
            consumer::pull::Config {
                durable_name: Some(durable.clone()),
                filter_subject: subject.clone(),
                ack_policy: consumer::AckPolicy::All,
                deliver_policy: consumer::DeliverPolicy::All,
                ack_wait: options.ack_wait,
                max_ack_pending: 10_000,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow!("cannot create consumer {durable}: {e}"))?;
    let floor = durable_consumer
        .info()
        .await
        .map_err(|e| anyhow!("cannot read consumer {durable}: {e}"))?
        .ack_floor
        .stream_sequence;
    let mut report = WorkerReport::default();

    // Rebuild: replay what was acknowledged before, publishing nothing.
    if floor > 0 {
        let replay: consumer::PullConsumer = stream
            .create_consumer(consumer::pull::Config {
                filter_subject: subject.clone(),
                ack_policy: consumer::AckPolicy::None,
                deliver_policy: consumer::DeliverPolicy::All,
                inactive_threshold: Duration::from_secs(30),
                ..Default::default()
            })
            .await
            .map_err(|e| anyhow!("cannot create a replay consumer: {e}"))?;
        let mut messages = replay
            .messages()
            .await
            .map_err(|e| anyhow!("cannot replay {subject}: {e}"))?;
        while let Some(m) = messages.next().await {
            let m = m.map_err(|e| anyhow!("replay of {subject} failed: {e}"))?;
            let seq = m.info().map_err(|e| anyhow!("{e}"))?.stream_sequence;
            if seq > floor {
                break;
            }
            decode_batch(&m.message.payload, |f| {
                worker.handle(f, &mut |_| {});
                report.rebuilt_frames += 1;
            })
            .with_context(|| format!("message {seq} of {subject}"))?;
            if seq == floor {
                break;
            }
        }
    }

    // A predecessor that acknowledged the end frame left nothing to do.
    if worker.ended() && options.stop_at_end {
        js.publish(bus.done_subject(), Bytes::from(durable.clone()))
            .await
            .ok();
        return Ok(report);
    }

    let mut messages = durable_consumer
        .messages()
        .await
        .map_err(|e| anyhow!("cannot consume {subject}: {e}"))?;
    let mut out: Vec<Published> = Vec::new();
    let mut acks = Vec::new();
    let mut last_seq = 0;
    while let Some(m) = messages.next().await {
        let m = m.map_err(|e| anyhow!("consuming {subject} failed: {e}"))?;
        let seq = m.info().map_err(|e| anyhow!("{e}"))?.stream_sequence;
        if seq <= floor.max(last_seq) {
            m.ack()
                .await
                .map_err(|e| anyhow!("cannot acknowledge: {e}"))?;
            continue;
        }
        let sent = m
            .message
            .headers
            .as_ref()
            .and_then(|h| h.get(SENT_HEADER))
            .map(|v| v.to_string())
            .unwrap_or_default();
        let mut n = 0;
        decode_batch(&m.message.payload, |f| {
            worker.handle(f, &mut |p| out.push(p));
            n += 1;
        })
        .with_context(|| format!("message {seq} of {subject}"))?;
        last_seq = seq;
        report.frames += n;
        options.progress.fetch_add(n, Ordering::Relaxed);
        // Results first, then the acknowledgement.
        for p in out.drain(..) {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(async_nats::header::NATS_MESSAGE_ID, p.key.as_str());
            if !sent.is_empty() {
                headers.insert(SOURCE_HEADER, sent.as_str());
            }
            acks.push(
                js.publish_with_headers(
                    bus.alerts_subject(),
                    headers,
                    Bytes::from(p.alert.to_json()),
                )
                .await
                .map_err(|e| anyhow!("cannot publish an alert: {e}"))?,
            );
            report.alerts += 1;
        }
        for a in acks.drain(..) {
            a.await
                .map_err(|e| anyhow!("the server did not store an alert: {e}"))?;
        }
        m.double_ack()
            .await
            .map_err(|e| anyhow!("cannot acknowledge: {e}"))?;
        if worker.ended() && options.stop_at_end {
            js.publish(bus.done_subject(), Bytes::from(durable.clone()))
                .await
                .ok();
            return Ok(report);
        }
    }
    bail!("the subscription to {subject} ended")
}

/// Reads every alert event stored so far (from the start of the alerts
/// stream) as `(Nats-Msg-Id, JSON)`.
pub async fn read_alerts(bus: &NatsBus, js: &Context) -> Result<Vec<(String, String)>> {
    let mut stream = js
        .get_stream(bus.alerts_stream())
        .await
        .map_err(|e| anyhow!("no stream {}: {e}", bus.alerts_stream()))?;
    let total = stream
        .info()
        .await
        .map_err(|e| anyhow!("{e}"))?
        .state
        .messages;
    let mut out = Vec::new();
    if total == 0 {
        return Ok(out);
    }
    let c: consumer::PullConsumer = stream
        .create_consumer(consumer::pull::Config {
            ack_policy: consumer::AckPolicy::None,
            deliver_policy: consumer::DeliverPolicy::All,
            inactive_threshold: Duration::from_secs(30),
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow!("cannot read alerts: {e}"))?;
    let mut messages = c
        .messages()
        .await
        .map_err(|e| anyhow!("cannot read alerts: {e}"))?;
    while let Some(m) = messages.next().await {
        let m = m.map_err(|e| anyhow!("reading alerts failed: {e}"))?;
        let id = m
            .message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.to_string())
            .unwrap_or_default();
        out.push((id, String::from_utf8_lossy(&m.message.payload).into_owned()));
        if out.len() as u64 >= total {
            break;
        }
    }
    Ok(out)
}

/// Subscribes to the workers' "handled the end frame" notices (the payload
/// is the durable consumer's name).
pub async fn subscribe_done(
    bus: &NatsBus,
    client: &async_nats::Client,
) -> Result<async_nats::Subscriber> {
    client
        .subscribe(bus.done_subject())
        .await
        .map_err(|e| anyhow!("cannot subscribe: {e}"))
}

/// The read-only side of [`crate::follow::Follower`] on NATS: an ordered
/// ephemeral consumer (no acknowledgements, re-created by the client after
/// a gap) of `P.obs.all` or `P.alerts`.
pub(crate) struct Reader {
    messages: consumer::pull::Ordered,
}

impl Reader {
    /// Connects without creating anything and opens `which` at `start`.
    pub(crate) async fn open(
        bus: &NatsBus,
        which: crate::follow::Stream,
        start: crate::follow::Start,
    ) -> Result<(Reader, String)> {
        use crate::follow::{Start, Stream};
        let js = bus.client("seawarden-reader").await?;
        let (stream, subject) = match which {
            Stream::Observations => (bus.obs_stream(), bus.all_subject()),
            Stream::Alerts => (bus.alerts_stream(), bus.alerts_subject()),
        };
        let deliver_policy = match start {
            Start::All => consumer::DeliverPolicy::All,
            Start::Since(ms) => consumer::DeliverPolicy::ByStartTime {
                start_time: async_nats::datetime::from_nanos(ms as i128 * 1_000_000)
                    .map_err(|e| anyhow!("start time {ms}: {e}"))?,
            },
            Start::After(seq) => consumer::DeliverPolicy::ByStartSequence {
                start_sequence: seq + 1,
            },
        };
        let messages = js
            .get_stream(&stream)
            .await
            .map_err(|e| anyhow!("no stream {stream} (nothing published yet?): {e}"))?
            .create_consumer(consumer::pull::OrderedConfig {
                filter_subject: subject.clone(),
                deliver_policy,
                ..Default::default()
            })
            .await
            .map_err(|e| anyhow!("cannot follow {subject}: {e}"))?
            .messages()
            .await
            .map_err(|e| anyhow!("cannot follow {subject}: {e}"))?;
        Ok((Reader { messages }, subject))
    }

    /// The next message, waiting for one.
    pub(crate) async fn next(&mut self) -> Result<crate::follow::Message> {
        let m = match self.messages.next().await {
            Some(m) => m.map_err(|e| anyhow!("{e}"))?,
            None => bail!("the consumer ended"),
        };
        let info = m.info().map_err(|e| anyhow!("{e}"))?;
        let (position, stored_us) = (
            info.stream_sequence,
            (info.published.unix_timestamp_nanos() / 1000) as i64,
        );
        let header = |name: &str| {
            m.headers
                .as_ref()
                .and_then(|h| h.get(name))
                .map(|v| v.to_string())
        };
        Ok(crate::follow::Message {
            position,
            stored_us,
            key: header(async_nats::header::NATS_MESSAGE_ID.as_ref()),
            source_us: header(SOURCE_HEADER).and_then(|s| s.parse().ok()),
            payload: m.message.payload.to_vec(),
        })
    }
}
