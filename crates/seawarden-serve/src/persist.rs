//! The server's persistence with `--data DIR`: the `seawarden-store` in
//! that directory (`docs/store.md`).
//!
//! - [`JournalSink`], on the pipeline thread: every batch of lines is
//!   appended to the store's journal and handed to the operating system
//!   **before** it is processed (write-ahead), and so is every clock tick
//!   (a record from source [`TICK_SOURCE`]). Each line is journalled with its
//!   receive time (its tag block's `c:`, else the previous line's), so the
//!   blocks' time ranges index the journal by data time.
//! - [`Archiver`], its own thread: the pipeline thread hands it each
//!   batch's observations over a bounded channel (never waiting: a full
//!   queue drops and counts, the lines are in the journal); it buffers them
//!   in the store's archive and writes GeoParquet files and the vessel
//!   table every `archive_flush` (and at 1,000,000 buffered rows, and at
//!   shutdown), and applies the store's retention once an hour.
//! - [`replay`]: the journal's last `--journal-hours` of data time, read
//!   again after a restart or a change of world.
//!
//! Alerts and their review state go to the store's database through the
//! alert book (`alerts.rs`).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use seawarden_store::Store;
use seawarden_track::Observation;

/// The journal source of clock-tick records (line `#tick <ms>`).
pub const TICK_SOURCE: &str = "#tick";

/// The journal source of lines received live.
const LINE_SOURCE: &str = "live";

/// Batches of observations queued for the archive thread.
const ARCHIVE_QUEUE: usize = 1024;

/// The archive is written at the latest when this many rows are buffered.
const ARCHIVE_MAX_ROWS: u64 = 1_000_000;

/// Retention is applied this often.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// The write-ahead journal, owned by the pipeline thread.
pub(crate) struct JournalSink {
    store: Store,
    last_ms: Option<i64>,
}

impl JournalSink {
    /// Opens the store's journal for writing: a torn tail is cut, the
    /// newest segment sealed and a new one chained to it.
    pub fn open(dir: &Path) -> Result<JournalSink> {
        let mut store =
            Store::open(dir).with_context(|| format!("cannot open the store {}", dir.display()))?;
        store
            .journal_writer()
            .with_context(|| format!("cannot open the journal of {}", dir.display()))?;
        let rec = store.recovery();
        if rec.truncated_bytes > 0 {
            eprintln!(
                "seawarden serve: cut a torn journal tail of {} bytes ({})",
                rec.truncated_bytes,
                rec.reason.clone().unwrap_or_default()
            );
        }
        Ok(JournalSink {
            store,
            last_ms: None,
        })
    }

    /// Journals a batch of newline-terminated lines and hands it to the
    /// operating system.
    pub fn write_batch(&mut self, batch: &[u8]) {
        let now = crate::now_ms();
        for line in batch.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let t = crate::lines::line_time_ms(line)
                .or(self.last_ms)
                .unwrap_or(now);
            self.last_ms = Some(t);
            if let Err(e) = self.store.append(t, LINE_SOURCE, line) {
                eprintln!("seawarden serve: cannot write the journal: {e}");
                return;
            }
        }
        self.flush();
    }

    /// Journals a clock tick at data time `t`.
    pub fn write_tick(&mut self, t: i64) {
        let line = format!("{TICK_SOURCE} {t}");
        if let Err(e) = self.store.append(t, TICK_SOURCE, line.as_bytes()) {
            eprintln!("seawarden serve: cannot write the journal: {e}");
        }
        self.flush();
    }

    /// Hands everything appended to the operating system.
    pub fn flush(&mut self) {
        if let Err(e) = self.store.flush() {
            eprintln!("seawarden serve: cannot write the journal: {e}");
        }
    }
}

/// What [`replay`] finds in the journal, in journal order.
pub(crate) enum Replayed<'a> {
    /// A received line.
    Line(&'a [u8]),
    /// A clock tick at this data time.
    Tick(i64),
}

/// Reads the journal of the store in `dir` from `keep_hours` of data time
/// before its newest record to the end, in journal order (blocks before
/// that are skipped by their time range). Returns the records read.
pub(crate) fn replay(dir: &Path, keep_hours: u32, mut f: impl FnMut(Replayed<'_>)) -> Result<u64> {
    let jdir = dir.join("journal");
    let Some(newest) = seawarden_store::journal::newest_time(&jdir)? else {
        return Ok(0);
    };
    let from = newest.saturating_sub(keep_hours as i64 * 3_600_000);
    let read = seawarden_store::journal::read_window(&jdir, from, i64::MAX, |t, source, line| {
        if source == TICK_SOURCE {
            f(Replayed::Tick(t));
        } else {
            f(Replayed::Line(line));
        }
    })?;
    Ok(read.records)
}

enum ArchiveMsg {
    Observations(Vec<Observation>),
    Shutdown,
}

/// The archive writer thread and its queue.
pub(crate) struct Archiver {
    tx: SyncSender<ArchiveMsg>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Archiver {
    /// Starts the thread over the store in `dir`; `retention_days`, when
    /// given, is written to the store's settings first.
    pub fn start(dir: &Path, flush_every: Duration, retention_days: Option<u32>) -> Result<Archiver> {
        let mut store =
            Store::open(dir).with_context(|| format!("cannot open the store {}", dir.display()))?;
        if let Some(days) = retention_days {
            let mut c = store.config().clone();
            c.retention_days = days;
            store
                .set_config(c)
                .with_context(|| format!("cannot write the settings of {}", dir.display()))?;
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(ARCHIVE_QUEUE);
        let dir: PathBuf = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("seawarden-archive".into())
            .spawn(move || archive_thread(store, &dir, rx, flush_every))
            .context("cannot start the archive thread")?;
        Ok(Archiver {
            tx,
            thread: Some(thread),
        })
    }

    /// Queues a batch's observations; never waits: when the queue is full
    /// they are dropped (their lines are in the journal). Returns how many
    /// were dropped.
    pub fn send(&self, obs: Vec<Observation>) -> u64 {
        if obs.is_empty() {
            return 0;
        }
        let n = obs.len() as u64;
        match self.tx.try_send(ArchiveMsg::Observations(obs)) {
            Ok(()) => 0,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => n,
        }
    }
}

impl Drop for Archiver {
    /// Writes what is buffered and waits for the thread.
    fn drop(&mut self) {
        let _ = self.tx.send(ArchiveMsg::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn archive_thread(mut store: Store, dir: &Path, rx: Receiver<ArchiveMsg>, flush_every: Duration) {
    let report = |what: &str, e: seawarden_store::Error| {
        eprintln!("seawarden serve: cannot {what} in {}: {e}", dir.display());
    };
    let retain = |store: &mut Store| {
        if let Err(e) = store.apply_retention(crate::now_ms()) {
            report("apply retention", e);
        }
    };
    retain(&mut store);
    let mut last_flush = Instant::now();
    let mut last_retention = Instant::now();
    let mut buffered = 0u64;
    loop {
        let wait = flush_every.saturating_sub(last_flush.elapsed());
        match rx.recv_timeout(wait) {
            Ok(ArchiveMsg::Observations(obs)) => {
                buffered += obs.len() as u64;
                for o in &obs {
                    let r = match o {
                        Observation::Position(p) => store.archive_position(p),
                        Observation::Static(s) => store.archive_static(s),
                    };
                    if let Err(e) = r {
                        report("write the archive", e);
                        break;
                    }
                }
            }
            Ok(ArchiveMsg::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if last_flush.elapsed() >= flush_every || buffered >= ARCHIVE_MAX_ROWS {
            if let Err(e) = store.flush_archive() {
                report("write the archive", e);
            }
            last_flush = Instant::now();
            buffered = 0;
        }
        if last_retention.elapsed() >= RETENTION_EVERY {
            retain(&mut store);
            last_retention = Instant::now();
        }
    }
    if let Err(e) = store.close() {
        report("write the archive", e);
    }
}
