//! Splitting a buffer into lines, sixty-four bytes at a time.
//!
//! AIS lines are short (40 to 90 bytes), where a general byte search pays
//! its set-up on every line. Here the newlines of each 64-byte block are
//! found at once as a bit mask, and each line end is then one bit scan.

/// Calls `f` with every line of `buf`, without its `\n` (a `\r` before it is
/// kept). A last line without a `\n` is passed too; an empty `buf` has no
/// lines.
///
/// ```
/// let mut lines = Vec::new();
/// seawarden_ais::lines::for_each_line(b"a\r\n\nbc\nd", |l| lines.push(l.to_vec()));
/// assert_eq!(lines, [&b"a\r"[..], b"", b"bc", b"d"]);
/// ```
#[inline]
pub fn for_each_line(buf: &[u8], mut f: impl FnMut(&[u8])) {
    let mut start = 0;
    let mut blocks = buf.chunks_exact(64);
    let mut base = 0;
    for block in &mut blocks {
        let mut ends = newline_mask(block.try_into().expect("64 bytes"));
        while ends != 0 {
            let nl = base + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            f(&buf[start..nl]);
            start = nl + 1;
        }
        base += 64;
    }
    for nl in memchr::memchr_iter(b'\n', blocks.remainder()) {
        f(&buf[start..base + nl]);
        start = base + nl + 1;
    }
    if start < buf.len() {
        f(&buf[start..]);
    }
}

/// Bit i set for every `\n` at byte i of 64.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn newline_mask(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    let word = |i: usize| i64::from_le_bytes(block[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: these intrinsics need SSE2 only, which every x86-64 CPU has
    // (it is in the target's baseline); none touches memory.
    unsafe {
        let nl = _mm_set1_epi8(b'\n' as i8);
        let m = |i: usize| _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_set_epi64x(word(i + 8), word(i)), nl)) as u16 as u64;
        m(0) | m(16) << 16 | m(32) << 32 | m(48) << 48
    }
}

/// [`newline_mask`] eight bytes at a time, where SSE2 is not available.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn newline_mask(block: &[u8; 64]) -> u64 {
    newline_mask_swar(block)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // the tests check `newline_mask` against it
#[inline(always)]
fn newline_mask_swar(block: &[u8; 64]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut mask = 0;
    for i in 0..8 {
        let x = u64::from_le_bytes(block[8 * i..8 * i + 8].try_into().expect("8 bytes")) ^ (ONES * b'\n' as u64);
        // An exact zero-byte test, its high bits gathered into one byte.
        let found = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        mask |= ((found >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of every prefix of a text with lines of every length
    /// around the block size, as a plain split gives them.
    #[test]
    fn lines_match_a_plain_split() {
        let mut text = Vec::new();
        for len in 0..140 {
            text.extend((0..len).map(|i| if i % 7 == 3 { b'\r' } else { 0x8A ^ (i as u8) }));
            text.push(b'\n');
        }
        for end in (0..text.len()).step_by(7).chain([text.len()]) {
            let buf = &text[..end];
            let mut got: Vec<Vec<u8>> = Vec::new();
            for_each_line(buf, |l| got.push(l.to_vec()));
            let mut want: Vec<Vec<u8>> = buf.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
            if buf.is_empty() || buf.ends_with(b"\n") {
                want.pop();
            }
            assert_eq!(got, want, "first {end} bytes");
        }
    }

    #[test]
    fn masks_match_naive() {
        let block: [u8; 64] = std::array::from_fn(|i| [b'\n', b'a', 0x8A, b'\n' ^ 0x80, 0, b'\r'][(i * 7 + i / 5) % 6]);
        let naive = block.iter().enumerate().filter(|(_, &b)| b == b'\n').fold(0u64, |m, (i, _)| m | 1 << i);
        assert_eq!(newline_mask(&block), naive);
        assert_eq!(newline_mask_swar(&block), naive);
    }
}
