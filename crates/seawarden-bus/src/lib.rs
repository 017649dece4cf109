//! # seawarden-bus
//!
//! Seawarden scaled out on a message bus. `ingest` decodes AIS, puts it in
//! receive-time order exactly as `seawarden replay` does, and publishes
//! compact binary observation frames ([`wire`]) partitioned by MMSI, with
//! data-time ticks to every partition; detector workers ([`stage::Worker`])
//! consume one partition each (or the whole stream, for the detectors that
//! compare ships) and publish alert events; a restarted worker rebuilds its
//! state from the retained stream and carries on from its acknowledged
//! offset. The same input gives the same alert events, ids and episodes as a
//! single node (docs/bus.md gives the argument; `tests/nats.rs` the proof).
//!
//! Transports: NATS JetStream ([`nats`], feature `nats`, default) and the
//! Kafka protocol ([`kafka`], feature `kafka`); [`follow`] reads either
//! without taking part (`seawarden serve --bus`).
#![warn(missing_docs)]

#[cfg(any(feature = "nats", feature = "kafka"))]
pub mod follow;
#[cfg(feature = "kafka")]
pub mod kafka;
#[cfg(feature = "nats")]
pub mod nats;
pub mod stage;
pub mod wire;

pub use stage::{
    partition_of, publish_files, FrameSink, Ingest, Published, Route, SharedWorld, Stage, Worker,
    WorkerReport,
};
#[cfg(any(feature = "nats", feature = "kafka"))]
pub use stage::publish_live;
pub use wire::{decode_batch, encode_frame, Frame, WireError};
