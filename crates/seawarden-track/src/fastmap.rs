//! A fast hash map for integer keys (MMSIs, cells).
//!
//! The standard library's SipHash resists hash flooding, which matters for
//! keys an attacker chooses freely; here the keys are 30-bit MMSIs and grid
//! cells, and every observation looks several of them up, so a
//! multiply-rotate hash (the Fx hash of rustc) is used instead. An attacker
//! who floods a receiver with crafted MMSIs could degrade lookups, not
//! corrupt them; the per-vessel state they would create is bounded anyway.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hasher: one rotate, xor and multiply per word.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i)
    }
    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.add(i as u32 as u64)
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64)
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The product's low bits depend only on the key's low bits, and the
        // table picks buckets by the low bits: many MMSIs end in 000 (a
        // multiple of 8), which would crowd an eighth of the buckets. The
        // rotation brings the well-mixed high bits down.
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with the Fx hasher.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with the Fx hasher.
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Bytes a map's table takes (slots and control bytes), not counting what its
/// keys and values own on the heap.
pub fn map_table_bytes<K, V, S>(m: &HashMap<K, V, S>) -> usize {
    m.capacity() * (std::mem::size_of::<(K, V)>() + 1)
}
