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

/// The MMSI of a single-sentence or first-fragment `!xxVDM` line, and
/// the fragment's (total, number, sequence id).
fn sentence_mmsi(line: &[u8]) -> Option<(Option<u32>, u8, u8, u8)> {
    let text = std::str::from_utf8(line).ok()?;
    let f: Vec<&str> = text.split(',').collect();
    if f.len() < 7 || !f[0].starts_with('!') {
        return None;
    }
    let (total, num) = (f[1].parse().ok()?, f[2].parse().ok()?);
    let seq = f[3].parse().unwrap_or(0);
    if num != 1 {
        return Some((None, total, num, seq));
    }
    // Bits 8-37 of the payload (six bits a character).
    let bits: Vec<u8> = f[5]
        .bytes()
        .take(7)
        .map(|c| {
            let v = c.wrapping_sub(48);
            if v > 40 {
                v - 8
            } else {
                v
            }
        })
        .collect();
    if bits.len() < 7 {
        return Some((None, total, num, seq));
    }
    let mut acc: u64 = 0;
    for b in &bits {
        acc = (acc << 6) | (*b as u64 & 0x3f);
    }
    // 42 bits read: the MMSI is bits 8..38, i.e. shift out the low 4.
    Some((Some(((acc >> 4) & 0x3fff_ffff) as u32), total, num, seq))
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
    ///
    /// The recordings are played side by side, although years apart: a ship
    /// heard in more than one would seem to jump between them, so its lines
    /// are kept from the first recording only.
    pub fn load(files: &[PathBuf]) -> Result<Recording> {
        let mut rec = Recording {
            lines: Vec::new(),
            span_ms: 1,
        };
        let mut earlier = std::collections::HashSet::new();
        for path in files {
            let text =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            rec.add(text.split(|&b| b == b'\n'), &mut earlier);
        }
        if rec.lines.is_empty() {
            bail!("the demo recordings hold no timed AIS lines");
        }
        Ok(rec)
    }

    /// Adds the lines of a simulated scenario (`seawarden-sim`): fictional
    /// ships doing what the scenario scripts (the Gulf of Finland demo: an
    /// anchor drag over Estlink 2, a sanctioned tanker entering Finnish
    /// waters, a ship drifting over Balticconnector).
    pub fn add_scenario(&mut self, path: &std::path::Path, seed: u64) -> Result<()> {
        let scenario = seawarden_sim::Scenario::load(path)?;
        let sim = scenario
            .simulate(seed)
            .with_context(|| format!("cannot simulate {}", path.display()))?;
        let mut earlier = std::collections::HashSet::new();
        self.add(sim.lines.iter().map(|l| l.as_bytes()), &mut earlier);
        Ok(())
    }

    fn add<'a>(
        &mut self,
        text: impl Iterator<Item = &'a [u8]>,
        earlier: &mut std::collections::HashSet<u32>,
    ) {
        let mut file_lines: Vec<(i64, Vec<u8>)> = Vec::new();
        let mut this_file = std::collections::HashSet::new();
        let mut dropping_seq: Option<u8> = None;
        let mut pending: Option<i64> = None;
        for raw in text {
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
            match sentence_mmsi(body) {
                Some((Some(mmsi), total, _, seq)) => {
                    if earlier.contains(&mmsi) {
                        dropping_seq = (total > 1).then_some(seq);
                        continue;
                    }
                    dropping_seq = None;
                    this_file.insert(mmsi);
                }
                Some((None, _, num, seq)) if num > 1 && dropping_seq == Some(seq) => continue,
                _ => {}
            }
            file_lines.push((t, body.to_vec()));
        }
        earlier.extend(this_file);
        // Each recording starts at 0 (its earliest line: feeds are a little out of order).
        let t0 = file_lines.iter().map(|(t, _)| *t).min().unwrap_or(0);
        self.lines
            .extend(file_lines.into_iter().map(|(t, b)| (t - t0, b)));
        self.lines.sort_by_key(|(t, _)| *t);
        self.span_ms = self.lines.last().map_or(0, |(t, _)| *t).max(1);
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
            let due = started + Duration::from_secs_f64((data_ms as f64 / speed / 1000.0).max(0.0));
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
            if cx.tx.send(batch).await.is_err() {
                return;
            }
        }
        // Wait out the gap between loops (at the accelerated clock).
        let due =
            started + Duration::from_secs_f64(((offset + period) as f64 / speed / 1000.0).max(0.0));
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
        assert!(k.lines.iter().all(|(t, l)| l.starts_with(b"!") && *t >= 0));
        let d = Recording::load(&[root.join("dma-2010-06-11.txt")]).unwrap();
        // Every sentence has a $PGHP header.
        assert!(d.len() > 4000, "{}", d.len());
        assert_eq!(
            pghp_time("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"),
            seawarden_ais::meta::utc_ms(2010, 6, 11, 11, 46, 11, 390)
        );
    }
}
