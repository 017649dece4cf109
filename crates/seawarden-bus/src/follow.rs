//! Reading what the bus carries without taking part in the work: the whole
//! observation stream and the alert events, for a service that shows them
//! (`seawarden serve --bus`). Nothing a [`Follower`] does affects the
//! workers (no consumer group, no acknowledgement, no commit).
//!
//! The transport is chosen by the URL scheme ([`Bus::parse`]); each
//! transport only opens its stream at a position and hands over raw
//! messages ([`Message`]); decoding, the start time and the resume position
//! are handled here, once.

use anyhow::{anyhow, bail, Context as _, Result};

use crate::wire::{decode_batch, Frame};

/// A bus, by the scheme of its URL.
#[derive(Debug, Clone)]
pub enum Bus {
    /// NATS JetStream, `nats://host:port` (or `tls://`).
    #[cfg(feature = "nats")]
    Nats(crate::nats::NatsBus),
    /// A Kafka-protocol broker, `kafka://host:port[,host:port...]`.
    #[cfg(feature = "kafka")]
    Kafka(crate::kafka::KafkaBus),
}

impl Bus {
    /// The bus at `url` with subjects, streams or topics named by `prefix`
    /// (letters, digits, `-` and `_`). An unknown scheme, or one this build
    /// lacks, is an error.
    pub fn parse(url: &str, prefix: &str) -> Result<Bus> {
        if prefix.is_empty()
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        {
            bail!("bus prefix {prefix:?}: letters, digits, '-' and '_' only");
        }
        let scheme = url.split_once("://").map_or("", |(s, _)| s);
        match scheme {
            #[cfg(feature = "kafka")]
            "kafka" => {
                let mut bus = crate::kafka::KafkaBus::from_url(url)?;
                bus.prefix = prefix.to_string();
                Ok(Bus::Kafka(bus))
            }
            #[cfg(feature = "nats")]
            "nats" | "tls" => {
                if url.len() == scheme.len() + 3 {
                    bail!("bus {url}: no host after {scheme}://");
                }
                Ok(Bus::Nats(crate::nats::NatsBus {
                    url: url.to_string(),
                    prefix: prefix.to_string(),
                }))
            }
            #[allow(unreachable_patterns)]
            "kafka" | "nats" | "tls" => {
                bail!("bus {url}: this build has no {scheme} transport")
            }
            _ => bail!("unknown bus {url}: use nats://host:port or kafka://host:port"),
        }
    }

    /// The transport's name: `nats` or `kafka`.
    pub fn kind(&self) -> &'static str {
        match self {
            #[cfg(feature = "nats")]
            Bus::Nats(_) => "nats",
            #[cfg(feature = "kafka")]
            Bus::Kafka(_) => "kafka",
        }
    }

    /// Where the bus is, for messages.
    pub fn location(&self) -> String {
        match self {
            #[cfg(feature = "nats")]
            Bus::Nats(b) => b.url.clone(),
            #[cfg(feature = "kafka")]
            Bus::Kafka(b) => format!("kafka://{}", b.brokers.join(",")),
        }
    }
}

/// Which stream a [`Follower`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Every observation frame, in ingest order (NATS `P.obs.all`, Kafka
    /// `P-obs-all`).
    Observations,
    /// The alert events (NATS `P.alerts`, Kafka `P-alerts`).
    Alerts,
}

/// Where a [`Follower`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The start of what the bus retains.
    All,
    /// The first message the bus stored at or after this time (Unix
    /// milliseconds).
    Since(i64),
    /// Just after this position (see [`Follower::position`]), to resume
    /// after a lost connection.
    After(u64),
}

/// One message as a transport hands it over.
#[derive(Debug)]
pub(crate) struct Message {
    /// Stream sequence (NATS) or offset (Kafka).
    pub position: u64,
    /// When the bus stored it (Unix microseconds).
    pub stored_us: i64,
    /// The event key `id:event:n` of an alert event.
    pub key: Option<String>,
    /// When ingest sent the batch that raised an alert (Unix microseconds).
    pub source_us: Option<i64>,
    pub payload: Vec<u8>,
}

/// An alert event read from the bus.
#[derive(Debug, Clone)]
pub struct AlertEvent {
    /// Its key, `id:event:n` (empty if the publisher gave none).
    pub key: String,
    /// The event (the JSON `seawarden alert` prints).
    pub json: String,
    /// When ingest sent the batch whose frame raised it (Unix
    /// microseconds), if the worker said.
    pub source_us: Option<i64>,
}

enum Reader {
    #[cfg(feature = "nats")]
    Nats(crate::nats::Reader),
    #[cfg(feature = "kafka")]
    Kafka(crate::kafka::Reader),
}

/// Reads one stream of the bus from a start, in order, waiting for more at
/// its end.
pub struct Follower {
    reader: Reader,
    what: String,
    since_us: Option<i64>,
    position: Option<u64>,
}

impl Follower {
    /// Opens `stream` on `bus` at `start`. A bus where nothing was
    /// published yet (no stream or topic) is an error: retry later.
    pub async fn open(bus: &Bus, stream: Stream, start: Start) -> Result<Follower> {
        let (reader, what) = match bus {
            #[cfg(feature = "nats")]
            Bus::Nats(b) => {
                let (r, what) = crate::nats::Reader::open(b, stream, start).await?;
                (Reader::Nats(r), what)
            }
            #[cfg(feature = "kafka")]
            Bus::Kafka(b) => {
                let (r, what) = crate::kafka::Reader::open(b, stream, start).await?;
                (Reader::Kafka(r), what)
            }
        };
        Ok(Follower {
            reader,
            what,
            since_us: match start {
                Start::Since(ms) => Some(ms.saturating_mul(1000)),
                _ => None,
            },
            position: match start {
                Start::After(p) => Some(p),
                _ => None,
            },
        })
    }

    /// The position of the last message read (`None`: none yet); resume
    /// with [`Start::After`].
    pub fn position(&self) -> Option<u64> {
        self.position
    }

    /// Where this follower resumes: after the last message read, else
    /// where it started.
    pub fn resume(&self, start: Start) -> Start {
        self.position.map_or(start, Start::After)
    }

    /// Waits for the next message of an observation follower and hands
    /// its frames to `each`; returns the message's size in bytes. A damaged
    /// message is an error naming it (a [`crate::WireError`] in its chain,
    /// the frames before the damage handed over); the follower carries on
    /// after it.
    pub async fn next_frames(&mut self, each: impl FnMut(Frame)) -> Result<usize> {
        let m = self.next().await?;
        decode_batch(&m.payload, each)
            .with_context(|| format!("message {} of {}", m.position, self.what))?;
        Ok(m.payload.len())
    }

    /// Waits for the next event of an alert follower.
    pub async fn next_alert(&mut self) -> Result<AlertEvent> {
        let m = self.next().await?;
        Ok(AlertEvent {
            key: m.key.unwrap_or_default(),
            json: String::from_utf8_lossy(&m.payload).into_owned(),
            source_us: m.source_us,
        })
    }

    async fn next(&mut self) -> Result<Message> {
        loop {
            let m = match &mut self.reader {
                #[cfg(feature = "nats")]
                Reader::Nats(r) => r.next().await,
                #[cfg(feature = "kafka")]
                Reader::Kafka(r) => r.next().await,
            }
            .map_err(|e| anyhow!("following {} failed: {e:#}", self.what))?;
            self.position = Some(m.position);
            // A transport that cannot seek by time starts earlier.
            if self.since_us.is_some_and(|s| m.stored_us < s) {
                continue;
            }
            return Ok(m);
        }
    }
}
