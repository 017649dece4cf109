//! From bytes on a socket to checked, time-stamped NMEA lines.
//!
//! Every source cuts its input into lines with a [`Framer`], which
//! - rejects (and counts) anything that cannot be an NMEA sentence: bytes
//!   outside printable ASCII, lines over [`MAX_LINE`] bytes, lines that do
//!   not start with `!`, `$` or `\`;
//! - stamps lines that carry no receive time of their own with the time they
//!   arrived, as an NMEA 4.0 tag block `\c:<ms>,s:<source>*hh\` (a `c:` field
//!   added to an existing tag block; lines right after a Gatehouse `$PGHP`
//!   header keep the header's time), so that feeds from plain receivers
//!   (AIS-catcher, OpenCPN) are timed like Kystverket's;
//! - appends the accepted lines, newline-terminated, to a batch buffer.

/// Longest accepted line, bytes (NMEA 0183 allows 82 characters; tag
/// blocks and proprietary headers add a few hundred at most).
pub const MAX_LINE: usize = 1024;

/// What a framer did with its input, for the source's counters.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FrameCounts {
    /// Lines accepted.
    pub lines: u64,
    /// Lines rejected as not NMEA.
    pub invalid: u64,
}

/// Cuts a byte stream into checked lines; keeps an incomplete last line for
/// the next call.
#[derive(Debug)]
pub struct Framer {
    source: String,
    carry: Vec<u8>,
    /// Discarding the rest of an over-long line.
    skipping: bool,
    after_pghp: bool,
    /// The first rejected line since the last call to [`Framer::take_sample`].
    sample: Option<String>,
}

impl Framer {
    /// A framer for the source called `source` (used in `s:` stamps).
    pub fn new(source: &str) -> Framer {
        Framer {
            source: source.to_string(),
            carry: Vec::new(),
            skipping: false,
            after_pghp: false,
            sample: None,
        }
    }

    /// Takes `data` (any chunk of the stream), appends each complete, valid
    /// line to `out` (stamped with `now_ms` when it has no time), and keeps
    /// an incomplete last line for the next chunk.
    pub fn push(&mut self, data: &[u8], now_ms: i64, out: &mut Vec<u8>) -> FrameCounts {
        let mut counts = FrameCounts::default();
        let mut rest = data;
        while let Some(i) = memchr(b'\n', rest) {
            let (piece, tail) = rest.split_at(i);
            rest = &tail[1..];
            if self.skipping {
                self.skipping = false;
                self.carry.clear();
                continue;
            }
            if self.carry.is_empty() {
                self.line(piece, now_ms, out, &mut counts);
            } else {
                let mut line = std::mem::take(&mut self.carry);
                line.extend_from_slice(piece);
                self.line(&line, now_ms, out, &mut counts);
                line.clear();
                self.carry = line;
            }
        }
        if !self.skipping {
            if self.carry.len() + rest.len() > MAX_LINE {
                self.skipping = true;
                self.carry.clear();
                counts.invalid += 1;
                self.note_invalid(b"(line longer than 1024 bytes)");
            } else {
                self.carry.extend_from_slice(rest);
            }
        }
        counts
    }

    /// Ends the stream (connection closed, datagram ended): a last line
    /// without a newline is taken as complete.
    pub fn finish(&mut self, now_ms: i64, out: &mut Vec<u8>) -> FrameCounts {
        let mut counts = FrameCounts::default();
        let line = std::mem::take(&mut self.carry);
        if !self.skipping && !line.is_empty() {
            self.line(&line, now_ms, out, &mut counts);
        }
        self.skipping = false;
        counts
    }

    /// The first rejected line since the last call, for the log.
    pub fn take_sample(&mut self) -> Option<String> {
        self.sample.take()
    }

    fn note_invalid(&mut self, line: &[u8]) {
        if self.sample.is_none() {
            let shown: String = line
                .iter()
                .take(80)
                .map(|&b| {
                    if (0x20..0x7f).contains(&b) {
                        b as char
                    } else {
                        '?'
                    }
                })
                .collect();
            self.sample = Some(shown);
        }
    }

    fn line(&mut self, line: &[u8], now_ms: i64, out: &mut Vec<u8>, counts: &mut FrameCounts) {
        let line = trim(line);
        if line.is_empty() {
            return;
        }
        if line.len() > MAX_LINE
            || !matches!(line[0], b'!' | b'$' | b'\\')
            || !line.iter().all(|&b| (0x20..0x7f).contains(&b))
        {
            counts.invalid += 1;
            self.note_invalid(line);
            return;
        }
        counts.lines += 1;
        let pghp = line.starts_with(b"$PGHP");
        if pghp || self.after_pghp || has_time(line) {
            out.extend_from_slice(line);
        } else {
            stamp(line, now_ms, &self.source, out);
        }
        out.push(b'\n');
        // A `$PGHP` header times the sentence after it.
        self.after_pghp = pghp;
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b' ' | b'\t'] = s {
        s = rest;
    }
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

/// The body of a leading tag block (between `\` and `*hh\` or `\`).
fn tag_block(line: &[u8]) -> Option<(&[u8], usize)> {
    if line.first() != Some(&b'\\') {
        return None;
    }
    let end = memchr(b'\\', &line[1..])? + 1;
    let inner = &line[1..end];
    let body = match inner.iter().rposition(|&b| b == b'*') {
        Some(star) => &inner[..star],
        None => inner,
    };
    Some((body, end + 1))
}

/// True when the line carries its own receive time (a tag block `c:`).
pub fn has_time(line: &[u8]) -> bool {
    match tag_block(line) {
        Some((body, _)) => body.split(|&b| b == b',').any(|f| f.starts_with(b"c:")),
        None => false,
    }
}

/// NMEA checksum: XOR of the bytes.
fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |a, b| a ^ b)
}

/// Writes `line` with receive time `ms` (and source `source` unless the
/// line names one) in its tag block, adding a tag block when it has none.
pub fn stamp(line: &[u8], ms: i64, source: &str, out: &mut Vec<u8>) {
    let (fields, rest): (Vec<&[u8]>, &[u8]) = match tag_block(line) {
        Some((body, n)) => (
            body.split(|&b| b == b',')
                .filter(|f| !f.is_empty() && !f.starts_with(b"c:"))
                .collect(),
            &line[n..],
        ),
        None => (Vec::new(), line),
    };
    let start = out.len();
    out.push(b'\\');
    let body_start = out.len();
    out.extend_from_slice(format!("c:{ms}").as_bytes());
    let has_source = fields.iter().any(|f| f.starts_with(b"s:"));
    if !has_source && !source.is_empty() {
        out.extend_from_slice(b",s:");
        out.extend(
            source
                .bytes()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')),
        );
    }
    for f in fields {
        out.push(b',');
        out.extend_from_slice(f);
    }
    let sum = checksum(&out[body_start..]);
    out.extend_from_slice(format!("*{sum:02X}\\").as_bytes());
    debug_assert!(out.len() > start);
    out.extend_from_slice(rest);
}

/// Replaces the receive time of a line that has a tag block `c:` (used by
/// the demo to move a recording to the present); other lines are stamped.
pub fn retime(line: &[u8], ms: i64, out: &mut Vec<u8>) {
    stamp(line, ms, "", out)
}

/// The receive time of a line's tag block `c:` field, milliseconds.
pub fn line_time_ms(line: &[u8]) -> Option<i64> {
    let (body, _) = tag_block(line)?;
    let f = body.split(|&b| b == b',').find(|f| f.starts_with(b"c:"))?;
    let v: i64 = std::str::from_utf8(&f[2..]).ok()?.parse().ok()?;
    Some(if v > 100_000_000_000 { v } else { v * 1000 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use seawarden_ais::{Decoder, Event};

    fn decode_time(line: &[u8]) -> Option<i64> {
        let mut d = Decoder::new();
        let mut t = None;
        d.feed(line, &mut |e| {
            if let Event::Message(m) = e {
                t = m.meta.rx_time_ms;
            }
        });
        t
    }

    #[test]
    fn untimed_lines_are_stamped_and_decode_with_that_time() {
        let mut f = Framer::new("udp1");
        let mut out = Vec::new();
        let c = f.push(
            b"!AIVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*44\r\n",
            1_700_000_000_123,
            &mut out,
        );
        assert_eq!(
            c,
            FrameCounts {
                lines: 1,
                invalid: 0
            }
        );
        let s = String::from_utf8(out.clone()).unwrap();
        assert!(s.starts_with("\\c:1700000000123,s:udp1*"), "{s}");
        assert_eq!(decode_time(&out[..out.len() - 1]), Some(1_700_000_000_123));
    }

    #[test]
    fn own_times_are_kept_and_tag_blocks_without_time_get_one() {
        let mut f = Framer::new("k");
        let mut out = Vec::new();
        let line = b"\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D\n";
        f.push(line, 5, &mut out);
        assert_eq!(out, line);
        out.clear();
        f.push(
            b"\\s:r1*4B\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D\n",
            1_700_000_042_000,
            &mut out,
        );
        assert!(
            out.starts_with(b"\\c:1700000042000,s:r1*"),
            "{}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(decode_time(&out[..out.len() - 1]), Some(1_700_000_042_000));
        assert_eq!(line_time_ms(&out), Some(1_700_000_042_000));
    }

    #[test]
    fn pghp_headers_time_the_next_sentence() {
        let mut f = Framer::new("dma");
        let mut out = Vec::new();
        let input = b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B\n!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B\n!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B\n";
        f.push(input, 1_700_000_007_000, &mut out);
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[1], "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B");
        assert!(lines[2].starts_with("\\c:1700000007000,"));
    }

    #[test]
    fn garbage_is_counted_and_lines_split_across_chunks_are_joined() {
        let mut f = Framer::new("x");
        let mut out = Vec::new();
        let c1 = f.push(
            b"hello\n\x00\x01\xff!AIVDM\n\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P0",
            0,
            &mut out,
        );
        assert_eq!(
            c1,
            FrameCounts {
                lines: 0,
                invalid: 2
            }
        );
        assert!(f.take_sample().unwrap().starts_with("hello"));
        let c2 = f.push(b"0PRk8fT5nw>4?wj2006,0*5D\n", 0, &mut out);
        assert_eq!(
            c2,
            FrameCounts {
                lines: 1,
                invalid: 0
            }
        );
        assert_eq!(
            out,
            b"\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D\n"
        );
        // An endless line is cut off and the stream recovers at the next newline.
        let long = vec![b'!'; 5000];
        let c3 = f.push(&long, 0, &mut out);
        assert_eq!(c3.invalid, 1);
        let c4 = f.push(
            b"more\n!AIVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*44",
            1,
            &mut out,
        );
        assert_eq!(
            c4,
            FrameCounts {
                lines: 0,
                invalid: 0
            }
        );
        assert_eq!(f.finish(1, &mut out).lines, 1);
    }
}
