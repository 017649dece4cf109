//! Where a byte occurs among sixteen, as a bit mask: the primitive behind
//! the codec's line and comma searches. One SSE2 compare on x86-64; eight bytes at a time in a register
//! elsewhere.

/// Bit i set for every byte i of `chunk` equal to `c`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn byte_mask16(chunk: &[u8; 16], c: u8) -> u32 {
    use std::arch::x86_64::*;
    let word = |i: usize| i64::from_le_bytes(chunk[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: these intrinsics need SSE2 only, which every x86-64 CPU has
    // (it is in the target's baseline); none touches memory.
    unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_set_epi64x(word(8), word(0)), _mm_set1_epi8(c as i8))) as u32 }
}

/// [`byte_mask16`] where SSE2 is not available.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn byte_mask16(chunk: &[u8; 16], c: u8) -> u32 {
    byte_mask16_swar(chunk, c)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // the tests check `byte_mask16` against it
#[inline(always)]
fn byte_mask16_swar(chunk: &[u8; 16], c: u8) -> u32 {
    let word = |i: usize| u64::from_le_bytes(chunk[i..i + 8].try_into().expect("8 bytes"));
    (byte_mask8(word(0), c) | byte_mask8(word(8), c) << 8) as u32
}

/// Bit 7 of byte i set iff byte i of `x` equals `c` (an exact test: no
/// false positives, unlike the usual carry trick); the lowest such byte
/// gives the lowest bit. Eight bytes at a time in a register.
#[inline(always)]
pub(crate) fn eq_high_bits(x: u64, c: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = x ^ (ONES * c as u64);
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Bit i set for every byte i of `x` (little-endian) equal to `c`: the high
/// bits of [`eq_high_bits`] gathered into one byte by a multiply.
#[inline(always)]
pub(crate) fn byte_mask8(x: u64, c: u8) -> u64 {
    (eq_high_bits(x, c) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// [`byte_mask16`] over 64 bytes, bit i for byte i.
#[inline(always)]
pub(crate) fn byte_mask64(block: &[u8; 64], c: u8) -> u64 {
    let m = |i: usize| byte_mask16(block[i..i + 16].try_into().expect("16 bytes"), c) as u64;
    m(0) | m(16) << 16 | m(32) << 32 | m(48) << 48
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_match_naive() {
        let hay: Vec<u8> = (0..200u32).map(|i| [b'\n', b',', b'\\', 0x8A, b',' ^ 0x80, 0, 0xFF, 0x7F, b'a'][((i * 7 + i / 5) % 9) as usize]).collect();
        for start in 0..hay.len() - 64 {
            let chunk: &[u8; 16] = hay[start..start + 16].try_into().unwrap();
            let block: &[u8; 64] = hay[start..start + 64].try_into().unwrap();
            for c in [b'\n', b',', b'\\', 0x8A, 0, 0xFF] {
                let naive = |b: &[u8]| b.iter().enumerate().filter(|(_, &x)| x == c).fold(0u64, |m, (i, _)| m | 1 << i);
                assert_eq!(byte_mask16(chunk, c) as u64, naive(chunk), "{start} {c}");
                assert_eq!(byte_mask16_swar(chunk, c) as u64, naive(chunk), "{start} {c}");
                assert_eq!(byte_mask64(block, c), naive(block), "{start} {c}");
                let word = u64::from_le_bytes(chunk[..8].try_into().unwrap());
                assert_eq!(byte_mask8(word, c), naive(&chunk[..8]), "{start} {c}");
                let high = (0..8).filter(|&i| chunk[i] == c).fold(0u64, |m, i| m | 0x80 << (8 * i));
                assert_eq!(eq_high_bits(word, c), high, "{start} {c}");
            }
        }
    }
}
