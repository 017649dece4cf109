//! # seawarden-sources
//!
//! Where live AIS comes from, for `seawarden serve` and `seawarden bus
//! ingest`: a TCP client for a national feed (reconnecting with backoff), a
//! UDP listener, a TCP server that receivers push to, a file being written
//! to, and the demo's accelerated replay of recordings. Each source is a
//! tokio task with a name and its own counters ([`SourceMetrics`]); it cuts
//! its input into checked lines with a [`lines::Framer`], stamps those that
//! carry no receive time, and sends newline-terminated batches over one
//! bounded channel to whoever decodes them.
//!
//! ```no_run
//! # async fn f() -> anyhow::Result<()> {
//! use std::sync::Arc;
//! use seawarden_sources::{start, SourceCx, SourceMetrics, SourceSpec};
//! let spec = SourceSpec::parse("udp", "receivers=127.0.0.1:10110")?;
//! let (tx, mut rx) = tokio::sync::mpsc::channel(64);
//! let (_stop, shutdown) = tokio::sync::watch::channel(false);
//! let metrics = Arc::new(SourceMetrics::for_spec(&spec));
//! let (_task, bound) = start(spec, SourceCx { metrics, tx, shutdown }).await?;
//! println!("listening on {bound:?}");
//! while let Some(batch) = rx.recv().await {
//!     for line in batch.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
//!         // decode `line` (seawarden_ais)
//!     }
//! }
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod demo;
pub mod lines;
mod sources;

pub use sources::{start, SourceCx, SourceMetrics, SourceSpec};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
