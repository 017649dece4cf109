//! Recognising copies of one transmission heard by several receivers.

use crate::fastmap::FastMap;

/// Remembers recent transmissions (by payload hash and MMSI) for a time
/// window; a second sighting inside the window is a duplicate.
///
/// A moored ship's position reports can repeat bit for bit minutes apart,
/// so the window must stay short: copies relayed by several stations of one
/// network arrive within seconds.
///
/// Memory: two generations of one window each. When the newest time is a
/// window past the current generation's start, the older generation is
/// cleared (its table kept, with no deleted entries left behind) and becomes
/// the current one. Removing old entries one by one instead leaves deleted
/// markers in the hash table that eat its free space until it doubles: at
/// 50,000 messages a second that was a 68 MiB step after about 8 minutes
/// (`docs/serve.md`). With generations the tables reach their size within
/// two windows and stay there while the rate does.
#[derive(Debug, Clone)]
pub struct Dedup {
    window_ms: i64,
    current: FastMap<u64, i64>,
    previous: FastMap<u64, i64>,
    newest_ms: i64,
    generation_ms: i64,
}

impl Dedup {
    /// A filter with the given window in milliseconds.
    pub fn new(window_ms: i64) -> Self {
        Dedup { window_ms, current: FastMap::default(), previous: FastMap::default(), newest_ms: i64::MIN, generation_ms: i64::MIN }
    }

    /// True if the same transmission (hash, MMSI) was seen within the window
    /// before `time_ms`; records it otherwise.
    pub fn is_duplicate(&mut self, hash: u64, mmsi: u32, time_ms: i64) -> bool {
        let key = hash ^ (mmsi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.newest_ms = self.newest_ms.max(time_ms);
        if self.newest_ms.saturating_sub(self.generation_ms) >= self.window_ms {
            // Every entry of `previous` is now more than a window old.
            std::mem::swap(&mut self.current, &mut self.previous);
            self.current.clear();
            self.generation_ms = self.newest_ms;
        }
        let within = |t: i64| (time_ms - t).abs() <= self.window_ms;
        match self.current.get_mut(&key) {
            Some(t) if within(*t) => return true,
            Some(t) => {
                *t = time_ms;
                return false;
            }
            None => {}
        }
        if self.previous.get(&key).is_some_and(|&t| within(t)) {
            return true;
        }
        self.current.insert(key, time_ms);
        false
    }

    /// Bytes held by the tables of recent transmissions.
    pub fn heap_bytes(&self) -> usize {
        crate::fastmap::map_table_bytes(&self.current) + crate::fastmap::map_table_bytes(&self.previous)
    }

    /// Transmissions remembered (either generation, counted once each time held).
    pub fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.previous.is_empty()
    }

    /// Slots allocated in the tables (for memory checks).
    pub fn capacity(&self) -> usize {
        self.current.capacity() + self.previous.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_within_the_window_are_duplicates() {
        let mut d = Dedup::new(10_000);
        assert!(!d.is_duplicate(42, 1, 0));
        assert!(d.is_duplicate(42, 1, 3_000));
        assert!(!d.is_duplicate(42, 2, 3_000), "another MMSI");
        assert!(!d.is_duplicate(42, 1, 60_000), "a repeat minutes later is news");
        for t in 0..1000 {
            d.is_duplicate(t as u64, 3, 60_000 + t * 1000);
        }
        assert!(d.len() < 100, "old entries are pruned: {}", d.len());
    }

    #[test]
    fn copies_across_a_generation_change_are_still_duplicates() {
        let mut d = Dedup::new(10_000);
        assert!(!d.is_duplicate(7, 1, 0));
        // Moves to a new generation; 7 is in the previous one.
        assert!(!d.is_duplicate(8, 1, 10_000));
        assert!(d.is_duplicate(7, 1, 9_000), "heard again within the window");
        assert!(!d.is_duplicate(7, 1, 25_000), "two windows later it is news");
        assert!(d.is_duplicate(7, 1, 26_000), "and recorded again");
    }

    /// The memory-soak regression (`docs/serve.md`): at a steady rate the
    /// tables stop growing once two windows are held. Pruning entry by entry
    /// (the earlier design) doubled the table after ~480 s of 50k msg/s.
    #[test]
    fn memory_stays_flat_at_a_steady_rate() {
        let mut d = Dedup::new(10_000);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let rate = 2_000i64; // messages a second of data time, all distinct
        let mut after_warmup = 0;
        for s in 0..900i64 {
            for i in 0..rate {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                assert!(!d.is_duplicate(x, 1, s * 1000 + i * 1000 / rate));
            }
            if s == 30 {
                after_warmup = d.capacity();
            }
            if s > 30 {
                assert_eq!(d.capacity(), after_warmup, "tables grew at {s} s");
            }
            assert!(d.len() <= 2 * 10 * rate as usize + rate as usize, "{}", d.len());
        }
    }
}
