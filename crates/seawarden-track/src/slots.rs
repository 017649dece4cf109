//! Per-vessel state in dense slots.
//!
//! The [`Tracker`](crate::Tracker) gives every MMSI a slot, 0, 1, 2, ... in
//! the order vessels are first heard, once per observation; whatever else is
//! kept per vessel (the engine's cached facts, each detector's state) lives
//! in a [`PerVessel`] indexed by that slot instead of a hash map of its own,
//! so one hash lookup per observation serves every stage.

/// A value per vessel slot; slots not yet touched read as `T::default()`.
#[derive(Debug, Clone)]
pub struct PerVessel<T> {
    items: Vec<T>,
}

impl<T> Default for PerVessel<T> {
    fn default() -> Self {
        PerVessel { items: Vec::new() }
    }
}

impl<T: Default> PerVessel<T> {
    /// The value of `slot`, created with `T::default()` (with every slot
    /// before it) if it is new.
    #[inline]
    pub fn at(&mut self, slot: usize) -> &mut T {
        if slot >= self.items.len() {
            self.grow_to(slot + 1);
        }
        &mut self.items[slot]
    }
}

impl<T: Default> PerVessel<T> {
    /// Makes `len` slots, growing the table by a quarter at a time rather
    /// than doubling it: a fleet's tables are read far more than they grow,
    /// and doubling left up to half of every table empty (5,000 vessels in
    /// room for 8,192).
    #[cold]
    fn grow_to(&mut self, len: usize) {
        reserve_by_quarters(&mut self.items, len);
        self.items.resize_with(len, T::default);
    }
}

/// Makes room in a per-vessel table for `len` items, growing it by a
/// quarter (and 16) at a time instead of doubling: the tracker's vessel
/// records, every [`PerVessel`] table and the engine's cached facts.
pub fn reserve_by_quarters<T>(v: &mut Vec<T>, len: usize) {
    let cap = v.capacity();
    if len > cap {
        let target = len.max(cap + cap / 4 + 16);
        v.reserve_exact(target - v.len());
    }
}

impl<T> PerVessel<T> {
    /// The value of `slot`, if it was ever created.
    #[inline]
    pub fn get(&self, slot: usize) -> Option<&T> {
        self.items.get(slot)
    }

    /// The values with their slots, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items.iter().enumerate()
    }

    /// Slots created.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no slot was created.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bytes of the slots themselves (not what the values own on the heap).
    pub fn table_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_default_until_set() {
        let mut p: PerVessel<Option<u32>> = PerVessel::default();
        assert!(p.get(3).is_none());
        *p.at(3) = Some(7);
        assert_eq!(p.len(), 4);
        assert_eq!(p.get(0), Some(&None));
        assert_eq!(p.get(3), Some(&Some(7)));
        assert_eq!(*p.at(1), None);
        assert_eq!(p.iter().filter(|(_, v)| v.is_some()).map(|(i, _)| i).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn tables_grow_by_a_quarter_not_double() {
        let mut p: PerVessel<u64> = PerVessel::default();
        let mut reallocations = 0;
        let mut cap = 0;
        for slot in 0..5_000 {
            *p.at(slot) += 1;
            if p.items.capacity() != cap {
                cap = p.items.capacity();
                reallocations += 1;
            }
            assert!(cap <= (slot + 1) * 5 / 4 + 16, "slot {slot}: capacity {cap}");
        }
        assert_eq!(p.len(), 5_000);
        assert!(p.iter().all(|(_, v)| *v == 1));
        // Still amortised: a few dozen reallocations for 5,000 vessels.
        assert!(reallocations < 40, "{reallocations} reallocations");
    }
}
