//! A ship's recent speeds in 4 bytes a sample (`anchor_drag`'s baseline).

use std::collections::VecDeque;

/// Speed samples, oldest first: (time in Unix seconds, speed in tenths of a
/// knot). Times are kept as 16-bit offsets from `base_s`, so a sample takes
/// 4 bytes instead of 8; the samples of one window must lie within
/// [`SpeedHistory::SPAN_S`] (18 h) of each other: a push drops any older
/// ones.
#[derive(Debug, Default)]
pub(crate) struct SpeedHistory {
    base_s: u32,
    samples: VecDeque<(u16, u16)>,
}

impl SpeedHistory {
    /// The longest time between the oldest and the newest sample, seconds.
    pub(crate) const SPAN_S: u32 = u16::MAX as u32;

    /// Samples added to the capacity when it is full.
    const GROWTH: usize = 8;

    /// Time of the oldest sample.
    pub(crate) fn front_s(&self) -> Option<u32> {
        self.samples.front().map(|s| self.base_s + s.0 as u32)
    }

    /// Time of the newest sample.
    pub(crate) fn back_s(&self) -> Option<u32> {
        self.samples.back().map(|s| self.base_s + s.0 as u32)
    }

    /// Drops the oldest sample.
    pub(crate) fn pop_front(&mut self) {
        self.samples.pop_front();
    }

    /// Adds a sample at `t_s`, no earlier than the newest one.
    pub(crate) fn push(&mut self, t_s: u32, speed_tenths: u16) {
        if self.samples.is_empty() {
            self.base_s = t_s;
        } else if t_s - self.base_s > Self::SPAN_S {
            while self.front_s().is_some_and(|f| t_s - f > Self::SPAN_S) {
                self.samples.pop_front();
            }
            let base = self.front_s().unwrap_or(t_s);
            let shift = (base - self.base_s) as u16;
            self.samples.iter_mut().for_each(|s| s.0 -= shift);
            self.base_s = base;
        }
        if self.samples.len() == self.samples.capacity() {
            // Grown 8 samples at a time rather than doubled: a window holds
            // up to about 60, and doubling left a quarter of them empty on
            // average.
            self.samples.reserve_exact(Self::GROWTH);
        }
        self.samples.push_back(((t_s - self.base_s) as u16, speed_tenths));
    }

    /// The samples, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u16)> + '_ {
        self.samples.iter().map(|s| (self.base_s + s.0 as u32, s.1))
    }

    /// Bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.samples.capacity() * std::mem::size_of::<(u16, u16)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_times_exact_across_rebasing() {
        let mut h = SpeedHistory::default();
        let mut plain: VecDeque<(u32, u16)> = VecDeque::new();
        let mut t = 1_700_000_000u32;
        let mut most = 0;
        for i in 0..2_000u32 {
            t += 120 + (i * 7919) % 600;
            // A two-hour window, as `anchor_drag` keeps by default.
            while h.front_s().is_some_and(|f| f < t - 7_200) {
                h.pop_front();
                plain.pop_front();
            }
            h.push(t, (i % 300) as u16);
            plain.push_back((t, (i % 300) as u16));
            most = most.max(plain.len());
            assert!(h.iter().eq(plain.iter().copied()));
            assert_eq!((h.front_s(), h.back_s()), (plain.front().map(|p| p.0), plain.back().map(|p| p.0)));
        }
        assert_eq!(h.heap_bytes(), h.samples.capacity() * 4);
        assert!(h.samples.capacity() <= most + SpeedHistory::GROWTH, "capacity {} for at most {most}", h.samples.capacity());
    }

    #[test]
    fn drops_samples_further_back_than_the_span() {
        let mut h = SpeedHistory::default();
        h.push(1_000, 1);
        h.push(30_000, 2);
        h.push(70_000, 3);
        assert_eq!(h.iter().collect::<Vec<_>>(), [(30_000, 2), (70_000, 3)]);
        h.push(200_000, 4);
        assert_eq!(h.iter().collect::<Vec<_>>(), [(200_000, 4)]);
    }
}
