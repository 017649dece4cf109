//! Reception metadata carried beside a message: receive time, source, channel.

/// A receiving station or feed identifier (tag block `s:`), stored inline.
///
/// Identifiers longer than [`Source::CAPACITY`] bytes are cut; in practice they
/// are short (`rEV02`, `42809`, `FM112`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Source {
    len: u8,
    buf: [u8; Source::CAPACITY],
}

impl Source {
    /// Longest identifier kept, in bytes.
    pub const CAPACITY: usize = 23;

    /// A source from raw bytes; non-UTF-8 bytes are replaced by `?`.
    #[inline(always)]
    pub fn new(raw: &[u8]) -> Source {
        let raw = &raw[..raw.len().min(Self::CAPACITY)];
        let n = raw.len();
        // Three little-endian words, zero past the end: a few fixed-size
        // loads instead of a byte loop (tag blocks name a source per line).
        let (a, b) = raw.split_at(n.min(8));
        let (b, c) = b.split_at(b.len().min(8));
        let words = [load_le(a), load_le(b), load_le(c)];
        let mut s = Source { len: n as u8, buf: [0; Self::CAPACITY] };
        s.buf[..8].copy_from_slice(&words[0].to_le_bytes());
        s.buf[8..16].copy_from_slice(&words[1].to_le_bytes());
        s.buf[16..].copy_from_slice(&words[2].to_le_bytes()[..Self::CAPACITY - 16]);
        let printable = |b: u8| (0x20..0x7F).contains(&b);
        // Sources are short: most lengths need one or two of the checks.
        let bad = has_unprintable(words[0], n) || (n > 8 && (has_unprintable(words[1], n - 8) || (n > 16 && has_unprintable(words[2], n - 16))));
        if bad {
            for d in &mut s.buf[..n] {
                if !printable(*d) {
                    *d = b'?';
                }
            }
        }
        s
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("?")
    }

    /// A 64-bit FNV-1a hash, for keying fragment groups.
    pub(crate) fn hash64(&self) -> u64 {
        let mut h: u64 = 0xcbf29ce484222325;
        for &b in &self.buf[..self.len as usize] {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
        h
    }
}

/// Up to eight bytes as a little-endian word, zero-padded: at most two
/// overlapping fixed-size loads.
#[inline(always)]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 8 {
        u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
    } else if n >= 4 {
        let lo = u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64;
        let hi = u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")) as u64;
        lo | (hi >> (8 * (8 - n))) << 32
    } else {
        b.iter().rev().fold(0, |acc, &c| acc << 8 | c as u64)
    }
}

/// True if one of the first `n` bytes of `w` (all eight for `n` of 8 or
/// more) is outside printable ASCII (0x20-0x7E).
#[inline(always)]
fn has_unprintable(w: u64, n: usize) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let used = if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
    // Exact per-byte tests: below 0x20 (high bit clear and low seven bits
    // below 0x20), or 0x7F and above (high bit set, or low seven bits 0x7F).
    let below = !((w | HIGH) - ONES * 0x20) & !w & HIGH;
    let above = (((w & !HIGH) + ONES) | w) & HIGH;
    (below | above) & used != 0
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and when a message was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Meta {
    /// Receive time, milliseconds since the Unix epoch, when the input carries one.
    pub rx_time_ms: Option<i64>,
    /// Receiving station or feed, when the input names one.
    pub source: Option<Source>,
    /// Radio channel (`A`, `B`, ...) or 0 when not given.
    pub channel: u8,
    /// Talker id of the (first) sentence, e.g. `AI`.
    pub talker: [u8; 2],
    /// True for `VDO` sentences (the receiver's own ship).
    pub own_ship: bool,
    /// Number of sentences the message was assembled from.
    pub fragments: u8,
    /// Hash of the message's payload bits ([`crate::Payload::hash64`]): equal
    /// for copies of one transmission heard by several receivers.
    pub payload_hash: u64,
}

/// Formats milliseconds since the Unix epoch as RFC 3339 UTC
/// (`2019-08-07T22:59:58Z`, with `.sss` when the milliseconds are not zero).
pub fn format_rfc3339(ms: i64, out: &mut String) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        use std::fmt::Write;
        let _ = write!(out, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60);
        if millis != 0 {
            let _ = write!(out, ".{millis:03}");
        }
        out.push('Z');
        return;
    }
    // Four-digit years (every time a feed sends): the digits are written
    // straight into a buffer, without the formatting machinery.
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y as u32);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, sod / 3600);
    put(14, 2, sod / 60 % 60);
    put(17, 2, sod % 60);
    let len = if millis != 0 {
        put(20, 3, millis);
        24
    } else {
        b[19] = b'Z';
        20
    };
    out.push_str(std::str::from_utf8(&b[..len]).expect("ASCII digits and separators"));
}

/// Date of a day count since 1970-01-01 in the proleptic Gregorian calendar
/// (the well-known era-based conversion).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Day count since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the epoch of a UTC date and time (years 0-9999);
/// `None` if out of range.
pub fn utc_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    if !(0..=9999).contains(&y) || !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 || ms > 999 {
        return None;
    }
    Some(((days_from_civil(y, mo, d) * 24 + h as i64) * 60 + mi as i64) * 60_000 + s as i64 * 1000 + ms as i64)
}

/// Parses an RFC 3339 / ISO 8601 UTC timestamp (`2021-11-01T02:00:00Z`,
/// `2021-11-01 02:00:00.5`, with an optional `Z` or numeric offset).
pub fn parse_iso8601(s: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(s).ok()?.trim();
    if s.len() < 19 {
        return None;
    }
    let b = s.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut ms = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let f = &frac[..digits];
        ms = f.get(..3.min(digits)).unwrap_or("0").parse::<u32>().ok()? * 10u32.pow(3 - 3.min(digits) as u32);
        rest = &frac[digits..];
    }
    let offset_min: i64 = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let hh: i64 = o[1..3].parse().ok()?;
            let mm: i64 = o[4..6].parse().ok()?;
            let v = hh * 60 + mm;
            if o.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    Some(utc_ms(y as i64, mo, d, h, mi, sec, ms)? - offset_min * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit writer gives what the formatting machinery gives, at
    /// every kind of instant: whole seconds or not, before 1970, at the
    /// ends of four-digit years and beyond them.
    #[test]
    fn rfc3339_digits_as_the_formatter_writes_them() {
        let reference = |ms: i64| {
            let secs = ms.div_euclid(1000);
            let millis = ms.rem_euclid(1000);
            let sod = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let mut s = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60);
            if millis != 0 {
                s += &format!(".{millis:03}");
            }
            s + "Z"
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut cases = vec![0, -1, 1, 999, 1000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 1_700_000_000_000];
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Within about ±5000 years of 1970, and often whole seconds.
            let ms = (x % 320_000_000_000_000) as i64 - 160_000_000_000_000;
            cases.push(if x % 3 == 0 { ms - ms.rem_euclid(1000) } else { ms });
        }
        for ms in cases {
            let mut s = String::from("> ");
            format_rfc3339(ms, &mut s);
            assert_eq!(s, format!("> {}", reference(ms)), "{ms}");
        }
    }

    /// A header's year is not checked before it gets here: a year of
    /// eleven digits once overflowed the millisecond count.
    #[test]
    fn years_outside_0_to_9999_are_out_of_range() {
        assert_eq!(utc_ms(10_000_000_000, 1, 1, 0, 0, 0, 0), None);
        assert_eq!(utc_ms(-1, 1, 1, 0, 0, 0, 0), None);
        assert_eq!(utc_ms(9999, 12, 31, 23, 59, 59, 999), Some(253_402_300_799_999));
        assert_eq!(utc_ms(1970, 1, 1, 0, 0, 0, 0), Some(0));
    }

    #[test]
    fn source_keeps_printable_ascii_and_cuts_long_names() {
        assert_eq!(Source::new(b"rEV02").as_str(), "rEV02");
        assert_eq!(Source::new(b"a\tb\x7f\xc3\xa9 ~").as_str(), "a?b??? ~");
        let long = Source::new(b"0123456789abcdefghijklmnopqrstuvwxyz");
        assert_eq!(long.as_str(), "0123456789abcdefghijklm");
        assert_eq!(Source::new(b""), Source::default());
    }

    #[test]
    fn source_matches_a_byte_by_byte_copy_at_every_length() {
        let naive = |raw: &[u8]| {
            let n = raw.len().min(Source::CAPACITY);
            let mut buf = [0u8; Source::CAPACITY];
            for (d, &b) in buf.iter_mut().zip(&raw[..n]) {
                *d = if (0x20..0x7F).contains(&b) { b } else { b'?' };
            }
            (n as u8, buf)
        };
        let text = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for len in 0..=text.len() {
            for bad in [None, Some(0x1Fu8), Some(0x7F), Some(0x80), Some(0xFF), Some(0x20), Some(0x7E)] {
                for at in 0..len.max(1) {
                    let mut raw = text[..len].to_vec();
                    if let (Some(b), true) = (bad, at < len) {
                        raw[at] = b;
                    }
                    let s = Source::new(&raw);
                    assert_eq!((s.len, s.buf), naive(&raw), "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3339_round_trip() {
        let mut s = String::new();
        format_rfc3339(1_565_218_798_000, &mut s);
        assert_eq!(s, "2019-08-07T22:59:58Z");
        assert_eq!(parse_iso8601(s.as_bytes()), Some(1_565_218_798_000));
        s.clear();
        format_rfc3339(951_782_400_123, &mut s); // leap day 2000
        assert_eq!(s, "2000-02-29T00:00:00.123Z");
        assert_eq!(parse_iso8601(b"2000-02-29 01:00:00.123+01:00"), Some(951_782_400_123));
        for days in [-800_000i64, -1, 0, 1, 59, 60, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
