//! NMEA 4.0 / IEC 61162-450 tag blocks: `\s:station,c:unixtime,g:1-2-id*hh\`.

use crate::bytemask::{byte_mask8, eq_high_bits};
use crate::meta::Source;
use crate::nmea::{checksum, hex2};

/// The fields of one tag block that matter for AIS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TagBlock<'a> {
    /// `c:` receive time in milliseconds since the Unix epoch (the field may
    /// be in seconds or milliseconds; both are accepted).
    pub time_ms: Option<i64>,
    /// `s:` source (station) identifier.
    pub source: Option<&'a [u8]>,
    /// `g:` sentence grouping: (number, total, group id).
    pub group: Option<(u8, u8, u32)>,
    /// `n:` line count.
    pub line_count: Option<u32>,
    /// `r:` relative time.
    pub relative_time: Option<u32>,
    /// `t:` free text.
    pub text: Option<&'a [u8]>,
    /// `d:` destination identifier.
    pub destination: Option<&'a [u8]>,
    /// True when the block's checksum was `*00` and did not match: some
    /// providers (AMSA, Spire) write `00` for "no checksum".
    pub unchecked: bool,
}

/// Why a tag block was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagBlockError {
    /// No closing backslash, or no `*hh` checksum.
    Malformed,
    /// The checksum does not match.
    BadChecksum,
}

/// Converts a `c:` value in seconds or milliseconds to milliseconds.
///
/// Values above 10^11 are milliseconds (10^11 s is the year 5138).
#[inline]
pub fn unix_to_ms(v: i64) -> i64 {
    if v.abs() >= 100_000_000_000 {
        v
    } else {
        v * 1000
    }
}

/// Parses a tag block starting at `line[0] == b'\\'`; returns it and the bytes
/// consumed (through the closing backslash).
#[inline(always)]
pub fn parse_tag_block(line: &[u8]) -> Result<(TagBlock<'_>, usize), TagBlockError> {
    match parse_usual(line) {
        Some(parsed) => Ok(parsed),
        None => parse_any(line),
    }
}

/// The usual tag block, in one pass over 48 bytes: `s:`, `c:` (plain
/// digits) and `g:` fields, and longer keys `parse_any` ignores (`si:`),
/// at most 47 bytes inside the backslashes,
/// and a checksum that matches or is `*00`. `None` for anything else, which
/// [`parse_any`] then reads; where this returns a block, `parse_any` returns
/// the same.
#[inline(always)]
fn parse_usual(line: &[u8]) -> Option<(TagBlock<'_>, usize)> {
    // The bytes after the first backslash; on a short line, zero-padded.
    let mut padded = [0u8; WINDOW];
    let window: &[u8; WINDOW] = match line.get(1..WINDOW + 1) {
        Some(w) => w.try_into().ok()?,
        None => {
            let rest = line.get(1..)?;
            padded[..rest.len()].copy_from_slice(rest);
            &padded
        }
    };
    let (ends, commas, xor_before) = scan(window);
    // The block's length inside its backslashes; `*hh` ends it.
    let n = ends.trailing_zeros() as usize;
    if !(3..WINDOW).contains(&n) || window[n - 3] != b'*' {
        return None;
    }
    let star = n - 3;
    let expected = hex2(&window[n - 2..n])?;
    let unchecked = xor_before.before(star) != expected;
    if unchecked && expected != 0 {
        return None;
    }
    let inner = &line[1..1 + star];
    let mut tb = TagBlock { unchecked, ..TagBlock::default() };
    // Field ends: every comma before the star, and the star itself.
    let mut bounds = (commas & ((1u64 << star) - 1)) | 1 << star;
    let mut start = 0;
    while bounds != 0 {
        let end = bounds.trailing_zeros() as usize;
        bounds &= bounds - 1;
        let field = &inner[start..end];
        start = end + 1;
        if field.len() < 2 {
            return None;
        }
        if field[1] != b':' {
            // A longer key (the Danish Maritime Authority's `si:`) is
            // ignored, as `parse_any` ignores it; the old group form
            // (`1G2:0125`) and a field with no key are left to it.
            if !ignored_long_key(field) {
                return None;
            }
            continue;
        }
        let value = &field[2..];
        match field[0] {
            b'c' => tb.time_ms = Some(unix_to_ms(parse_digits(value)?)),
            b's' => tb.source = Some(value),
            b'g' => tb.group = Some(parse_group(value)?),
            _ => return None,
        }
    }
    Some((tb, n + 2))
}

/// A field with a key longer than one letter that [`parse_any`] ignores
/// (not the old group form, which starts with a digit).
#[inline(never)]
fn ignored_long_key(field: &[u8]) -> bool {
    !field[0].is_ascii_digit() && field.contains(&b':')
}

/// Bytes read at once by [`parse_usual`].
const WINDOW: usize = 48;

/// Bit masks of the backslashes and the commas in the window (bit i for
/// byte i), and the window, for the XOR of its first k bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn scan(w: &[u8; WINDOW]) -> (u64, u64, XorSse) {
    use std::arch::x86_64::*;
    let word = |i: usize| i64::from_le_bytes(w[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: these intrinsics need SSE2 only, which every x86-64 CPU has
    // (it is in the target's baseline); none touches memory.
    unsafe {
        let v = [_mm_set_epi64x(word(8), word(0)), _mm_set_epi64x(word(24), word(16)), _mm_set_epi64x(word(40), word(32))];
        let mask = |c: u8| {
            let c = _mm_set1_epi8(c as i8);
            let m = |v: __m128i| _mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) as u32 as u64;
            m(v[0]) | m(v[1]) << 16 | m(v[2]) << 32
        };
        (mask(b'\\'), mask(b','), XorSse(v))
    }
}

/// The window in three SSE2 registers, for the XOR of its first bytes (a
/// type with an always-inlined method rather than a closure, which LLVM
/// may call out of line).
#[cfg(target_arch = "x86_64")]
struct XorSse([std::arch::x86_64::__m128i; 3]);

#[cfg(target_arch = "x86_64")]
impl XorSse {
    /// The XOR of the window's first `k` bytes.
    #[inline(always)]
    fn before(&self, k: usize) -> u8 {
        use std::arch::x86_64::*;
        let v = &self.0;
        // SAFETY: SSE2 only (see `scan`); no memory is touched.
        unsafe {
            // Keep the bytes before k (signed byte compares of 0..47 with k).
            let lim = _mm_set1_epi8(k as i8);
            let iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            let keep = |v: __m128i, from: i8| _mm_and_si128(v, _mm_cmpgt_epi8(lim, _mm_add_epi8(iota, _mm_set1_epi8(from))));
            let x = _mm_xor_si128(_mm_xor_si128(keep(v[0], 0), keep(v[1], 16)), keep(v[2], 32));
            let x = _mm_xor_si128(x, _mm_unpackhi_epi64(x, x));
            fold_xor(_mm_cvtsi128_si64(x) as u64)
        }
    }
}

/// [`scan`] with eight bytes at a time in a register, where SSE2 is not
/// available.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn scan(w: &[u8; WINDOW]) -> (u64, u64, XorSwar) {
    scan_swar(w)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // the tests check `scan` against it
#[inline(always)]
fn scan_swar(w: &[u8; WINDOW]) -> (u64, u64, XorSwar) {
    let words: [u64; WINDOW / 8] = std::array::from_fn(|i| u64::from_le_bytes(w[8 * i..8 * i + 8].try_into().expect("8 bytes")));
    let (mut ends, mut commas) = (0, 0);
    for (i, &x) in words.iter().enumerate() {
        ends |= byte_mask8(x, b'\\') << (8 * i);
        commas |= byte_mask8(x, b',') << (8 * i);
    }
    (ends, commas, XorSwar(words))
}

/// The window in six words, for the XOR of its first bytes.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
struct XorSwar([u64; WINDOW / 8]);

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
impl XorSwar {
    /// The XOR of the window's first `k` bytes.
    #[inline(always)]
    fn before(&self, k: usize) -> u8 {
        let mut acc = 0;
        for (i, &x) in self.0.iter().enumerate() {
            let keep = k.saturating_sub(8 * i).min(8);
            acc ^= if keep == 8 { x } else { x & ((1u64 << (8 * keep)) - 1) };
        }
        fold_xor(acc)
    }
}

/// The XOR of a word's eight bytes.
#[inline(always)]
fn fold_xor(x: u64) -> u8 {
    let x = x ^ (x >> 32);
    let x = x ^ (x >> 16);
    (x ^ (x >> 8)) as u8
}

/// Any tag block: every field kind, longer blocks, the Kystverket checksum
/// rule, and the errors.
#[inline(never)]
fn parse_any(line: &[u8]) -> Result<(TagBlock<'_>, usize), TagBlockError> {
    debug_assert_eq!(line.first(), Some(&b'\\'));
    let rest = line.get(1..).unwrap_or_default();
    let (len, xor) = find_end_xor(rest).ok_or(TagBlockError::Malformed)?;
    let end = len + 1;
    let inner = &line[1..end];
    // The block ends with `*hh`: the checksum's star is the third byte from the
    // end (hex digits are never `*`, so it is also the last star).
    let n = inner.len();
    if n < 3 || inner[n - 3] != b'*' {
        return Err(TagBlockError::Malformed);
    }
    let star = n - 3;
    let body = &inner[..star];
    let expected = hex2(&inner[star + 1..]).ok_or(TagBlockError::Malformed)?;
    // The scan's XOR covers the whole block: take the `*hh` back out.
    let unchecked = xor ^ b'*' ^ inner[star + 1] ^ inner[star + 2] != expected;
    if unchecked && expected != 0 && checksum_without_group(body) != Some(expected) {
        return Err(TagBlockError::BadChecksum);
    }
    let mut tb = TagBlock { unchecked, ..TagBlock::default() };
    let mut rest = body;
    while !rest.is_empty() {
        let i = find_byte::<b','>(rest).unwrap_or(rest.len());
        let field = &rest[..i];
        rest = rest.get(i + 1..).unwrap_or_default();
        if field.len() < 2 {
            if field.is_empty() {
                continue;
            }
            return Err(TagBlockError::Malformed);
        }
        // Keys are one letter in practice ("c:", "s:"), but longer ones exist.
        if field[1] == b':' {
            let value = &field[2..];
            match field[0] {
                b'c' => tb.time_ms = Some(parse_time(value)?),
                b's' => tb.source = Some(value),
                b'g' => tb.group = Some(parse_group(value).ok_or(TagBlockError::Malformed)?),
                b'n' => tb.line_count = parse_int(value).and_then(|v| u32::try_from(v).ok()),
                b'r' => tb.relative_time = parse_int(value).and_then(|v| u32::try_from(v).ok()),
                b't' => tb.text = Some(value),
                b'd' => tb.destination = Some(value),
                _ => {} // other parameter codes (e.g. "i") are ignored
            }
            continue;
        }
        // The NMEA 4.0 grouping also exists in the older form "1G2:0125".
        if field.len() > 3 && field[1] == b'G' && field[0].is_ascii_digit() {
            tb.group = parse_old_group(field);
            continue;
        }
        // A longer key (vendor "si:"): checked for its colon, then ignored.
        if !field.contains(&b':') {
            return Err(TagBlockError::Malformed);
        }
    }
    Ok((tb, end + 1))
}

/// A `c:` value (seconds or milliseconds) as milliseconds.
#[inline]
fn parse_time(value: &[u8]) -> Result<i64, TagBlockError> {
    Ok(unix_to_ms(parse_digits(value).or_else(|| parse_int(value)).ok_or(TagBlockError::Malformed)?))
}

/// Position of the first `B` in `hay`. Tag-block fields are a few bytes long,
/// where eight bytes at a time in a register beat a vectorised search's set-up.
#[inline(always)]
pub(crate) fn find_byte<const B: u8>(hay: &[u8]) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let found = eq_high_bits(u64::from_le_bytes(c.try_into().expect("8 bytes")), B);
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&c| c == B).map(|i| base + i)
}

/// The position of the first `\\` in `hay` and the XOR of the bytes before
/// it, in one pass of eight bytes at a time: the block's end and its
/// checksum (with the `*hh` still in) without reading it twice.
#[inline(always)]
fn find_end_xor(hay: &[u8]) -> Option<(usize, u8)> {
    let mut chunks = hay.chunks_exact(8);
    let mut acc = 0u64;
    let mut base = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let found = eq_high_bits(w, b'\\');
        if found != 0 {
            let k = found.trailing_zeros() / 8;
            let before = if k == 0 { 0 } else { w & (u64::MAX >> (64 - 8 * k)) };
            return Some((base + k as usize, fold_xor(acc ^ before)));
        }
        acc ^= w;
        base += 8;
    }
    let mut sum = fold_xor(acc);
    for (i, &c) in chunks.remainder().iter().enumerate() {
        if c == b'\\' {
            return Some((base + i, sum));
        }
        sum ^= c;
    }
    None
}

/// The checksum of the block without its `g:` field. Norway's Kystverket
/// feed sends group tag blocks whose checksum covers only the other fields
/// (`\g:2-2-9999,c:1565218821*5E\`, where 5E is the checksum of
/// `c:1565218821`); such blocks are accepted as unchecked.
fn checksum_without_group(body: &[u8]) -> Option<u8> {
    let mut found = false;
    let mut sum = 0u8;
    let mut first = true;
    for field in body.split(|&c| c == b',') {
        if field.starts_with(b"g:") {
            found = true;
            continue;
        }
        if !first {
            sum ^= b',';
        }
        first = false;
        sum ^= checksum(field);
    }
    found.then_some(sum)
}

/// Fast path for plain digits (the usual `c:` value); `None` for anything else.
#[inline(always)]
fn parse_digits(v: &[u8]) -> Option<i64> {
    if v.is_empty() || v.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    let mut rest = v;
    // Eight digits at a time (Unix times have 10 or 13), with SWAR arithmetic.
    while rest.len() >= 8 {
        let x = u64::from_le_bytes(rest[..8].try_into().expect("8 bytes"));
        let d = x.wrapping_sub(0x3030_3030_3030_3030);
        // Every byte a digit: no byte below '0' (no borrow into bit 7 of
        // `d`) and none above '9' (adding 6 would carry past 15).
        if (x & 0x8080_8080_8080_8080) != 0 || (d | d.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 != 0 {
            return None;
        }
        // The first digit is the low byte: pairs, then quads, then all eight.
        let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
        let d = (d.wrapping_mul(100) + (d >> 16)) & 0x0000_FFFF_0000_FFFF;
        let d = (d.wrapping_mul(10_000) + (d >> 32)) & 0xFFFF_FFFF;
        n = n * 100_000_000 + d as i64;
        rest = &rest[8..];
    }
    for &c in rest {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as i64;
    }
    Some(n)
}

/// Parses an unsigned or signed decimal integer; a fractional part is dropped.
pub(crate) fn parse_int(v: &[u8]) -> Option<i64> {
    let (neg, digits) = match v.first() {
        Some(b'-') => (true, &v[1..]),
        _ => (false, v),
    };
    let int_part = match digits.iter().position(|&c| c == b'.') {
        Some(dot) => &digits[..dot],
        None => digits,
    };
    if int_part.is_empty() || int_part.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &c in int_part {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as i64;
    }
    Some(if neg { -n } else { n })
}

/// `g:1-2-3985` → (1, 2, 3985).
#[inline]
fn parse_group(v: &[u8]) -> Option<(u8, u8, u32)> {
    // The usual form, one-digit counts and a plain id, read directly.
    if let [n @ b'1'..=b'9', b'-', t @ b'1'..=b'9', b'-', id @ ..] = v {
        if n <= t {
            if let Some(id) = parse_digits(id).and_then(|id| u32::try_from(id).ok()) {
                return Some((n - b'0', t - b'0', id));
            }
        }
    }
    let mut it = v.splitn(3, |&c| c == b'-');
    let num = parse_int(it.next()?)?;
    let total = parse_int(it.next()?)?;
    let id = parse_int(it.next()?)?;
    if !(1..=99).contains(&num) || !(1..=99).contains(&total) || num > total || !(0..=u32::MAX as i64).contains(&id) {
        return None;
    }
    Some((num as u8, total as u8, id as u32))
}

/// `1G2:0125` → (1, 2, 125).
fn parse_old_group(field: &[u8]) -> Option<(u8, u8, u32)> {
    let colon = field.iter().position(|&c| c == b':')?;
    let num = parse_int(&field[..1])?;
    let total = parse_int(&field[2..colon])?;
    let id = parse_int(&field[colon + 1..])?;
    (num >= 1 && num <= total && id >= 0).then_some((num as u8, total as u8, id as u32))
}

impl TagBlock<'_> {
    /// The source as an owned, inline [`Source`].
    pub fn source_id(&self) -> Option<Source> {
        self.source.map(Source::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kystverket_and_aisdb_blocks() {
        let (tb, n) = parse_tag_block(b"\\s:42809,c:1635731889,t:1635731965*6A\\!AIVDM").unwrap();
        assert_eq!(n, 38);
        assert_eq!(tb.source, Some(&b"42809"[..]));
        assert_eq!(tb.time_ms, Some(1_635_731_889_000));
        assert_eq!(tb.text, Some(&b"1635731965"[..]));
        let (tb, _) = parse_tag_block(b"\\g:1-2-3985,s:rEV02,c:1334337317*2D\\").unwrap();
        assert_eq!(tb.group, Some((1, 2, 3985)));
        let (tb, _) = parse_tag_block(b"\\1G2:0125,c:1354719387*0D\\").unwrap();
        assert_eq!(tb.group, Some((1, 2, 125)));
    }

    #[test]
    fn digit_parsing_matches_naive() {
        let naive = |v: &[u8]| -> Option<i64> {
            if v.is_empty() || v.len() > 18 || !v.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(v).ok()?.parse().ok()
        };
        let mut cases: Vec<Vec<u8>> = vec![b"1700000000".to_vec(), b"1541030400123".to_vec(), b"999999999999999999".to_vec(), b"0".to_vec(), b"".to_vec()];
        for len in 1..=19 {
            for bad in 0..len {
                for c in [b'/', b':', b'.', b'-', b'a', 0x80, 0xB0, 0] {
                    let mut v = b"1234567890123456789"[..len].to_vec();
                    v[bad] = c;
                    cases.push(v);
                }
            }
        }
        for v in &cases {
            assert_eq!(parse_digits(v), naive(v), "{v:?}");
        }
    }

    #[test]
    fn byte_search_matches_naive() {
        let hay = b"s:2573485,c:1700000000*00\\!AIVDM,1,1,,B";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let h = &hay[start..end];
                assert_eq!(find_byte::<b'\\'>(h), h.iter().position(|&c| c == b'\\'), "{start}..{end}");
                assert_eq!(find_byte::<b','>(h), h.iter().position(|&c| c == b','), "{start}..{end}");
                let naive = h.iter().position(|&c| c == b'\\').map(|i| (i, checksum(&h[..i])));
                assert_eq!(find_end_xor(h), naive, "{start}..{end}");
            }
        }
    }

    /// The one-pass reading of the usual blocks gives what the general one
    /// does, or leaves the block to it.
    #[test]
    fn usual_blocks_read_as_any_block() {
        use proptest::prelude::*;
        let field = prop_oneof![
            "[0-9]{1,13}".prop_map(|v| format!("c:{v}")),
            "[0-9]{1,4}\\.[0-9]".prop_map(|v| format!("c:{v}")),
            "[A-Za-z0-9 ]{0,12}".prop_map(|v| format!("s:{v}")),
            (1u8..4, 1u8..4, 0u32..100_000).prop_map(|(a, b, c)| format!("g:{a}-{b}-{c}")),
            "[a-z]{1,2}:[0-9a-z]{0,6}",
            "[0-9]G[0-9]:[0-9]{1,4}",
            "[a-zA-Z0-9]{1,5}",
            Just("si:AISD".to_string()),
            Just(String::new()),
        ];
        // The Danish Maritime Authority's block, alone on its line, is usual.
        assert_eq!(parse_usual(b"\\si:AISD*3F\\"), Some((TagBlock::default(), 12)));
        let checksum_kind = prop_oneof![Just(0u8), Just(1), Just(2)];
        let block = (proptest::collection::vec(field, 1..5), checksum_kind);
        proptest!(ProptestConfig::with_cases(4000), |((fields, kind) in block)| {
            let body = fields.join(",");
            let sum = match kind { 0 => checksum(body.as_bytes()), 1 => 0, _ => checksum(body.as_bytes()) ^ 0x11 };
            // With a sentence after the block, and alone (a short line).
            for after in ["!AIVDM,1,1,,B,13M2>0Pv0d0phTbQ`pjJVHNP0t8V,0*71", ""] {
                let line = format!("\\{body}*{sum:02X}\\{after}");
                let line = line.as_bytes();
                if fields.iter().all(|f| f.starts_with("s:") && f.len() < 8) && kind == 0 {
                    prop_assert!(parse_usual(line).is_some(), "the usual reading declined {}", body);
                }
                if let Some(usual) = parse_usual(line) {
                    prop_assert_eq!(Ok(usual), parse_any(line));
                }
                prop_assert_eq!(parse_tag_block(line), parse_any(line));
                // Cut anywhere.
                for cut in [1, 2, 3, 5, line.len() / 2] {
                    let l = &line[..line.len().saturating_sub(cut).max(1)];
                    prop_assert_eq!(parse_tag_block(l), parse_any(l));
                }
            }
        });
    }

    #[test]
    fn one_pass_scan_matches_naive() {
        let hay = b"\\g:1-2-1001,s:2470110,c:1700000002*7B\\!AIVDM,2,1,0,A,53k>`Kp2Em8D=1@TiLL4l8E:18TL40000000001698C??5bCd@A1H20C@000,0*7C\\s:2573485,c:1700000000*00\\!AIVDM,1,1,,B,13M2>0Pv0d0phTbQ`pjJVHNP0t8V,0*71";
        for start in 0..hay.len() - WINDOW {
            let w: &[u8; WINDOW] = hay[start..start + WINDOW].try_into().unwrap();
            let naive = |c: u8| w.iter().enumerate().filter(|(_, &b)| b == c).fold(0u64, |m, (i, _)| m | 1 << i);
            let check = |(ends, commas, xor_before): (u64, u64, Vec<u8>)| {
                assert_eq!(ends, naive(b'\\'));
                assert_eq!(commas, naive(b','));
                for (k, x) in xor_before.into_iter().enumerate() {
                    assert_eq!(x, checksum(&w[..k]), "{start} {k}");
                }
            };
            let (e, c, x) = scan(w);
            check((e, c, (0..WINDOW).map(|k| x.before(k)).collect()));
            let (e, c, x) = scan_swar(w);
            check((e, c, (0..WINDOW).map(|k| x.before(k)).collect()));
        }
    }

    /// The direct reading of the usual group field gives what splitting it
    /// does.
    #[test]
    fn group_fields_read_as_split() {
        let split = |v: &[u8]| -> Option<(u8, u8, u32)> {
            let mut it = v.splitn(3, |&c| c == b'-');
            let num = parse_int(it.next()?)?;
            let total = parse_int(it.next()?)?;
            let id = parse_int(it.next()?)?;
            ((1..=99).contains(&num) && (1..=99).contains(&total) && num <= total && (0..=u32::MAX as i64).contains(&id)).then_some((num as u8, total as u8, id as u32))
        };
        let parts = ["", "0", "1", "2", "9", "10", "-1", "1.5", "x", "4294967295", "4294967296", "0012", "99999999999999999999"];
        for a in parts {
            for b in parts {
                for c in parts {
                    for v in [format!("{a}-{b}-{c}"), format!("{a}-{b}"), format!("{a}-{b}-{c}-{a}")] {
                        assert_eq!(parse_group(v.as_bytes()), split(v.as_bytes()), "{v}");
                    }
                }
            }
        }
    }

    #[test]
    fn milliseconds_and_errors() {
        let body = b"c:1541030400123";
        let block = format!("\\{}*{:02X}\\", std::str::from_utf8(body).unwrap(), checksum(body));
        assert_eq!(parse_tag_block(block.as_bytes()).unwrap().0.time_ms, Some(1_541_030_400_123));
        assert_eq!(parse_tag_block(b"\\s:x,c:1*01\\"), Err(TagBlockError::BadChecksum));
        assert!(parse_tag_block(b"\\c:1420030798*00\\").unwrap().0.unchecked);
        // Kystverket: the checksum leaves out the g: field.
        let (tb, _) = parse_tag_block(b"\\g:2-2-9999,c:1565218821*5E\\").unwrap();
        assert!(tb.unchecked);
        assert_eq!(tb.group, Some((2, 2, 9999)));
        assert_eq!(parse_tag_block(b"\\s:x,c:1"), Err(TagBlockError::Malformed));
        assert_eq!(parse_tag_block(b"\\:,c:1364272372*4E\\").unwrap_err(), TagBlockError::Malformed);
    }
}
