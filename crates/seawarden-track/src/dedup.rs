//! Recognising copies of one transmission heard by several receivers.

use crate::fastmap::FastMap;

/// Remembers recent transmissions (by payload hash and MMSI) for a time
/// window; a second sighting inside the window is a duplicate.
///
/// A moored ship's position reports can repeat bit for bit minutes apart,
/// so the window must stay short: copies relayed by several stations of one
/// network arrive within seconds.
#[derive(Debug, Clone)]
pub struct Dedup {
    window_ms: i64,
    seen: FastMap<u64, i64>,
    newest_ms: i64,
    last_prune_ms: i64,
}

impl Dedup {
    /// A filter with the given window in milliseconds.
    pub fn new(window_ms: i64) -> Self {
        Dedup { window_ms, seen: FastMap::default(), newest_ms: i64::MIN, last_prune_ms: i64::MIN }
    }

    /// True if the same transmission (hash, MMSI) was seen within the window
    /// before `time_ms`; records it otherwise.
    pub fn is_duplicate(&mut self, hash: u64, mmsi: u32, time_ms: i64) -> bool {
        let key = hash ^ (mmsi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.newest_ms = self.newest_ms.max(time_ms);
        if self.newest_ms.saturating_sub(self.last_prune_ms) > self.window_ms * 4 {
            let cutoff = self.newest_ms - self.window_ms;
            self.seen.retain(|_, &mut t| t >= cutoff);
            self.last_prune_ms = self.newest_ms;
        }
        match self.seen.get_mut(&key) {
            Some(t) if (time_ms - *t).abs() <= self.window_ms => true,
            Some(t) => {
                *t = time_ms;
                false
            }
            None => {
                self.seen.insert(key, time_ms);
                false
            }
        }
    }

    /// Bytes held by the table of recent transmissions.
    pub fn heap_bytes(&self) -> usize {
        crate::fastmap::map_table_bytes(&self.seen)
    }

    /// Transmissions remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
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
}
