//! Lines in, store filled: every line goes to the journal (bad ones too),
//! decoded positions and static reports to the archive and the vessel table.

use seawarden_ais::{Decoder, Event, Stats};
use seawarden_track::Observation;

use crate::{Result, Store};

/// Decodes lines and files them in a [`Store`].
///
/// A line's receive time is the one it carries (tag block `c:`, `$PGHP`
/// header, timestamp) when it completes a message; otherwise the last time
/// seen from the same input; before any, the caller's fallback (e.g. the
/// wall clock for a live feed). The line is journalled with that time
/// whether it decodes or not.
pub struct Ingester {
    decoder: Decoder,
    last_time: Option<i64>,
    observations: u64,
}

impl Default for Ingester {
    fn default() -> Self {
        Self::new()
    }
}

impl Ingester {
    /// A fresh decoder.
    pub fn new() -> Self {
        Ingester {
            decoder: Decoder::new(),
            last_time: None,
            observations: 0,
        }
    }

    /// Starts a new input: its untimed lines no longer inherit the previous
    /// input's clock.
    pub fn begin_input(&mut self) {
        self.last_time = None;
    }

    /// Journals `line` from `source` and archives what it decodes to.
    /// `fallback_ms` is used when no time is known yet.
    #[inline]
    pub fn feed(
        &mut self,
        store: &mut Store,
        source: &str,
        line: &[u8],
        fallback_ms: i64,
    ) -> Result<()> {
        let mut obs: [Option<Observation>; 2] = [None, None];
        let mut time = None;
        self.decoder.feed(line, &mut |e| {
            if let Event::Message(d) = e {
                let t = d.meta.rx_time_ms.or(time).unwrap_or(i64::MIN);
                time = Some(t);
                obs[0] = Observation::from_decoded(d, t);
                obs[1] = Observation::extended_b_static(d, t).map(Observation::Static);
            }
        });
        let t = match time {
            Some(i64::MIN) | None => self.last_time.unwrap_or(fallback_ms),
            Some(t) => t,
        };
        self.last_time = Some(t);
        store.append(t, source, line)?;
        for o in obs.into_iter().flatten() {
            self.observations += 1;
            match o {
                Observation::Position(mut p) => {
                    if p.time_ms == i64::MIN {
                        p.time_ms = t;
                    }
                    store.archive_position(&p)?;
                }
                Observation::Static(mut s) => {
                    if s.time_ms == i64::MIN {
                        s.time_ms = t;
                    }
                    store.archive_static(&s)?;
                }
            }
        }
        Ok(())
    }

    /// Journals `line` from `source` with its receive time (found as in
    /// [`Ingester::feed`]) without archiving what it decodes to, for
    /// callers that archive the observations themselves (`replay --data`).
    #[inline]
    pub fn journal_only(
        &mut self,
        store: &mut Store,
        source: &str,
        line: &[u8],
        fallback_ms: i64,
    ) -> Result<()> {
        let mut time = None;
        self.decoder.feed(line, &mut |e| {
            if let Event::Message(d) = e {
                time = d.meta.rx_time_ms.or(time);
            }
        });
        let t = time.or(self.last_time).unwrap_or(fallback_ms);
        self.last_time = Some(t);
        store.append(t, source, line)
    }

    /// Archives what `line` decodes to, at receive time `time_ms` when the
    /// line carries none, without journalling it (rebuilding the archive
    /// from the journal).
    pub fn archive_only(&mut self, store: &mut Store, line: &[u8], time_ms: i64) -> Result<()> {
        let mut obs: [Option<Observation>; 2] = [None, None];
        self.decoder.feed(line, &mut |e| {
            if let Event::Message(d) = e {
                let t = d.meta.rx_time_ms.unwrap_or(time_ms);
                obs[0] = Observation::from_decoded(d, t);
                obs[1] = Observation::extended_b_static(d, t).map(Observation::Static);
            }
        });
        for o in obs.into_iter().flatten() {
            self.observations += 1;
            match o {
                Observation::Position(p) => store.archive_position(&p)?,
                Observation::Static(s) => store.archive_static(&s)?,
            }
        }
        Ok(())
    }

    /// Completes the input (incomplete multi-part messages are counted as
    /// such; their lines are already in the journal).
    pub fn finish(&mut self) {
        self.decoder.finish(&mut |_| {});
    }

    /// The decoder's counts (lines, messages, rejections by reason).
    pub fn stats(&self) -> &Stats {
        self.decoder.stats()
    }

    /// Observations archived.
    pub fn observations(&self) -> u64 {
        self.observations
    }
}
