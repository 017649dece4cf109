//! Bit-level access to AIS payloads: 6-bit ASCII armoring, a bit reader and a bit writer.
//!
//! An AIS payload is a string of "armored" characters, each carrying six bits
//! (ITU-R M.1371-5 / IEC 61162-1 §8). [`Payload::from_armored`] unpacks them
//! once into big-endian 64-bit words, so that every later field read is two
//! shifts and a mask, whatever its offset.

/// Largest payload we accept, in bits: a five-slot message is 1,008 bits at most
/// (ITU-R M.1371-5 Annex 2 §3.2.2.5); we leave headroom for non-conforming
/// senders, and reject anything longer as [`PayloadError::TooLong`].
pub const MAX_PAYLOAD_BITS: usize = 1024 + 64;

const WORDS: usize = MAX_PAYLOAD_BITS / 64 + 1;
/// Words stored: one more than needed, always zero, so reads never branch.
const STORED_WORDS: usize = WORDS + 1;

/// Why an armored payload could not be unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadError {
    /// A character outside the 6-bit armoring alphabet (`0`-`W`, `` ` ``-`w`).
    BadCharacter,
    /// More bits than any AIS message can carry.
    TooLong,
    /// The fill-bit count is not 0-5, or exceeds the payload.
    BadFillBits,
}

/// An unpacked AIS payload: the message's bits, most significant first.
#[derive(Clone)]
pub struct Payload {
    words: [u64; STORED_WORDS],
    len: usize,
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({} bits: {})", self.len, self.to_hex())
    }
}

impl Default for Payload {
    fn default() -> Self {
        Self::new()
    }
}

/// Maps one armored character to its 6-bit value, or 0xFF if it is not valid.
const fn build_unarmor_table() -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut c = 48usize;
    while c < 128 {
        let v = c - 48;
        // Valid: '0'..='W' (48..=87) -> 0..=39 and '`'..='w' (96..=119) -> 40..=63.
        if c <= 87 {
            t[c] = v as u8;
        } else if c >= 96 && c <= 119 {
            t[c] = (v - 8) as u8;
        }
        c += 1;
    }
    t
}

static UNARMOR: [u8; 256] = build_unarmor_table();

/// Unpacks eight armored characters (`x` holds them little-endian: the first
/// in the low byte) into 48 bits, first character most significant, with
/// SWAR arithmetic; the second value is zero if every character is armoring.
#[inline(always)]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // the tests check `unarmor16` against it
fn unarmor8(x: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Per byte c < 128: bit 7 of (c + 128 - k) is set iff c >= k. Bytes of
    // 128 or more carry into the next byte, but are invalid anyway (`ascii`);
    // the addition wraps instead of overflowing (a fuzzing find).
    let ge = |k: u64| x.wrapping_add(ONES * (128 - k)) & HIGH;
    let ascii = !x & HIGH;
    let valid = ascii & ge(48) & !ge(120) & !(ge(88) & !ge(96));
    // Value: c - 48, and 8 less for the second range ('`'..'w').
    let v = x.wrapping_sub(ONES * 48).wrapping_sub(ge(96) >> 4);
    // Pack 6-bit bytes pairwise: 12 bits per u16, 24 per u32, 48 in all.
    let t = ((v & 0x003F_003F_003F_003F) << 6) | ((v >> 8) & 0x003F_003F_003F_003F);
    let u = ((t & 0x0000_0FFF_0000_0FFF) << 12) | ((t >> 16) & 0x0000_0FFF_0000_0FFF);
    let packed = ((u & 0xFF_FFFF) << 24) | ((u >> 32) & 0xFF_FFFF);
    (packed, valid ^ HIGH)
}

/// Unpacks 32 armored characters (four words as [`unarmor8`] takes them)
/// into 192 bits, three big-endian words; true if a character is not
/// armoring.
#[inline(always)]
fn unarmor32(x: [u64; 4]) -> ([u64; 3], bool) {
    let ([g0, g1], bad0) = unarmor16(x[0], x[1]);
    let ([g2, g3], bad1) = unarmor16(x[2], x[3]);
    ([g0 << 16 | g1 >> 32, g1 << 32 | g2 >> 16, g2 << 48 | g3], bad0 | bad1)
}

/// [`unarmor8`] for sixteen characters at once in one SSE2 register (part
/// of every x86-64 CPU): two 48-bit values, and true if a character is not
/// armoring.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn unarmor16(lo: u64, hi: u64) -> ([u64; 2], bool) {
    use std::arch::x86_64::*;
    // SAFETY: these intrinsics need SSE2 only, which every x86-64 CPU has
    // (it is in the target's baseline); none touches memory.
    unsafe {
        let c = _mm_set_epi64x(hi as i64, lo as i64);
        // Signed byte compares: bytes of 128 or more are negative, so invalid.
        let ge48 = _mm_cmpgt_epi8(c, _mm_set1_epi8(47));
        let lt120 = _mm_cmplt_epi8(c, _mm_set1_epi8(120));
        let gt87 = _mm_cmpgt_epi8(c, _mm_set1_epi8(87));
        let lt96 = _mm_cmplt_epi8(c, _mm_set1_epi8(96));
        let valid = _mm_andnot_si128(_mm_and_si128(gt87, lt96), _mm_and_si128(ge48, lt120));
        let bad = _mm_movemask_epi8(valid) != 0xFFFF;
        // Value: c - 48, and 8 less for the second range ('`'..'w').
        let v = _mm_sub_epi8(_mm_sub_epi8(c, _mm_set1_epi8(48)), _mm_and_si128(gt87, _mm_set1_epi8(8)));
        // Pairs of 6-bit values into 12 bits per 16-bit lane (first character
        // high), pairs of those into 24 bits per 32-bit lane, then 48 per
        // 64-bit lane.
        let t = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 6), _mm_srli_epi16(v, 8));
        let u = _mm_madd_epi16(t, _mm_set1_epi32(0x0001_1000));
        let g = _mm_or_si128(_mm_slli_epi64(_mm_and_si128(u, _mm_set1_epi64x(0xFFFF_FFFF)), 24), _mm_srli_epi64(u, 32));
        let g0 = _mm_cvtsi128_si64(g) as u64;
        let g1 = _mm_cvtsi128_si64(_mm_unpackhi_epi64(g, g)) as u64;
        ([g0, g1], bad)
    }
}

/// [`unarmor8`] twice, where SSE2 is not available.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn unarmor16(lo: u64, hi: u64) -> ([u64; 2], bool) {
    let ((g0, b0), (g1, b1)) = (unarmor8(lo), unarmor8(hi));
    ([g0, g1], b0 | b1 != 0)
}

/// The armoring alphabet, indexed by 6-bit value.
const ARMOR: &[u8; 64] = b"0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw";

/// The AIS 6-bit text alphabet (ITU-R M.1371-5 Table 47), indexed by 6-bit value.
pub const SIXBIT_ASCII: &[u8; 64] =
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

impl Payload {
    /// An empty payload.
    pub const fn new() -> Self {
        Payload { words: [0; STORED_WORDS], len: 0 }
    }

    /// Unpacks an armored payload string; `fill_bits` trailing bits are dropped.
    pub fn from_armored(armored: &[u8], fill_bits: u8) -> Result<Self, PayloadError> {
        let mut p = Payload::new();
        p.push_armored(armored)?;
        p.truncate_fill(fill_bits)?;
        Ok(p)
    }

    /// Empties the payload for reuse (zeroing only the words in use).
    #[inline]
    pub fn clear(&mut self) {
        let used = self.len.div_ceil(64).min(WORDS);
        // Most payloads fit three words: clear those without a memset call.
        self.words[0] = 0;
        self.words[1] = 0;
        self.words[2] = 0;
        if used > 3 {
            self.words[3..used].fill(0);
        }
        self.len = 0;
    }

    /// Appends armored characters (used to join multi-part fragments).
    ///
    /// On error the payload is left partly written; [`Payload::clear`] it.
    pub fn push_armored(&mut self, armored: &[u8]) -> Result<(), PayloadError> {
        let end = self.len + armored.len() * 6;
        if end > MAX_PAYLOAD_BITS {
            return Err(PayloadError::TooLong);
        }
        if self.len == 0 {
            return self.unarmor_aligned(armored);
        }
        // Appending a fragment at an arbitrary bit offset: bits are gathered
        // in a 128-bit accumulator and stored a whole word at a time; words
        // past the end are zero, so no read-modify-write.
        let mut w = self.len / 64;
        let mut nbits = (self.len % 64) as u32;
        let mut acc: u128 = if nbits > 0 { (self.words[w] >> (64 - nbits)) as u128 } else { 0 };
        let mut flush = |acc: &mut u128, nbits: &mut u32, words: &mut [u64; STORED_WORDS]| {
            if *nbits >= 64 {
                *nbits -= 64;
                words[w] = (*acc >> *nbits) as u64;
                w += 1;
                *acc &= (1u128 << *nbits) - 1;
            }
        };
        // 8 characters = 48 bits, unpacked as two independent groups of four
        // so that the lookups and shifts run in parallel.
        let mut chunks = armored.chunks_exact(8);
        for c in &mut chunks {
            let t = |i: usize| UNARMOR[c[i] as usize] as u64;
            let (v0, v1, v2, v3, v4, v5, v6, v7) = (t(0), t(1), t(2), t(3), t(4), t(5), t(6), t(7));
            if (v0 | v1 | v2 | v3 | v4 | v5 | v6 | v7) & 0xC0 != 0 {
                return Err(PayloadError::BadCharacter);
            }
            let hi = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
            let lo = (v4 << 18) | (v5 << 12) | (v6 << 6) | v7;
            acc = (acc << 48) | ((hi << 24) | lo) as u128;
            nbits += 48;
            flush(&mut acc, &mut nbits, &mut self.words);
        }
        let rest = chunks.remainder();
        let mut bad = 0u8;
        let mut v: u64 = 0;
        for &c in rest {
            let x = UNARMOR[c as usize];
            bad |= x;
            v = (v << 6) | (x & 0x3F) as u64;
        }
        if bad & 0xC0 != 0 {
            return Err(PayloadError::BadCharacter);
        }
        acc = (acc << (6 * rest.len())) | v as u128;
        nbits += 6 * rest.len() as u32;
        flush(&mut acc, &mut nbits, &mut self.words);
        if nbits > 0 {
            self.words[w] = (acc << (64 - nbits)) as u64;
        }
        self.len = end;
        Ok(())
    }

    /// Unpacks `armored` into an empty payload, 32 characters (192 bits, three
    /// whole words) at a time, with no branches but the validity check; the
    /// tail is padded with `0` characters, which decode to zero bits.
    #[inline]
    fn unarmor_aligned(&mut self, armored: &[u8]) -> Result<(), PayloadError> {
        let mut chunks = armored.chunks_exact(32);
        let mut w = 0;
        for c in &mut chunks {
            let x = |k: usize| u64::from_le_bytes(c[k * 8..k * 8 + 8].try_into().expect("8 bytes"));
            let (words, bad) = unarmor32([x(0), x(1), x(2), x(3)]);
            if bad {
                return Err(PayloadError::BadCharacter);
            }
            self.words[w] = words[0];
            self.words[w + 1] = words[1];
            self.words[w + 2] = words[2];
            w += 3;
        }
        // The tail (under 32 characters) as one more block, padded with '0'
        // (zero bits): built in registers from two overlapping loads, the
        // second shifted down to the bytes the first did not hold. The only
        // branch is on the tail's size class (nearly always 16 to 31: a
        // single-sentence payload is 27 or 28 characters).
        let rest = chunks.remainder();
        if !rest.is_empty() {
            const PAD: u128 = u128::from_le_bytes([b'0'; 16]);
            let r = rest.len();
            let load16 = |at: usize| u128::from_le_bytes(rest[at..at + 16].try_into().expect("16 bytes"));
            let load8 = |at: usize| u64::from_le_bytes(rest[at..at + 8].try_into().expect("8 bytes"));
            let (low, high) = if r >= 16 {
                // Bytes 16..r from the last sixteen, moved down, then padding.
                let moved = load16(r - 16).checked_shr(8 * (32 - r) as u32).unwrap_or(0);
                (load16(0), moved | PAD << (8 * (r - 16)))
            } else if r >= 8 {
                let moved = load8(r - 8).checked_shr(8 * (16 - r) as u32).unwrap_or(0);
                let second = moved | (PAD as u64) << (8 * (r - 8));
                (load8(0) as u128 | (second as u128) << 64, PAD)
            } else if armored.len() >= 8 {
                // The last eight bytes of the payload, shifted down.
                let last8 = u64::from_le_bytes(armored[armored.len() - 8..].try_into().expect("8 bytes"));
                ((last8 >> (8 * (8 - r)) | (PAD as u64) << (8 * r)) as u128 | PAD << 64, PAD)
            } else {
                let mut b = [b'0'; 16];
                b[..r].copy_from_slice(rest);
                (u128::from_le_bytes(b), PAD)
            };
            let x = [low as u64, (low >> 64) as u64, high as u64, (high >> 64) as u64];
            let (words, bad) = unarmor32(x);
            if bad {
                return Err(PayloadError::BadCharacter);
            }
            // Words past the data are zero (padding), so all three are written.
            self.words[w..w + 3].copy_from_slice(&words);
        }
        self.len = armored.len() * 6;
        Ok(())
    }

    /// Drops the trailing fill bits of the last fragment.
    pub fn truncate_fill(&mut self, fill_bits: u8) -> Result<(), PayloadError> {
        if fill_bits > 5 || fill_bits as usize > self.len {
            return Err(PayloadError::BadFillBits);
        }
        // Zero the dropped bits: bits past the end always read as zero. They
        // are already zero past `len`, so everything from the new end on is
        // cleared: the rest of its word and the next word.
        let end = self.len - fill_bits as usize;
        if fill_bits > 0 {
            let w = end / 64;
            self.words[w] &= !(u64::MAX >> (end % 64));
            if let Some(next) = self.words.get_mut(w + 1) {
                *next = 0;
            }
        }
        self.len = end;
        Ok(())
    }

    /// ORs `n` bits (n <= 64, value already masked) in at bit offset `at`.
    #[inline(always)]
    fn put(&mut self, at: usize, n: u32, value: u64) {
        if n == 0 {
            return;
        }
        let w = at / 64;
        let off = (at % 64) as u32;
        let end = off + n;
        if end <= 64 {
            self.words[w] |= value << (64 - end);
        } else {
            let spill = end - 64;
            self.words[w] |= value >> spill;
            self.words[w + 1] |= value << (64 - spill);
        }
    }

    /// Number of bits in the payload.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if the payload has no bits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reads `n` bits (1-64) at bit offset `at` as an unsigned integer; bits past
    /// the end read as zero.
    #[inline(always)]
    pub fn bits(&self, at: usize, n: u32) -> u64 {
        debug_assert!((1..=64).contains(&n));
        let w = at / 64;
        if w >= WORDS {
            return 0;
        }
        let off = (at % 64) as u32;
        // `>> 1 >> (63 - off)` is `>> (64 - off)` without the undefined shift by 64.
        let v = (self.words[w] << off) | ((self.words[w + 1] >> 1) >> (63 - off));
        v >> (64 - n)
    }

    /// A 64-bit hash of the payload's bits (not cryptographic): the same
    /// message heard by several receivers hashes the same, which is how
    /// duplicates are recognised downstream.
    #[inline]
    pub fn hash64(&self) -> u64 {
        let used = self.len.div_ceil(64).min(WORDS);
        // Independent rotations keep the words' contributions apart without a
        // chain of multiplications; one multiply mixes at the end.
        let mut h = self.len as u64;
        let mix = |i: usize, w: u64| w.rotate_left((i as u32 * 23) % 64) ^ (i as u64) << 56;
        if used == 3 {
            // The usual 168-bit position report, unrolled.
            h ^= mix(0, self.words[0]) ^ mix(1, self.words[1]) ^ mix(2, self.words[2]);
        } else {
            for (i, &w) in self.words[..used].iter().enumerate() {
                h ^= mix(i, w);
            }
        }
        let h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }

    /// A reader positioned at the first bit.
    #[inline]
    pub fn reader(&self) -> BitReader<'_> {
        BitReader { payload: self, pos: 0 }
    }

    /// The payload as a lowercase hex string, padded with zero bits to a whole byte.
    pub fn to_hex(&self) -> String {
        self.hex_from(0)
    }

    /// The bits from `start` to the end as lowercase hex, zero-padded to a whole byte.
    pub fn hex_from(&self, start: usize) -> String {
        let mut s = String::new();
        let mut at = start;
        while at < self.len {
            let n = (self.len - at).min(8) as u32;
            let byte = (self.bits(at, n) << (8 - n)) as u8;
            s.push(HEX[(byte >> 4) as usize] as char);
            s.push(HEX[(byte & 15) as usize] as char);
            at += 8;
        }
        s
    }

    /// Copies bits `start..start+len` into a new payload.
    pub fn slice(&self, start: usize, len: usize) -> Payload {
        let mut p = Payload::new();
        let len = len.min(self.len.saturating_sub(start));
        let mut at = 0;
        while at < len {
            let n = (len - at).min(64) as u32;
            p.put(at, n, self.bits(start + at, n));
            at += n as usize;
        }
        p.len = len;
        p
    }

    /// Re-armors the payload: the characters and the number of fill bits.
    pub fn to_armored(&self) -> (String, u8) {
        let chars = self.len.div_ceil(6);
        let fill = (chars * 6 - self.len) as u8;
        let mut s = String::with_capacity(chars);
        for i in 0..chars {
            let v = if i * 6 + 6 <= self.len {
                self.bits(i * 6, 6)
            } else {
                let n = (self.len - i * 6) as u32;
                self.bits(i * 6, n) << (6 - n)
            };
            s.push(ARMOR[v as usize] as char);
        }
        (s, fill)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && (0..self.len).step_by(64).all(|at| {
            let n = (self.len - at).min(64) as u32;
            self.bits(at, n) == other.bits(at, n)
        })
    }
}
impl Eq for Payload {}

/// Sequential field reader over a [`Payload`].
///
/// Reads past the end yield zeros; callers check [`BitReader::remaining`] or the
/// payload length against the message's layout before trusting the fields.
#[derive(Clone)]
pub struct BitReader<'a> {
    payload: &'a Payload,
    pos: usize,
}

impl<'a> BitReader<'a> {
    /// Current bit offset.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bits left to read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.payload.len.saturating_sub(self.pos)
    }

    /// The underlying payload.
    #[inline]
    pub fn payload(&self) -> &'a Payload {
        self.payload
    }

    /// Skips `n` bits.
    #[inline]
    pub fn skip(&mut self, n: usize) {
        self.pos += n;
    }

    /// Reads an unsigned field of `n` bits (1-64).
    #[inline(always)]
    pub fn u(&mut self, n: u32) -> u64 {
        let v = self.payload.bits(self.pos, n);
        self.pos += n as usize;
        v
    }

    /// Reads an unsigned field of up to 32 bits.
    #[inline(always)]
    pub fn u32(&mut self, n: u32) -> u32 {
        self.u(n) as u32
    }

    /// Reads an unsigned field of up to 16 bits.
    #[inline(always)]
    pub fn u16(&mut self, n: u32) -> u16 {
        self.u(n) as u16
    }

    /// Reads an unsigned field of up to 8 bits.
    #[inline(always)]
    pub fn u8(&mut self, n: u32) -> u8 {
        self.u(n) as u8
    }

    /// Reads a two's-complement signed field of `n` bits (1-64).
    #[inline(always)]
    pub fn i(&mut self, n: u32) -> i64 {
        let v = self.u(n);
        ((v << (64 - n)) as i64) >> (64 - n)
    }

    /// Reads a single-bit flag.
    #[inline(always)]
    pub fn flag(&mut self) -> bool {
        self.u(1) != 0
    }

    /// Reads `chars` 6-bit characters as AIS text: trailing `@` padding and spaces
    /// are removed; text stops at the first `@`. Characters past the end of the
    /// payload are not read.
    pub fn text<const N: usize>(&mut self, chars: usize) -> AisText<N> {
        let mut t = AisText::<N>::default();
        let avail = (self.remaining() / 6).min(chars).min(N);
        // Eight characters (48 bits) per read; text ends at the first '@'.
        let mut i = 0;
        while i < avail {
            let (ascii, at) = sixbit_ascii8(self.payload.bits(self.pos + i * 6, 48));
            let n = (avail - i).min(8);
            let take = at.min(n);
            if i + 8 <= N {
                // Room for all eight: one store, the bytes past `take` unused.
                t.buf[i..i + 8].copy_from_slice(&ascii.to_le_bytes());
            } else {
                t.buf[i..i + take].copy_from_slice(&ascii.to_le_bytes()[..take]);
            }
            i += take;
            if take < n {
                break;
            }
        }
        t.len = i as u8;
        self.pos += chars * 6;
        t.trim_end();
        t
    }

    /// The rest of the payload from the current position, as a new payload.
    pub fn rest(&mut self) -> Payload {
        let p = self.payload.slice(self.pos, self.remaining());
        self.pos = self.payload.len.max(self.pos);
        p
    }
}

/// Eight 6-bit characters (48 bits, the first highest) as ASCII, the first
/// character in the lowest byte ([`SIXBIT_ASCII`], all eight at once in a
/// register), and the position of the first `@` (8 if none).
#[inline(always)]
fn sixbit_ascii8(bits48: u64) -> (u64, usize) {
    const SIX: u64 = 0x003F_003F_003F_003F;
    const TWELVE: u64 = 0x0000_0FFF_0000_0FFF;
    // Halves, then pairs, then single characters, the earlier one low each time.
    let x = bits48 & 0xFFFF_FFFF_FFFF;
    let x = (x >> 24) | (x & 0xFF_FFFF) << 32;
    let x = (x >> 12) & TWELVE | (x & TWELVE) << 16;
    let v = (x >> 6) & SIX | (x & SIX) << 8;
    // Values 0-31 are '@'..'_' (64 added: bit 6 set), 32-63 are ' '..'?'.
    let ascii = v | (!v & 0x2020_2020_2020_2020) << 1;
    // '@' is value 0: the lowest zero byte.
    let zero = crate::bytemask::eq_high_bits(v, 0);
    (ascii, (zero.trailing_zeros() / 8) as usize)
}

/// Sequential field writer, building a [`Payload`] for encoding.
#[derive(Default)]
pub struct BitWriter {
    payload: Payload,
}

impl BitWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `value` as an `n`-bit field (wider than 64: zero-extended). Payloads longer than
    /// [`MAX_PAYLOAD_BITS`] are truncated.
    #[inline]
    pub fn u(&mut self, n: u32, value: u64) -> &mut Self {
        if n == 0 || self.payload.len + n as usize > MAX_PAYLOAD_BITS {
            return self;
        }
        if n > 64 {
            // Wider fields: zero high bits, then the value.
            self.payload.len += (n - 64) as usize;
            return self.u(64, value);
        }
        let masked = if n == 64 { value } else { value & ((1u64 << n) - 1) };
        let at = self.payload.len;
        self.payload.put(at, n, masked);
        self.payload.len += n as usize;
        self
    }

    /// Appends a signed value in `n`-bit two's complement.
    #[inline]
    pub fn i(&mut self, n: u32, value: i64) -> &mut Self {
        self.u(n, value as u64)
    }

    /// Appends a single-bit flag.
    #[inline]
    pub fn flag(&mut self, value: bool) -> &mut Self {
        self.u(1, value as u64)
    }

    /// Appends text as `chars` 6-bit characters, padded with `@`. Lowercase is
    /// upper-cased; characters outside the AIS alphabet become `?`.
    pub fn text(&mut self, chars: usize, text: &str) -> &mut Self {
        let mut bytes = text.bytes();
        for _ in 0..chars {
            let v = match bytes.next() {
                None => 0,
                Some(b) => sixbit_code(b.to_ascii_uppercase()).unwrap_or(31),
            };
            self.u(6, v as u64);
        }
        self
    }

    /// Appends all bits of another payload.
    pub fn payload(&mut self, p: &Payload) -> &mut Self {
        let mut at = 0;
        while at < p.len() {
            let n = (p.len() - at).min(64) as u32;
            self.u(n, p.bits(at, n));
            at += n as usize;
        }
        self
    }

    /// Bits written so far.
    pub fn len(&self) -> usize {
        self.payload.len
    }

    /// True if nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.payload.len == 0
    }

    /// The finished payload.
    pub fn finish(self) -> Payload {
        self.payload
    }
}

/// The 6-bit code of an ASCII character in the AIS text alphabet.
pub fn sixbit_code(c: u8) -> Option<u8> {
    match c {
        b'@'..=b'_' => Some(c - 64),
        b' '..=b'?' => Some(c),
        _ => None,
    }
}

/// Inline, allocation-free AIS text (names, call signs, destinations, messages).
///
/// `N` is the field's capacity in characters: 20 for names, 7 for call signs,
/// 161 for a five-slot text message. Stored inline so that decoding never
/// touches the heap.
#[derive(Clone, Copy)]
pub struct AisText<const N: usize = 20> {
    len: u8,
    buf: [u8; N],
}

impl<const N: usize> AisText<N> {
    /// The most characters this field can hold.
    pub const CAPACITY: usize = N;

    /// Appends one character; characters beyond capacity are dropped.
    #[inline]
    pub fn push(&mut self, c: u8) {
        if (self.len as usize) < Self::CAPACITY {
            self.buf[self.len as usize] = c;
            self.len += 1;
        }
    }

    fn trim_end(&mut self) {
        while self.len > 0 && self.buf[self.len as usize - 1] == b' ' {
            self.len -= 1;
        }
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        // Only bytes of SIXBIT_ASCII (printable ASCII) are ever pushed, or a
        // string's bytes via `From<&str>`, truncated on a char boundary.
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("")
    }

    /// The text's bytes (printable ASCII).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }

    /// True if the text is empty (not available).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `None` for empty text, which AIS uses for "not available".
    #[inline]
    pub fn non_empty(&self) -> Option<&str> {
        if self.is_empty() {
            None
        } else {
            Some(self.as_str())
        }
    }
}

impl<const N: usize> PartialEq for AisText<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> Eq for AisText<N> {}

impl<const N: usize> std::hash::Hash for AisText<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl<const N: usize> Default for AisText<N> {
    fn default() -> Self {
        AisText { len: 0, buf: [0; N] }
    }
}

impl<const N: usize> From<&str> for AisText<N> {
    fn from(s: &str) -> Self {
        let mut t = AisText::default();
        for c in s.chars() {
            if c.is_ascii() && (t.len as usize) < Self::CAPACITY {
                t.push(c as u8);
            }
        }
        t
    }
}

impl<const N: usize> std::fmt::Debug for AisText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> std::fmt::Display for AisText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> std::ops::Deref for AisText<N> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swar_unarmor_matches_table() {
        for c in 0u8..=255 {
            let bytes = [b'0', c, b'w', b'W', b'`', b'1', c, c];
            let (v, bad) = unarmor8(u64::from_le_bytes(bytes));
            let ok = bad == 0;
            let want_ok = bytes.iter().all(|&b| UNARMOR[b as usize] != 0xFF);
            assert_eq!(ok, want_ok, "char {c}");
            if ok {
                let want = bytes.iter().fold(0u64, |a, &b| a << 6 | UNARMOR[b as usize] as u64);
                assert_eq!(v, want, "char {c}");
            }
        }
    }

    #[test]
    fn unarmor16_matches_unarmor8_for_every_byte_at_every_position() {
        let base = *b"0w9W`a:v1Pp<>?@h";
        for c in 0u8..=255 {
            for at in 0..16 {
                let mut bytes = base;
                bytes[at] = c;
                let lo = u64::from_le_bytes(bytes[..8].try_into().unwrap());
                let hi = u64::from_le_bytes(bytes[8..].try_into().unwrap());
                let ([g0, g1], bad) = unarmor16(lo, hi);
                let ((v0, b0), (v1, b1)) = (unarmor8(lo), unarmor8(hi));
                assert_eq!(bad, b0 | b1 != 0, "char {c} at {at}");
                if !bad {
                    assert_eq!((g0, g1), (v0, v1), "char {c} at {at}");
                }
            }
        }
    }

    #[test]
    fn unarmor_table_matches_spec() {
        for (v, &c) in ARMOR.iter().enumerate() {
            assert_eq!(UNARMOR[c as usize] as usize, v);
        }
        assert_eq!(UNARMOR[b'X' as usize], 0xFF);
        assert_eq!(UNARMOR[b'x' as usize], 0xFF);
        assert_eq!(UNARMOR[b',' as usize], 0xFF);
    }

    /// Text read eight characters at a time equals text read one at a time,
    /// at every offset and length, with and without '@' and spaces.
    #[test]
    fn text_matches_one_character_at_a_time() {
        fn one_at_a_time<const N: usize>(r: &mut BitReader<'_>, chars: usize) -> AisText<N> {
            let mut t = AisText::<N>::default();
            let avail = (r.remaining() / 6).min(chars).min(N);
            for k in 0..avail {
                let c = SIXBIT_ASCII[r.payload.bits(r.pos + 6 * k, 6) as usize];
                if c == b'@' {
                    break;
                }
                t.push(c);
            }
            r.pos += chars * 6;
            t.trim_end();
            t
        }
        let payloads: [&[u8]; 4] = [
            b"58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T",
            b"H3mOT>A8TL618uA@E8@4n0L@4q<0wwwwww0000000hhhhhhhh",
            b"0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw",
            b"P000000000000000000000000000000000",
        ];
        for armored in payloads {
            let p = Payload::from_armored(armored, 0).unwrap();
            for start in 0..p.len() {
                for chars in [0, 1, 3, 7, 8, 9, 15, 20, 21, 40] {
                    let (mut a, mut b) = (p.reader(), p.reader());
                    a.skip(start);
                    b.skip(start);
                    assert_eq!(a.text::<20>(chars), one_at_a_time::<20>(&mut b, chars), "{start} {chars}");
                    assert_eq!(a.pos, b.pos);
                    let (mut a, mut b) = (p.reader(), p.reader());
                    a.skip(start);
                    b.skip(start);
                    assert_eq!(a.text::<7>(chars), one_at_a_time::<7>(&mut b, chars));
                    let (mut a, mut b) = (p.reader(), p.reader());
                    a.skip(start);
                    b.skip(start);
                    assert_eq!(a.text::<161>(chars * 4), one_at_a_time::<161>(&mut b, chars * 4));
                }
            }
        }
    }

    #[test]
    fn unarmors_every_length_whole_or_in_two_parts() {
        // A character at a time, as the specification reads them.
        let naive = |armored: &[u8]| -> Option<Vec<u64>> { armored.iter().map(|&c| (UNARMOR[c as usize] < 64).then_some(UNARMOR[c as usize] as u64)).collect() };
        let chars: Vec<u8> = (0..170u32).map(|i| ARMOR[(i * 29 + i / 7) as usize % 64]).collect();
        for n in 0..chars.len() {
            let armored = &chars[..n];
            let want = naive(armored).unwrap();
            let check = |p: &Payload, how: &str| {
                assert_eq!(p.len(), 6 * n, "{how}");
                for (k, &v) in want.iter().enumerate() {
                    assert_eq!(p.bits(6 * k, 6), v, "{how}: character {k} of {n}");
                }
                assert_eq!(p.bits(6 * n, 64.min(MAX_PAYLOAD_BITS - 6 * n) as u32), 0, "{how}: bits past the end");
            };
            check(&Payload::from_armored(armored, 0).unwrap(), "whole");
            for split in [1, n / 3, n / 2, n.saturating_sub(5)] {
                if split == 0 || split >= n {
                    continue;
                }
                let mut p = Payload::new();
                p.push_armored(&armored[..split]).unwrap();
                p.push_armored(&armored[split..]).unwrap();
                check(&p, &format!("split at {split}"));
            }
            // One bad character anywhere is found (a comma, as in a line
            // whose payload field ran into the next).
            for bad in 0..n {
                let mut with = armored.to_vec();
                with[bad] = if bad % 2 == 0 { b',' } else { b'x' };
                assert_eq!(Payload::from_armored(&with, 0).unwrap_err(), PayloadError::BadCharacter, "{n} chars, bad at {bad}");
            }
        }
    }

    #[test]
    fn reads_fields_across_word_boundaries() {
        let p = Payload::from_armored(b"15N1u<PP1FJuvSRHOE6QIwwh0HQ6", 0).unwrap();
        assert_eq!(p.len(), 168);
        let mut r = p.reader();
        assert_eq!(r.u(6), 1);
        assert_eq!(r.u(2), 0);
        assert_eq!(r.u(30), 367033650);
        let (s, fill) = p.to_armored();
        assert_eq!((s.as_str(), fill), ("15N1u<PP1FJuvSRHOE6QIwwh0HQ6", 0));
    }

    #[test]
    fn rejects_bad_characters_and_fill() {
        assert_eq!(Payload::from_armored(b"15N1x", 0).unwrap_err(), PayloadError::BadCharacter);
        assert_eq!(Payload::from_armored(b"15N1u<PP1FJuvSRHOE6QIwwX", 0).unwrap_err(), PayloadError::BadCharacter);
        assert_eq!(Payload::from_armored(b"1", 6).unwrap_err(), PayloadError::BadFillBits);
        assert_eq!(Payload::from_armored(&[b'0'; 200], 0).unwrap_err(), PayloadError::TooLong);
    }

    #[test]
    fn hash_is_the_rotation_sum_for_every_length() {
        // The hash travels in the bus wire format: it must not change.
        let reference = |p: &Payload| {
            let mut h = p.len() as u64;
            for i in 0..p.len().div_ceil(64) {
                let n = (p.len() - i * 64).min(64) as u32;
                let w = p.bits(i * 64, n) << (64 - n);
                h ^= w.rotate_left((i as u32 * 23) % 64) ^ (i as u64) << 56;
            }
            let h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^ (h >> 29)
        };
        let chars = b"15N1u<PP1FJuvSRHOE6QIwwh0HQ6w`W0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvw";
        for n in 0..chars.len() {
            for fill in 0..6u8 {
                if let Ok(p) = Payload::from_armored(&chars[..n], fill) {
                    assert_eq!(p.hash64(), reference(&p), "{n} chars, {fill} fill bits");
                }
            }
        }
        assert_eq!(Payload::from_armored(b"15N1u<PP1FJuvSRHOE6QIwwh0HQ6", 0).unwrap().hash64(), 0x51e0_acfd_cb93_bc40);
    }

    #[test]
    fn signed_and_text_round_trip() {
        let mut w = BitWriter::new();
        w.i(28, -70_000_000).text(7, "9HMQ9").u(3, 5);
        let p = w.finish();
        let mut r = p.reader();
        assert_eq!(r.i(28), -70_000_000);
        assert_eq!(r.text::<7>(7).as_str(), "9HMQ9");
        assert_eq!(r.u(3), 5);
    }
}
