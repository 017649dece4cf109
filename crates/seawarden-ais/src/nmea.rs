//! NMEA 0183 `!xxVDM` / `!xxVDO` sentence framing and checksums.

use crate::bytemask::byte_mask16;

/// XOR of all bytes: the NMEA checksum of the characters between the start
/// delimiter and `*`.
#[inline]
pub fn checksum(bytes: &[u8]) -> u8 {
    let n = bytes.len();
    if n < 16 {
        return bytes.iter().fold(0, |x, &b| x ^ b);
    }
    // Sixteen bytes at a time up to the last sixteen, then those, of which
    // only the bytes not yet counted are kept (shifted low: the fold below
    // does not care where a byte sits). Sentences are under 64 bytes: up to
    // three chunks, unrolled, before the last.
    let chunk = |at: usize| u128::from_le_bytes(bytes[at..at + 16].try_into().expect("16 bytes"));
    let full = (n - 1) / 16;
    let mut acc = match full {
        0 => 0,
        1 => chunk(0),
        2 => chunk(0) ^ chunk(16),
        3 => chunk(0) ^ chunk(16) ^ chunk(32),
        _ => (0..full).fold(0, |acc, k| acc ^ chunk(16 * k)),
    };
    acc ^= chunk(n - 16) >> (8 * (16 * (full + 1) - n));
    let x = (acc as u64) ^ (acc >> 64) as u64;
    let x = x ^ (x >> 32);
    let x = x ^ (x >> 16);
    (x ^ (x >> 8)) as u8
}

/// The value of each hex digit (either case); 0xFF for any other byte.
const HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'A' as usize + i] = 10 + i as u8;
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Parses two hex digits: two table lookups, so no branch on which digits
/// they are (checksums are random).
#[inline(always)]
pub(crate) fn hex2(b: &[u8]) -> Option<u8> {
    let [hi, lo, ..] = *b else {
        return None;
    };
    let (hi, lo) = (HEX[hi as usize], HEX[lo as usize]);
    ((hi | lo) < 16).then_some(hi << 4 | lo)
}

/// One AIS sentence, borrowed from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// Talker id, e.g. `AI`, `AB`, `BS`.
    pub talker: [u8; 2],
    /// True for `VDO` (own ship), false for `VDM`.
    pub own_ship: bool,
    /// Number of fragments in the message, 1-9.
    pub total: u8,
    /// This fragment's number, 1-based.
    pub number: u8,
    /// Sequential message id linking fragments, 0-9, if present.
    pub seq_id: Option<u8>,
    /// Radio channel: `A`, `B`, `1`, `2`, `C`, ... or 0 when empty.
    pub channel: u8,
    /// The armored payload characters.
    pub payload: &'a [u8],
    /// Number of fill bits, 0-5.
    pub fill_bits: u8,
}

/// Why a sentence was rejected before payload decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// The checksum does not match the sentence.
    BadChecksum,
    /// The sentence is cut short: missing fields or missing checksum.
    Truncated,
    /// Fragment count or number out of range (0, over 9, or number > count).
    BadFragment,
    /// A well-formed sentence of another type (`!AIPWR`, `!AIALR`, ...): not AIS data.
    NotAis,
}

/// Parses an `!xxVDM` / `!xxVDO` sentence starting at `line[0] == b'!'`.
///
/// Returns the sentence and the number of bytes consumed (through the two
/// checksum digits). Extra fields between the fill bits and the checksum,
/// which some receivers add, are tolerated.
#[inline(always)]
pub fn parse_sentence(line: &[u8]) -> Result<(Sentence<'_>, usize), FrameError> {
    // Fixed prefix: "!", 2 talker chars, "VDM"/"VDO", ",".
    if line.len() < 7 || !(line[0] == b'!' || line[0] == b'$') {
        return Err(FrameError::Truncated);
    }
    let own_ship = match &line[3..6] {
        b"VDM" => false,
        b"VDO" => true,
        _ => return Err(FrameError::NotAis),
    };
    if line[6] != b',' {
        return Err(FrameError::Truncated);
    }
    let talker = [line[1], line[2]];
    let (total, number, seq_field, channel, mut i) = match fragment_fields_fast(line) {
        Some(f) => f,
        None => fragment_fields(line)?,
    };
    let p_start = i.min(line.len());
    let p_end = match memchr_comma(&line[p_start..]) {
        Some(off) => p_start + off,
        None => return Err(FrameError::Truncated),
    };
    let payload = &line[p_start..p_end];
    i = p_end + 1;
    let fill_bits = match line.get(i) {
        Some(&c @ b'0'..=b'9') => c - b'0',
        _ => return Err(FrameError::Truncated),
    };
    // Checksum: normally right after the fill bits; skip extra fields if any.
    let star = match line.get(i + 1) {
        Some(b'*') => i + 1,
        _ => match line[i..].iter().position(|&c| c == b'*') {
            Some(off) => i + off,
            None => return Err(FrameError::Truncated),
        },
    };
    let expected = hex2(&line[star + 1..]).ok_or(FrameError::Truncated)?;
    if checksum(&line[1..star]) != expected {
        return Err(FrameError::BadChecksum);
    }
    if total == 0 || number == 0 || number > total || total > 9 {
        return Err(FrameError::BadFragment);
    }
    let seq_id = match seq_field {
        [] => None,
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        _ => return Err(FrameError::BadFragment),
    };
    Ok((
        Sentence { talker, own_ship, total, number, seq_id, channel, payload, fill_bits },
        star + 3,
    ))
}

/// The fragment count, number, sequence id field, channel and the payload's
/// start, for the usual layout `!AIVDM,d,d,[d],[c],`: one load and a few
/// compares. `None` for anything else (then [`fragment_fields`] reads them).
#[inline(always)]
fn fragment_fields_fast(line: &[u8]) -> Option<(u8, u8, &[u8], u8, usize)> {
    let h: &[u8; 8] = line.get(7..15)?.try_into().ok()?;
    let digit = |c: u8| c.wrapping_sub(b'0') < 10;
    if !(digit(h[0]) && h[1] == b',' && digit(h[2]) && h[3] == b',') {
        return None;
    }
    let (total, number) = (h[0] - b'0', h[2] - b'0');
    // Sequence id: empty or one digit; channel: empty or one character.
    let (seq, at) = match (h[4], h[5]) {
        (b',', _) => (&line[11..11], 12),
        (d, b',') if digit(d) => (&line[11..12], 13),
        _ => return None,
    };
    let rel = at - 7;
    match (h[rel], h.get(rel + 1).copied().unwrap_or(0)) {
        (b',', _) => Some((total, number, seq, 0, at + 1)),
        (c, b',') if c != b',' => Some((total, number, seq, c, at + 2)),
        _ => None,
    }
}

/// The fragment fields in general (counts of one or two digits, a sequence
/// id of any length, a channel of any length), and the payload's start.
fn fragment_fields(line: &[u8]) -> Result<(u8, u8, &[u8], u8, usize), FrameError> {
    let mut i = 7;
    // Fragment count and number: single digits in practice; accept up to 2.
    let total = read_small_int(line, &mut i).ok_or(FrameError::Truncated)?;
    let number = read_small_int(line, &mut i).ok_or(FrameError::Truncated)?;
    // Sequential message id: empty or digits.
    let seq_start = i;
    while i < line.len() && line[i] != b',' {
        i += 1;
    }
    let seq_field = &line[seq_start..i];
    i += 1;
    // Channel: empty or one character (some feeds send "AB" or "1"/"2").
    let ch_start = i;
    while i < line.len() && line[i] != b',' {
        i += 1;
    }
    let channel = line.get(ch_start).copied().filter(|_| i > ch_start).unwrap_or(0);
    i += 1;
    Ok((total, number, seq_field, channel, i))
}

/// Position of the first comma. Within the first 64 bytes (every payload of
/// a single sentence) it comes from four 16-byte compares at fixed places,
/// the last ones moved back to end at the end of `b`: no branch on where
/// the comma is, which varies line by line. Farther on, sixteen bytes at a
/// time.
#[inline(always)]
fn memchr_comma(b: &[u8]) -> Option<usize> {
    let n = b.len();
    if n < 16 {
        return memchr_comma_short(b);
    }
    let mask_at = |at: usize| byte_mask16(b[at..at + 16].try_into().expect("16 bytes"), b',') as u64;
    let at = |start: usize| start.min(n - 16);
    let m = mask_at(0) | mask_at(at(16)) << at(16) | mask_at(at(32)) << at(32) | mask_at(at(48)) << at(48);
    if m != 0 {
        return Some(m.trailing_zeros() as usize);
    }
    let mut at = 64;
    while at + 16 <= n {
        let m = byte_mask16(b[at..at + 16].try_into().expect("16 bytes"), b',');
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 16;
    }
    if at < n {
        let m = byte_mask16(b[n - 16..].try_into().expect("16 bytes"), b',') >> (at + 16 - n);
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
    }
    None
}

/// [`memchr_comma`] for fewer than sixteen bytes, eight at a time in a
/// register.
#[inline(always)]
fn memchr_comma_short(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes")) ^ (ONES * b',' as u64);
        // Exact zero-byte test (no false positives): bit 7 of a byte of
        // `found` is set iff that byte of `x` is zero; the lowest is first.
        let low7 = !HIGH;
        let found = !(((x & low7).wrapping_add(low7)) | x | low7);
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&c| c == b',').map(|i| base + i)
}

/// Reads 1-2 digits followed by a comma, advancing `i` past the comma.
#[inline]
fn read_small_int(line: &[u8], i: &mut usize) -> Option<u8> {
    let mut v: u8 = 0;
    let start = *i;
    while let Some(&c) = line.get(*i) {
        match c {
            b'0'..=b'9' if *i - start < 2 => v = v * 10 + (c - b'0'),
            b',' if *i > start => {
                *i += 1;
                return Some(v);
            }
            _ => return None,
        }
        *i += 1;
    }
    None
}

/// Formats a complete sentence with its checksum (`!AIVDM,...*hh`).
pub fn format_sentence(talker: &str, total: u8, number: u8, seq_id: Option<u8>, channel: char, payload: &str, fill: u8) -> String {
    let seq = seq_id.map(|s| s.to_string()).unwrap_or_default();
    let body = format!("{talker}VDM,{total},{number},{seq},{channel},{payload},{fill}");
    format!("!{body}*{:02X}", checksum(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_bytewise_xor() {
        let s = b"AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0";
        assert_eq!(checksum(s), s.iter().fold(0, |a, b| a ^ b));
        assert_eq!(checksum(s), 0x30);
        for start in 0..s.len() {
            for end in start..=s.len() {
                assert_eq!(checksum(&s[start..end]), s[start..end].iter().fold(0, |a, b| a ^ b));
            }
        }
    }

    #[test]
    fn checksum_and_comma_search_at_every_length() {
        // Every length to past the longest sentence (the checksum changes
        // method at 16 bytes and past 64, the comma search at 16 and 64),
        // and a comma at every place or none.
        let bytes: Vec<u8> = (0..140u32).map(|i| (i * 37 % 251) as u8 | 1).map(|b| if b == b',' { b'.' } else { b }).collect();
        for n in 0..bytes.len() {
            let b = &bytes[..n];
            assert_eq!(checksum(b), b.iter().fold(0, |a, c| a ^ c), "length {n}");
            assert_eq!(memchr_comma(b), None, "length {n}");
            for comma in 0..n {
                let mut with = b.to_vec();
                with[comma] = b',';
                if comma + 3 < n {
                    with[comma + 3] = b',';
                }
                assert_eq!(memchr_comma(&with), Some(comma), "length {n}, comma at {comma}");
            }
        }
    }

    #[test]
    fn hex_digits_as_a_plain_parser_reads_them() {
        let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        for hi in 0..=255u8 {
            for lo in 0..=255u8 {
                let want = digit(hi).zip(digit(lo)).map(|(h, l)| h << 4 | l);
                assert_eq!(hex2(&[hi, lo]), want, "{hi} {lo}");
            }
        }
        assert_eq!(hex2(b"7"), None);
        assert_eq!(hex2(b""), None);
    }

    #[test]
    fn parses_common_sentence() {
        let line = b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118";
        let (s, used) = parse_sentence(line).unwrap();
        assert_eq!(&line[..used], b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30");
        assert_eq!((s.total, s.number, s.seq_id, s.channel, s.fill_bits), (1, 1, None, b'A', 0));
        assert_eq!(&s.talker, b"AI");
    }

    #[test]
    fn tolerates_extra_field_and_rejects_bad() {
        let (s, _) = parse_sentence(b"!AIVDM,1,1,1,,13aI8e?P00PGpU:NR6s00?vT2000,0,0*1C").unwrap();
        assert_eq!((s.seq_id, s.channel), (Some(1), 0));
        assert_eq!(parse_sentence(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*31"), Err(FrameError::BadChecksum));
        assert_eq!(parse_sentence(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6Q"), Err(FrameError::Truncated));
        assert_eq!(parse_sentence(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0"), Err(FrameError::Truncated));
        let body = "AIVDM,2,3,,A,15N1u,0";
        let bad = format!("!{body}*{:02X}", checksum(body.as_bytes()));
        assert_eq!(parse_sentence(bad.as_bytes()), Err(FrameError::BadFragment));
    }

    #[test]
    fn comma_search_matches_naive() {
        let hay = b"abc,defghijklmnop,q,,rstuvwxyz0123456789,";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let h = &hay[start..end];
                assert_eq!(memchr_comma(h), h.iter().position(|&c| c == b','), "{start}..{end}");
            }
        }
        assert_eq!(memchr_comma(&[0x2C ^ 0x80, 0xAC, 0x2D, 0x2B, 0, 0, 0, 0, b',']), Some(8));
        let mut tricky = [0x2C ^ 0x80, 0xAC, 0x2D, 0x2B, 0, 0xFF, 0x7F, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, b','];
        assert_eq!(memchr_comma(&tricky), Some(17));
        tricky[15] = b',';
        assert_eq!(memchr_comma(&tricky), Some(15));
    }

    #[test]
    fn fast_fragment_fields_match_general() {
        // Every header over an alphabet of digits, commas and a channel letter,
        // at every length through the fast path's 8-byte window and beyond:
        // where the fast path answers, the general reader must agree.
        const ALPHABET: &[u8] = b"01,A";
        let mut fast_hits = 0;
        for n in 0..ALPHABET.len().pow(9) {
            let mut line = b"!AIVDM,".to_vec();
            let mut k = n;
            for _ in 0..9 {
                line.push(ALPHABET[k % ALPHABET.len()]);
                k /= ALPHABET.len();
            }
            line.extend_from_slice(b"1P00,0*00");
            for len in 7..=line.len() {
                let l = &line[..len];
                if let Some(fast) = fragment_fields_fast(l) {
                    fast_hits += 1;
                    assert_eq!(Ok(fast), fragment_fields(l), "{}", String::from_utf8_lossy(l));
                }
            }
        }
        assert!(fast_hits > 5_000, "fast path taken only {fast_hits} times");
    }

    #[test]
    fn format_round_trips() {
        let s = format_sentence("AI", 1, 1, None, 'A', "15N1u<PP1FJuvSRHOE6QIwwh0HQ6", 0);
        assert_eq!(s, "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30");
    }
}
