//! The demo source: recorded AIS replayed at an accelerated clock, looping.
//!
//! Each recording (tag-block `c:` times, or Gatehouse `$PGHP` headers) is
//! moved so that all start together at the moment the server starts, then
//! played `speed` times faster than real time. Every loop moves the data
//! clock on by the length of the longest recording plus a gap, so the
//! pipeline sees time going forward.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::lines::{line_time_ms, stamp};
use crate::sources::SourceCx;

/// Lines of the recordings with their time from the start of their file.
pub struct Recording {
    lines: Vec<(i64, Vec<u8>)>,
    span_ms: i64,
}

/// Data-time gap between two loops.
const LOOP_GAP_MS: i64 = 30 * 60_000;

fn pghp_time(line: &str) -> Option<i64> {
    // $PGHP,1,<year>,<month>,<day>,<hour>,<minute>,<second>,<ms>,...
    let f: Vec<&str> = line.split(',').collect();
    if f.len() < 9 || f[1] != "1" {
        return None;
    }
    let n = |i: usize| f[i].parse::<u32>().ok();
    seawarden_ais::meta::utc_ms(f[2].parse().ok()?, n(3)?, n(4)?, n(5)?, n(6)?, n(7)?, n(8)?)
}

impl Recording {
    /// Reads the recordings; lines without a time are left out.
    pub fn load(files: &[PathBuf]) -> Result<Recording> {
        let mut lines = Vec::new();
        for path in files {
            let text =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut first: Option<i64> = None;
            let mut pending: Option<i64> = None;
            for raw in text.split(|&b| b == b'\n') {
                let line = raw.strip_suffix(b"\r").unwrap_or(raw);
                if line.is_empty() {
                    continue;
                }
                if line.starts_with(b"$PGHP") {
                    pending = pghp_time(&String::from_utf8_lossy(line));
                    continue;
                }
                let (t, body) = match line_time_ms(line) {
                    Some(t) => {
                        let end = line[1..]
                            .iter()
                            .position(|&b| b == b'\\')
                            .map_or(0, |i| i + 2);
                        (t, &line[end..])
                    }
                    None => match pending.take() {
                        Some(t) => (t, line),
                        None => continue,
                    },
                };
                let t0 = *first.get_or_insert(t);
                lines.push((t - t0, body.to_vec()));
            }
        }
        if lines.is_empty() {
            bail!("the demo recordings hold no timed AIS lines");
        }
        lines.sort_by_key(|(t, _)| *t);
        let span_ms = lines.last().map_or(0, |(t, _)| *t).max(1);
        Ok(Recording { lines, span_ms })
    }

    /// Number of lines per loop.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Plays the recording until shutdown.
pub(crate) async fn run(rec: Recording, speed: f64, cx: SourceCx) {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    let base_ms = crate::now_ms();
    let started = Instant::now();
    let period = rec.span_ms + LOOP_GAP_MS;
    let mut shutdown = cx.shutdown.clone();
    let name = cx.metrics.name.clone();
    for round in 0i64.. {
        let offset = round * period;
        let mut i = 0;
        while i < rec.lines.len() {
            let data_ms = offset + rec.lines[i].0;
            let due = started + Duration::from_secs_f64(data_ms as f64 / speed / 1000.0);
            tokio::select! {
                _ = tokio::time::sleep_until(due.into()) => {}
                _ = shutdown.changed() => return,
            }
            // Everything due by now goes in one batch.
            let now_data = (started.elapsed().as_secs_f64() * speed * 1000.0) as i64;
            let mut batch = Vec::new();
            let mut n = 0;
            while i < rec.lines.len() && offset + rec.lines[i].0 <= now_data {
                let (t, body) = &rec.lines[i];
                stamp(body, base_ms + offset + t, &name, &mut batch);
                batch.push(b'\n');
                i += 1;
                n += 1;
            }
            if n == 0 {
                continue;
            }
            cx.metrics
                .lines
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            cx.metrics
                .bytes
                .fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
            if cx
                .tx
                .send(crate::engine::Input::Lines(batch))
                .await
                .is_err()
            {
                return;
            }
        }
        // Wait out the gap between loops (at the accelerated clock).
        let due = started + Duration::from_secs_f64((offset + period) as f64 / speed / 1000.0);
        tokio::select! {
            _ = tokio::time::sleep_until(due.into()) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_demo_recordings_load_with_their_times() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/ais");
        let k = Recording::load(&[root.join("kystverket-2019-08-07.nm4")]).unwrap();
        assert!(k.len() >= 990, "{}", k.len());
        assert!(k.span_ms > 20_000 && k.span_ms < 120_000, "{}", k.span_ms);
        assert!(k.lines.iter().all(|(_, l)| l.starts_with(b"!")));
        let d = Recording::load(&[root.join("dma-2010-06-11.txt")]).unwrap();
        // Every sentence has a $PGHP header.
        assert!(d.len() > 4000, "{}", d.len());
        assert_eq!(
            pghp_time("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"),
            seawarden_ais::meta::utc_ms(2010, 6, 11, 11, 46, 11, 390)
        );
    }
}
