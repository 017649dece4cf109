//! Kafka protocol transport (feature `kafka`; pure Rust: `rskafka` for
//! produce and fetch, a few hand-encoded requests in [`protocol`] for topic
//! creation and committed offsets). Runs against Apache Kafka, Redpanda,
//! managed Kafka and tansu.
//!
//! Topics, for a prefix `P` (default `seawarden`):
//! - `P-obs`, `N` partitions: batches of [`crate::wire`] frames of ship
//!   partition `n` in Kafka partition `n` (record key: `n`);
//! - `P-obs-all`, one partition: the whole stream, in order, for the area
//!   stage;
//! - `P-alerts`, one partition: one alert event per record (the JSON of
//!   `seawarden alert`), key = the alert id, header `seawarden-key` =
//!   `id:event:n` (the n-th event of the episode).
//!
//! A worker's progress is the committed offset of consumer group `GROUP`
//! on its topic partition, committed after each record once the broker has
//! acknowledged the alerts that record produced. A restarted worker reads
//! its committed offset, rebuilds its state by replaying its partition from
//! the retained start up to that offset without publishing, reads the keys
//! of the alert events already stored (a predecessor may have crashed
//! between producing alerts and committing), and carries on from the
//! committed offset, publishing only events not among them.

pub mod protocol;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use rskafka::chrono::{DateTime, Utc};
use rskafka::client::partition::{Compression, OffsetAt, PartitionClient, UnknownTopicHandling};
use rskafka::client::{Client, ClientBuilder};
use rskafka::record::{Record, RecordAndOffset};
use seawarden_detect::World;

use crate::stage::{unix_micros, FrameSink, Ingest, Published, Route, Stage, Worker, WorkerReport};
use crate::wire::{begin_batch, decode_batch, encode_frame, Frame};
use protocol::Conn;

/// Header of an alert record: its de-duplication key `id:event:n`.
pub const KEY_HEADER: &str = "seawarden-key";

/// Header of an alert record: when ingest produced the record whose frame
/// raised it (Unix microseconds), for end-to-end latency.
pub const SOURCE_HEADER: &str = "seawarden-source-us";

/// Largest batch of frames in one record, bytes.
const BATCH_BYTES: usize = 32 * 1024;

/// How long connecting to the bootstrap brokers may take before the
/// command fails with an error naming them.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Records produced per request at most.
const RECORDS_PER_PRODUCE: usize = 16;

/// Bytes asked for per fetch.
const FETCH_BYTES: i32 = 4 << 20;

/// Longest wait of a fetch at the end of a partition. A broker may hold a
/// fetch for its whole wait even when records arrive meanwhile (tansu
/// does), so this bounds the latency each hop adds: at 500 ms an alert took
/// about 0.2 s from ingest to `serve --bus` at p50 (p99 0.39-0.44 s), at
/// 50 ms 38-39 ms (p99 0.11-0.20 s); docs/bus.md.
pub const FETCH_WAIT: Duration = Duration::from_millis(50);

/// Where the bus is and what to call things on it.
#[derive(Debug, Clone)]
pub struct KafkaBus {
    /// Bootstrap brokers, `host:port`.
    pub brokers: Vec<String>,
    /// Topic prefix.
    pub prefix: String,
    /// Replicas of each topic created (1 for a single broker; 3 in
    /// production).
    pub replication: i16,
}

impl KafkaBus {
    /// The bus at `kafka://host:port[,host:port...]` with the default prefix
    /// `seawarden` and replication 1.
    pub fn from_url(url: &str) -> Result<Self> {
        let rest = url
            .strip_prefix("kafka://")
            .ok_or_else(|| anyhow!("a Kafka bus URL starts with kafka:// (got {url})"))?;
        let brokers: Vec<String> = rest
            .trim_end_matches('/')
            .split(',')
            .map(|b| b.trim().to_string())
            .collect();
        for b in &brokers {
            let ok = b
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
            if !ok {
                bail!("{url}: broker {b:?} is not host:port");
            }
        }
        Ok(KafkaBus {
            brokers,
            prefix: "seawarden".into(),
            replication: 1,
        })
    }

    /// The topic of the ship partitions.
    pub fn obs_topic(&self) -> String {
        format!("{}-obs", self.prefix)
    }

    /// The topic carrying the whole stream.
    pub fn all_topic(&self) -> String {
        format!("{}-obs-all", self.prefix)
    }

    /// The alerts topic.
    pub fn alerts_topic(&self) -> String {
        format!("{}-alerts", self.prefix)
    }

    /// Connects and makes sure the three topics exist: the observation
    /// topic with `partitions` partitions (an existing one with another
    /// count is an error), all with `retention` (which bounds how far back
    /// a restarted worker can rebuild).
    pub async fn connect(&self, partitions: u32, retention: Duration) -> Result<Kafka> {
        if partitions == 0 {
            bail!("at least one partition is needed");
        }
        let client = self.client().await?;
        let mut conn = self.conn().await?;
        let retention_ms = retention.as_millis().min(i64::MAX as u128) as i64;
        for (topic, n) in [
            (self.obs_topic(), partitions as i32),
            (self.all_topic(), 1),
            (self.alerts_topic(), 1),
        ] {
            conn.create_topic(&topic, n, self.replication, retention_ms)
                .await?;
        }
        // Topic metadata reaches every broker a little after creation.
        let started = Instant::now();
        loop {
            let topics = client
                .list_topics()
                .await
                .map_err(|e| anyhow!("cannot list topics: {e}"))?;
            let have = topics
                .iter()
                .find(|t| t.name == self.obs_topic())
                .map(|t| t.partitions.len());
            match have {
                Some(n) if n == partitions as usize => break,
                Some(n) if n > 0 => bail!(
                    "topic {} has {n} partitions, not {partitions}: use --partitions {n} or another --prefix",
                    self.obs_topic()
                ),
                _ if started.elapsed() > Duration::from_secs(30) => {
                    bail!("topic {} did not appear", self.obs_topic())
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        Ok(Kafka {
            client: Arc::new(client),
            bus: self.clone(),
            partitions,
        })
    }

    /// Connects to a bus whose topics exist (readers of alerts), taking
    /// the partition count from the observation topic.
    pub async fn open(&self) -> Result<Kafka> {
        let client = self.client().await?;
        let topics = client
            .list_topics()
            .await
            .map_err(|e| anyhow!("cannot list topics: {e}"))?;
        let partitions = topics
            .iter()
            .find(|t| t.name == self.obs_topic())
            .map(|t| t.partitions.len() as u32)
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                anyhow!(
                    "no topic {} on the bus: nothing was ingested",
                    self.obs_topic()
                )
            })?;
        if !topics.iter().any(|t| t.name == self.alerts_topic()) {
            bail!("no topic {} on the bus", self.alerts_topic());
        }
        Ok(Kafka {
            client: Arc::new(client),
            bus: self.clone(),
            partitions,
        })
    }

    /// A client of the cluster, given up on (with an error naming the
    /// brokers) when no bootstrap broker answers within [`CONNECT_TIMEOUT`]:
    /// `rskafka` itself would retry forever.
    async fn client(&self) -> Result<Client> {
        let build = ClientBuilder::new(self.brokers.clone())
            .client_id("seawarden")
            .build();
        match tokio::time::timeout(CONNECT_TIMEOUT, build).await {
            Ok(client) => client
                .with_context(|| format!("cannot connect to Kafka at {}", self.brokers.join(","))),
            Err(_) => bail!(
                "cannot connect to Kafka at {}: no broker answered within {} s",
                self.brokers.join(","),
                CONNECT_TIMEOUT.as_secs()
            ),
        }
    }

    /// A protocol connection to the first bootstrap broker that answers.
    async fn conn(&self) -> Result<Conn> {
        let mut last = None;
        for b in &self.brokers {
            match Conn::connect(b).await {
                Ok(c) => return Ok(c),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| anyhow!("no Kafka broker given")))
    }
}

/// A connected bus.
#[derive(Clone)]
pub struct Kafka {
    client: Arc<Client>,
    bus: KafkaBus,
    partitions: u32,
}

impl Kafka {
    /// The bus.
    pub fn bus(&self) -> &KafkaBus {
        &self.bus
    }

    /// Partitions of the observation topic.
    pub fn partitions(&self) -> u32 {
        self.partitions
    }

    async fn partition(&self, topic: String, partition: i32) -> Result<PartitionClient> {
        self.client
            .partition_client(topic.clone(), partition, UnknownTopicHandling::Retry)
            .await
            .map_err(|e| anyhow!("no partition {partition} of topic {topic}: {e}"))
    }
}

fn record(key: Vec<u8>, value: Vec<u8>, headers: BTreeMap<String, Vec<u8>>) -> Record {
    Record {
        key: Some(key),
        value: Some(value),
        headers,
        timestamp: DateTime::<Utc>::from_timestamp_micros(unix_micros()).unwrap_or_default(),
    }
}

async fn produce(pc: &PartitionClient, records: Vec<Record>) -> Result<Vec<i64>> {
    pc.produce(records, Compression::NoCompression)
        .await
        .map_err(|e| anyhow!("the broker did not store records in {}: {e}", pc.topic()))
}

/// Publishes frames from an [`Ingest`] in batches: one record per 32 KiB
/// of frames, per ship partition and for the whole-stream topic.
pub struct Publisher {
    partitions: Vec<PartitionClient>,
    all: PartitionClient,
    batches: Vec<Vec<u8>>,
    all_batch: Vec<u8>,
    pending: Vec<Vec<Record>>,
    pending_all: Vec<Record>,
    last_flush: Instant,
    /// Records produced.
    pub messages: u64,
    /// Bytes produced.
    pub bytes: u64,
}

impl Publisher {
    /// A publisher for every partition of `kafka`.
    pub async fn new(kafka: &Kafka) -> Result<Self> {
        let mut partitions = Vec::new();
        for p in 0..kafka.partitions {
            partitions.push(kafka.partition(kafka.bus.obs_topic(), p as i32).await?);
        }
        let n = partitions.len();
        let mut batches = vec![Vec::new(); n];
        batches.iter_mut().for_each(begin_batch);
        let mut all_batch = Vec::new();
        begin_batch(&mut all_batch);
        Ok(Publisher {
            partitions,
            all: kafka.partition(kafka.bus.all_topic(), 0).await?,
            batches,
            all_batch,
            pending: vec![Vec::new(); n],
            pending_all: Vec::new(),
            last_flush: Instant::now(),
            messages: 0,
            bytes: 0,
        })
    }

    /// Adds a routed frame; produces records when enough are full.
    pub async fn push(&mut self, route: Route, frame: &Frame) -> Result<()> {
        encode_frame(frame, &mut self.all_batch);
        match route {
            Route::Partition(p) => encode_frame(frame, &mut self.batches[p as usize]),
            Route::Every => self.batches.iter_mut().for_each(|b| encode_frame(frame, b)),
        }
        if self.all_batch.len() >= BATCH_BYTES {
            self.seal(None);
        }
        for p in 0..self.batches.len() {
            if self.batches[p].len() >= BATCH_BYTES {
                self.seal(Some(p));
            }
        }
        if self.pending_all.len() >= RECORDS_PER_PRODUCE
            || self.pending.iter().any(|p| p.len() >= RECORDS_PER_PRODUCE)
        {
            self.produce_pending().await?;
        }
        Ok(())
    }

    /// Closes the current batch of a partition (`None`: the whole stream)
    /// into a pending record.
    fn seal(&mut self, which: Option<usize>) {
        let buf = match which {
            Some(p) => &mut self.batches[p],
            None => &mut self.all_batch,
        };
        if buf.len() <= 1 {
            return;
        }
        let value = buf.clone();
        begin_batch(buf);
        self.messages += 1;
        self.bytes += value.len() as u64;
        match which {
            Some(p) => {
                let r = record(p.to_string().into_bytes(), value, BTreeMap::new());
                self.pending[p].push(r)
            }
            None => self
                .pending_all
                .push(record(Vec::new(), value, BTreeMap::new())),
        }
    }

    /// Produces every pending record, all partitions concurrently, and
    /// waits for the broker's acknowledgements.
    async fn produce_pending(&mut self) -> Result<()> {
        let mut jobs = Vec::new();
        for (p, pending) in self.pending.iter_mut().enumerate() {
            if !pending.is_empty() {
                jobs.push(produce(&self.partitions[p], std::mem::take(pending)));
            }
        }
        if !self.pending_all.is_empty() {
            jobs.push(produce(&self.all, std::mem::take(&mut self.pending_all)));
        }
        for r in futures_util::future::join_all(jobs).await {
            r?;
        }
        Ok(())
    }

    /// Produces every pending batch if `max_age` has passed since the last
    /// flush (live feeds: bounds the latency batching adds).
    pub async fn flush_if_older(&mut self, max_age: Duration) -> Result<()> {
        if self.last_flush.elapsed() >= max_age {
            self.flush().await?;
        }
        Ok(())
    }

    /// Produces every pending batch and waits until the broker stored it.
    pub async fn flush(&mut self) -> Result<()> {
        self.last_flush = Instant::now();
        self.seal(None);
        for p in 0..self.batches.len() {
            self.seal(Some(p));
        }
        self.produce_pending().await
    }
}

impl Publisher {
    /// A publisher for `ingest`, which must route to as many partitions as
    /// the bus has.
    async fn for_ingest(kafka: &Kafka, ingest: &Ingest) -> Result<Self> {
        if ingest.partitions() != kafka.partitions {
            bail!(
                "ingest has {} partitions, the bus {}",
                ingest.partitions(),
                kafka.partitions
            );
        }
        Publisher::new(kafka).await
    }
}

impl FrameSink for Publisher {
    async fn push(&mut self, route: Route, frame: &Frame) -> Result<()> {
        Publisher::push(self, route, frame).await
    }
    async fn flush_if_older(&mut self, max_age: Duration) -> Result<()> {
        Publisher::flush_if_older(self, max_age).await
    }
    async fn finish(&mut self) -> Result<()> {
        self.flush().await
    }
}

/// Publishes AIS files through `ingest` to the bus, as `seawarden replay`
/// would read them. Returns frames published.
pub async fn ingest_files(kafka: &Kafka, ingest: &mut Ingest, inputs: &[String]) -> Result<u64> {
    let mut publisher = Publisher::for_ingest(kafka, ingest).await?;
    crate::stage::publish_files(ingest, inputs, &mut publisher).await
}

/// Publishes a live feed through `ingest` (see
/// [`crate::stage::publish_live`]) until `lines` closes or `stop`
/// completes. Returns the number of the last frame published.
pub async fn ingest_live(
    kafka: &Kafka,
    ingest: &mut Ingest,
    lines: &mut tokio::sync::mpsc::Receiver<Vec<u8>>,
    max_delay: Duration,
    stop: impl std::future::Future<Output = ()>,
) -> Result<u64> {
    let mut publisher = Publisher::for_ingest(kafka, ingest).await?;
    crate::stage::publish_live(ingest, lines, &mut publisher, max_delay, stop).await
}

/// How a detector worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Consumer group whose committed offsets record the workers' progress.
    pub group: String,
    /// Return after handling the end frame (file replays, tests); live
    /// workers run until stopped.
    pub stop_at_end: bool,
    /// Frames handled so far (for monitoring and tests).
    pub progress: Arc<AtomicU64>,
    /// Longest wait of one fetch for new records.
    pub max_wait: Duration,
}

impl WorkerOptions {
    /// Options for consumer group `group`: stop at the end frame, fetches
    /// waiting up to [`FETCH_WAIT`].
    pub fn new(group: impl Into<String>) -> Self {
        WorkerOptions {
            group: group.into(),
            stop_at_end: true,
            progress: Arc::default(),
            max_wait: FETCH_WAIT,
        }
    }
}

/// The group coordinator, found again when it moves.
struct Coordinator {
    bus: KafkaBus,
    group: String,
    conn: Option<Conn>,
}

impl Coordinator {
    async fn conn(&mut self) -> Result<&mut Conn> {
        if self.conn.is_none() {
            let mut boot = self.bus.conn().await?;
            let addr = boot.find_coordinator(&self.group).await?;
            self.conn = Some(Conn::connect(&addr).await?);
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// Retries what the coordinator says may work later (it is loading,
    /// moved, or the connection broke) for up to 30 s.
    async fn retry<T>(
        &mut self,
        what: &str,
        mut f: impl AsyncFnMut(&mut Conn) -> Result<std::result::Result<T, i16>>,
    ) -> Result<T> {
        let started = Instant::now();
        loop {
            let conn = self.conn().await?;
            let err = match f(conn).await {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(code)) if protocol::retriable(code) => protocol::kafka_error(code, what),
                Ok(Err(code)) => return Err(protocol::kafka_error(code, what)),
                Err(e) => e,
            };
            self.conn = None;
            if started.elapsed() > Duration::from_secs(30) {
                return Err(err);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn committed(&mut self, topic: &str, partition: i32) -> Result<Option<(i64, String)>> {
        let group = self.group.clone();
        self.retry("cannot read the committed offset", async |c| {
            c.committed(&group, topic, partition).await
        })
        .await
    }

    async fn commit(&mut self, topic: &str, partition: i32, offset: i64) -> Result<()> {
        let group = self.group.clone();
        self.retry("cannot commit the offset", async |c| {
            c.commit(&group, topic, partition, offset, "")
                .await
                .map(|code| if code == 0 { Ok(()) } else { Err(code) })
        })
        .await
    }
}

/// Fetches records of `pc` from `offset` (waiting up to `max_wait`), with
/// the offset to fetch next. A fetch below the retained start moves to it.
async fn fetch(
    pc: &PartitionClient,
    offset: i64,
    max_wait: Duration,
) -> Result<(Vec<RecordAndOffset>, i64)> {
    let wait = max_wait.as_millis().min(i32::MAX as u128) as i32;
    match pc.fetch_records(offset, 1..FETCH_BYTES, wait).await {
        Ok((records, _high)) => {
            let next = records.last().map_or(offset, |r| r.offset + 1);
            Ok((records, next))
        }
        Err(rskafka::client::error::Error::ServerError {
            protocol_error: rskafka::client::error::ProtocolError::OffsetOutOfRange,
            ..
        }) => {
            let earliest = pc
                .get_offset(OffsetAt::Earliest)
                .await
                .map_err(|e| anyhow!("cannot read the start of {}: {e}", pc.topic()))?;
            if earliest <= offset {
                // Past the end: nothing yet.
                tokio::time::sleep(max_wait.min(Duration::from_millis(100))).await;
                return Ok((Vec::new(), offset));
            }
            Ok((Vec::new(), earliest))
        }
        Err(e) => Err(anyhow!("cannot fetch from {}: {e}", pc.topic())),
    }
}

/// The retained start of a partition and its end (the offset the next
/// record will get). The end is the high watermark of a fetch: tansu
/// answers a ListOffsets for the latest offset with the last record's
/// offset, one less than Kafka does, so that answer is only where to fetch.
async fn bounds(pc: &PartitionClient) -> Result<(i64, i64)> {
    let start = pc
        .get_offset(OffsetAt::Earliest)
        .await
        .map_err(|e| anyhow!("cannot read the start of {}: {e}", pc.topic()))?;
    // A fetch from the latest offset either way returns at most one batch
    // (tansu answers a fetch that may not wait with no topic at all).
    let latest = pc
        .get_offset(OffsetAt::Latest)
        .await
        .map_err(|e| anyhow!("cannot read the end of {}: {e}", pc.topic()))?;
    let (_, high) = pc
        .fetch_records(latest.max(start), 1..FETCH_BYTES, 10)
        .await
        .map_err(|e| anyhow!("cannot read the end of {}: {e}", pc.topic()))?;
    Ok((start, high))
}

/// Runs one detector worker of `stage` until the end frame (or forever).
pub async fn run_worker<W: World>(
    kafka: &Kafka,
    mut worker: Worker<W>,
    options: &WorkerOptions,
) -> Result<WorkerReport> {
    let bus = &kafka.bus;
    let (topic, partition) = match worker.stage() {
        Stage::Ship {
            partition,
            partitions,
        } => {
            if partitions != kafka.partitions {
                bail!(
                    "the worker expects {partitions} partitions, the bus has {}",
                    kafka.partitions
                );
            }
            (bus.obs_topic(), partition as i32)
        }
        Stage::Area => (bus.all_topic(), 0),
    };
    let obs = kafka.partition(topic.clone(), partition).await?;
    let alerts = kafka.partition(bus.alerts_topic(), 0).await?;
    let mut coordinator = Coordinator {
        bus: bus.clone(),
        group: options.group.clone(),
        conn: None,
    };
    let committed = coordinator.committed(&topic, partition).await?;
    let start = obs
        .get_offset(OffsetAt::Earliest)
        .await
        .map_err(|e| anyhow!("cannot read the start of {topic}: {e}"))?;
    let mut report = WorkerReport::default();

    // Rebuild: replay what a predecessor committed, publishing nothing.
    let mut offset = start;
    if let Some((floor, _)) = &committed {
        while offset < *floor {
            let (records, next) = fetch(&obs, offset, options.max_wait).await?;
            for r in records {
                if r.offset < offset || r.offset >= *floor {
                    continue;
                }
                let value = r.record.value.unwrap_or_default();
                decode_batch(&value, |f| {
                    worker.handle(f, &mut |_| {});
                    report.rebuilt_frames += 1;
                })
                .with_context(|| format!("record {} of {topic}/{partition}", r.offset))?;
            }
            offset = next.min(*floor).max(offset);
        }
    }

    // Events already stored (by a predecessor that crashed after producing
    // them but before committing, or by anyone): never again.
    let mut already: HashSet<String> = HashSet::new();
    if committed.is_some() {
        for_each_alert(&alerts, |r| {
            if let Some(k) = r.headers.get(KEY_HEADER) {
                already.insert(String::from_utf8_lossy(k).into_owned());
            }
        })
        .await?;
    }
    // A predecessor that committed the end frame left nothing to do.
    if worker.ended() && options.stop_at_end {
        return Ok(report);
    }

    let mut out: Vec<(Published, i64)> = Vec::new();
    loop {
        let (records, next) = fetch(&obs, offset, options.max_wait).await?;
        if records.is_empty() {
            offset = next;
            continue;
        }
        for r in records {
            if r.offset < offset {
                continue;
            }
            let sent = r.record.timestamp.timestamp_micros();
            let value = r.record.value.unwrap_or_default();
            let mut n = 0;
            decode_batch(&value, |f| {
                worker.handle(f, &mut |p| out.push((p, sent)));
                n += 1;
            })
            .with_context(|| format!("record {} of {topic}/{partition}", r.offset))?;
            offset = r.offset + 1;
            report.frames += n;
            options.progress.fetch_add(n, Ordering::Relaxed);
            // Results first, then the commit.
            let batch: Vec<Record> = out
                .drain(..)
                .filter(|(p, _)| !already.remove(&p.key))
                .map(|(p, sent)| {
                    let headers = BTreeMap::from([
                        (KEY_HEADER.to_string(), p.key.into_bytes()),
                        (SOURCE_HEADER.to_string(), sent.to_string().into_bytes()),
                    ]);
                    record(
                        p.alert.id.clone().into_bytes(),
                        p.alert.to_json().into_bytes(),
                        headers,
                    )
                })
                .collect();
            if !batch.is_empty() {
                report.alerts += batch.len() as u64;
                produce(&alerts, batch).await?;
            }
            coordinator.commit(&topic, partition, offset).await?;
            if worker.ended() && options.stop_at_end {
                return Ok(report);
            }
        }
    }
}

/// Calls `each` with every record of the alerts topic from its retained
/// start to its current end.
async fn for_each_alert(alerts: &PartitionClient, mut each: impl FnMut(Record)) -> Result<()> {
    let (mut at, end) = bounds(alerts).await?;
    while at < end {
        let (records, next) = fetch(alerts, at, Duration::from_millis(100)).await?;
        for r in records {
            if r.offset < end {
                each(r.record);
            }
        }
        at = next.max(at);
    }
    Ok(())
}

/// Reads every alert event stored so far (from the retained start of the
/// alerts topic) as `(id:event:n, JSON, source time in Unix µs)`.
pub async fn read_alerts(kafka: &Kafka) -> Result<Vec<(String, String, Option<i64>)>> {
    let alerts = kafka.partition(kafka.bus.alerts_topic(), 0).await?;
    let mut out = Vec::new();
    for_each_alert(&alerts, |r| out.push(alert_of(r))).await?;
    Ok(out)
}

fn alert_of(r: Record) -> (String, String, Option<i64>) {
    let header = |k: &str| {
        r.headers
            .get(k)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let key = header(KEY_HEADER).unwrap_or_default();
    let source = header(SOURCE_HEADER).and_then(|s| s.parse().ok());
    let json = String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).into_owned();
    (key, json, source)
}

/// Follows the alerts topic from its current end, calling `each` with
/// `(id:event:n, JSON, source time)` for every new event, until `each`
/// returns false.
pub async fn follow_alerts(
    kafka: &Kafka,
    from_start: bool,
    mut each: impl FnMut(String, String, Option<i64>) -> bool,
) -> Result<()> {
    let alerts = kafka.partition(kafka.bus.alerts_topic(), 0).await?;
    let (start, end) = bounds(&alerts).await?;
    let mut at = if from_start { start } else { end };
    loop {
        let (records, next) = fetch(&alerts, at, Duration::from_millis(100)).await?;
        for r in records {
            let (k, j, s) = alert_of(r.record);
            if !each(k, j, s) {
                return Ok(());
            }
        }
        at = next.max(at);
    }
}

/// The read-only side of [`crate::follow::Follower`] on Kafka: fetches of
/// `P-obs-all` or `P-alerts` (partition 0) with no consumer group. It
/// cannot seek by time (the answers of brokers differ), so
/// [`crate::follow::Start::Since`] starts at the retained start and the
/// follower skips what is older.
pub(crate) struct Reader {
    pc: PartitionClient,
    offset: i64,
    buffered: std::collections::VecDeque<RecordAndOffset>,
}

impl Reader {
    /// Connects to a bus whose topics exist and opens `which` at `start`.
    pub(crate) async fn open(
        bus: &KafkaBus,
        which: crate::follow::Stream,
        start: crate::follow::Start,
    ) -> Result<(Reader, String)> {
        use crate::follow::{Start, Stream};
        let kafka = bus.open().await?;
        let topic = match which {
            Stream::Observations => bus.all_topic(),
            Stream::Alerts => bus.alerts_topic(),
        };
        let pc = kafka.partition(topic.clone(), 0).await?;
        let offset = match start {
            Start::After(p) => p as i64 + 1,
            Start::All | Start::Since(_) => pc
                .get_offset(OffsetAt::Earliest)
                .await
                .map_err(|e| anyhow!("cannot read the start of {topic}: {e}"))?,
        };
        let reader = Reader {
            pc,
            offset,
            buffered: Default::default(),
        };
        Ok((reader, topic))
    }

    /// The next record, waiting for one.
    pub(crate) async fn next(&mut self) -> Result<crate::follow::Message> {
        while self.buffered.is_empty() {
            let (records, next) = fetch(&self.pc, self.offset, FETCH_WAIT).await?;
            let offset = self.offset;
            self.buffered
                .extend(records.into_iter().filter(|r| r.offset >= offset));
            self.offset = next.max(self.offset);
        }
        let r = self.buffered.pop_front().expect("not empty");
        let header = |k: &str| {
            r.record
                .headers
                .get(k)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        Ok(crate::follow::Message {
            position: r.offset as u64,
            stored_us: r.record.timestamp.timestamp_micros(),
            key: header(KEY_HEADER),
            source_us: header(SOURCE_HEADER).and_then(|s| s.parse().ok()),
            payload: r.record.value.unwrap_or_default(),
        })
    }
}
