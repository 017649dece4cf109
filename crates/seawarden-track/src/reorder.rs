//! Restoring time order across receivers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Holds items for a window of event time and releases them in time order.
///
/// Feeds from several receivers, and satellite relays, arrive a little out
/// of order; detectors need a time-ordered stream. Items older than the
/// newest time seen minus the window are released. Ties keep arrival order,
/// so the output is deterministic.
#[derive(Debug)]
pub struct Reorder<T> {
    window_ms: i64,
    /// Items that arrived in order (the common case): a queue, O(1).
    run: VecDeque<(i64, u64, T)>,
    /// Items that arrived out of order: a heap of (time, sequence, slot)
    /// over `parked`, so sifting moves 24 bytes, not the items.
    heap: BinaryHeap<Reverse<(i64, u64, u32)>>,
    parked: Vec<Option<T>>,
    free: Vec<u32>,
    seq: u64,
    newest_ms: i64,
    released_ms: i64,
    late: u64,
}

impl<T> Reorder<T> {
    /// A buffer with the given window, in milliseconds.
    pub fn new(window_ms: i64) -> Self {
        Reorder { window_ms, run: VecDeque::new(), heap: BinaryHeap::new(), parked: Vec::new(), free: Vec::new(), seq: 0, newest_ms: i64::MIN, released_ms: i64::MIN, late: 0 }
    }

    /// Adds an item with its event time, then passes every item that is now
    /// outside the window to `out`, oldest first. An item older than what has
    /// already been released is passed on at once and counted as late.
    pub fn push(&mut self, time_ms: i64, item: T, mut out: impl FnMut(i64, T)) {
        if time_ms < self.released_ms {
            self.late += 1;
            out(time_ms, item);
            return;
        }
        self.newest_ms = self.newest_ms.max(time_ms);
        if self.run.back().is_none_or(|b| b.0 <= time_ms) {
            self.run.push_back((time_ms, self.seq, item));
        } else {
            let slot = match self.free.pop() {
                Some(i) => {
                    self.parked[i as usize] = Some(item);
                    i
                }
                None => {
                    self.parked.push(Some(item));
                    (self.parked.len() - 1) as u32
                }
            };
            self.heap.push(Reverse((time_ms, self.seq, slot)));
        }
        self.seq += 1;
        let cutoff = self.newest_ms.saturating_sub(self.window_ms);
        self.release(Some(cutoff), &mut out);
    }

    /// Releases items up to `cutoff` (all if `None`), oldest first, taking
    /// from the in-order queue or the heap, whichever holds the older item
    /// (ties by arrival order).
    fn release(&mut self, cutoff: Option<i64>, out: &mut impl FnMut(i64, T)) {
        loop {
            let run = self.run.front().map(|x| (x.0, x.1));
            let heap = self.heap.peek().map(|Reverse(x)| (x.0, x.1));
            let from_run = match (run, heap) {
                (Some(r), Some(h)) => r <= h,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return,
            };
            let t = if from_run { run.expect("some").0 } else { heap.expect("some").0 };
            if cutoff.is_some_and(|c| t > c) {
                return;
            }
            let item = if from_run {
                self.run.pop_front().map(|x| x.2)
            } else {
                self.heap.pop().and_then(|Reverse((_, _, slot))| {
                    self.free.push(slot);
                    self.parked[slot as usize].take()
                })
            };
            self.released_ms = t;
            if let Some(item) = item {
                out(t, item);
            }
        }
    }

    /// Releases every item at or before `cutoff_ms`, oldest first (live
    /// feeds: time has moved on while nothing arrived).
    pub fn release_until(&mut self, cutoff_ms: i64, mut out: impl FnMut(i64, T)) {
        self.release(Some(cutoff_ms), &mut out);
    }

    /// Releases everything held, in order (end of input).
    pub fn flush(&mut self, mut out: impl FnMut(i64, T)) {
        self.release(None, &mut out);
    }

    /// Items that arrived after later items had been released.
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.run.len() + self.heap.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.run.is_empty() && self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Items displaced by less than the window come out sorted, and
        /// nothing is lost or duplicated.
        #[test]
        fn releases_in_order(jitter in prop::collection::vec(0i64..5_000, 1..300)) {
            let mut r = Reorder::new(5_000);
            let mut out = Vec::new();
            for (i, j) in jitter.iter().enumerate() {
                let t = i as i64 * 1_000 + j;
                r.push(t, i, |t, x| out.push((t, x)));
            }
            r.flush(|t, x| out.push((t, x)));
            prop_assert_eq!(out.len(), jitter.len());
            prop_assert!(out.windows(2).all(|w| w[0].0 <= w[1].0));
            prop_assert_eq!(r.late(), 0);
        }
    }

    /// A live clock releases what is older than it, oldest first, and
    /// nothing newer; what arrives later for an already released time is
    /// passed on at once and counted late.
    #[test]
    fn release_until_follows_the_clock() {
        let mut r = Reorder::new(60_000);
        let mut out = Vec::new();
        for t in [30_000, 10_000, 20_000, 50_000] {
            r.push(t, t, |t, _| out.push(t));
        }
        assert!(out.is_empty());
        r.release_until(25_000, |t, _| out.push(t));
        assert_eq!(out, [10_000, 20_000]);
        r.push(15_000, 15_000, |t, _| out.push(t));
        assert_eq!(out, [10_000, 20_000, 15_000]);
        assert_eq!(r.late(), 1);
        r.flush(|t, _| out.push(t));
        assert_eq!(out, [10_000, 20_000, 15_000, 30_000, 50_000]);
    }
}
