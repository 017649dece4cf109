//! Multi-part message assembly: fragments matched by group, several groups in
//! flight at once, bounded memory, and a timeout for orphans.

use crate::bits::{Payload, PayloadError};
use crate::meta::Meta;

/// Limits of the assembler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssemblyLimits {
    /// Most groups in flight; the oldest is dropped as orphaned beyond this.
    pub max_groups: usize,
    /// A group not completed within this many input lines is orphaned.
    pub timeout_lines: u64,
    /// A group not completed within this receive-time span (ms) is orphaned,
    /// when the input carries receive times.
    pub timeout_ms: i64,
}

impl Default for AssemblyLimits {
    fn default() -> Self {
        // Fragments of one message are sent in consecutive slots (ITU-R M.1371-5
        // Annex 2 §3.3.4) and normally arrive within a second; national feeds
        // interleave hundreds of messages per second, so allow generous slack.
        AssemblyLimits { max_groups: 256, timeout_lines: 2_000, timeout_ms: 60_000 }
    }
}

/// What happened to a fragment fed to the assembler.
// The payload is returned inline on purpose: boxing it would allocate once per
// multi-part message on the decoding hot path.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Assembled {
    /// The message is not complete yet.
    Pending,
    /// All fragments arrived: the joined payload, its metadata and the number of
    /// fragments used.
    Complete(Payload, Meta, u8),
    /// The joined payload was invalid (bad character, too long, bad fill bits).
    Invalid(PayloadError, u8),
}

#[derive(Default)]
struct Group {
    key: u64,
    total: u8,
    have: u16,
    count: u8,
    meta: Meta,
    has_meta: bool,
    line: u64,
    time_ms: Option<i64>,
    /// (start, len, fill) of each part's armored characters in `buf`.
    parts: [(u16, u16, u8); 9],
    buf: Vec<u8>,
}

/// Joins fragments of multi-part messages.
#[derive(Default)]
pub struct Assembler {
    limits: AssemblyLimits,
    groups: Vec<Group>,
    active: usize,
    /// Sentences currently held in incomplete groups.
    pending: u64,
}

/// A fragment to be assembled.
pub struct Fragment<'a> {
    /// Group key: identifies fragments of the same message.
    pub key: u64,
    /// Total fragments, 2-9.
    pub total: u8,
    /// This fragment's number, 1-based.
    pub number: u8,
    /// Armored payload characters.
    pub payload: &'a [u8],
    /// Fill bits (used from the last fragment).
    pub fill_bits: u8,
    /// Metadata of this fragment (the first fragment's is kept).
    pub meta: Meta,
    /// True when `meta` carries information (time or source) of its own.
    pub has_meta: bool,
}

impl Assembler {
    /// An assembler with the given limits.
    pub fn new(limits: AssemblyLimits) -> Self {
        Assembler { limits, groups: Vec::new(), active: 0, pending: 0 }
    }

    /// Sentences held in incomplete groups.
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// Feeds one fragment. `orphaned` is called with the number of sentences of
    /// every group given up on (replaced, expired or evicted).
    pub fn push(&mut self, f: Fragment<'_>, line: u64, mut orphaned: impl FnMut(u64)) -> Assembled {
        let found = self.groups[..self.active].iter().position(|g| g.key == f.key && g.total == f.total);
        let idx = match found {
            Some(i) if f.number == 1 || self.groups[i].have & (1 << f.number) != 0 => {
                // A new message reuses the key of an unfinished one: that one is orphaned.
                orphaned(self.groups[i].count as u64);
                self.remove(i);
                None
            }
            other => other,
        };
        let idx = match idx {
            Some(i) => i,
            None => {
                self.expire(line, f.meta.rx_time_ms, &mut orphaned);
                if self.active == self.limits.max_groups.max(1) {
                    // Evict the oldest group (lowest line number).
                    let oldest = (0..self.active).min_by_key(|&i| self.groups[i].line).unwrap_or(0);
                    orphaned(self.groups[oldest].count as u64);
                    self.remove(oldest);
                }
                if self.active == self.groups.len() {
                    self.groups.push(Group::default());
                }
                let g = &mut self.groups[self.active];
                g.key = f.key;
                g.total = f.total;
                g.have = 0;
                g.count = 0;
                g.has_meta = false;
                g.line = line;
                g.time_ms = f.meta.rx_time_ms;
                g.buf.clear();
                self.active += 1;
                self.active - 1
            }
        };
        let g = &mut self.groups[idx];
        let start = g.buf.len();
        g.buf.extend_from_slice(f.payload);
        g.parts[f.number as usize - 1] = (start as u16, f.payload.len() as u16, f.fill_bits);
        g.have |= 1 << f.number;
        g.count += 1;
        // The first fragment's metadata wins; until it arrives, any fragment's.
        if f.number == 1 {
            g.meta = f.meta;
            g.has_meta = true;
        } else if !g.has_meta && (f.has_meta || g.count == 1) {
            g.meta = f.meta;
        }
        self.pending += 1;
        let full = ((1u16 << (f.total + 1)) - 1) & !1;
        if g.have != full {
            return Assembled::Pending;
        }
        let count = g.count;
        let mut payload = Payload::new();
        let parts = &g.parts[..g.total as usize];
        // Fragments that arrived in order lie joined in `buf` already: one
        // aligned unpacking instead of one per fragment at a bit offset.
        let in_order = parts[0].0 == 0 && parts.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0);
        let mut result = if in_order { payload.push_armored(&g.buf) } else { Ok(()) };
        for &(s, n, _) in parts.iter().filter(|_| !in_order) {
            result = result.and_then(|_| payload.push_armored(&g.buf[s as usize..(s + n) as usize]));
        }
        let fill = parts[parts.len() - 1].2;
        let result = result.and_then(|_| payload.truncate_fill(fill));
        let mut meta = g.meta;
        meta.fragments = count;
        self.remove(idx);
        match result {
            Ok(()) => Assembled::Complete(payload, meta, count),
            Err(e) => Assembled::Invalid(e, count),
        }
    }

    fn remove(&mut self, i: usize) {
        self.pending -= self.groups[i].count as u64;
        self.groups[i].count = 0;
        self.active -= 1;
        self.groups.swap(i, self.active);
    }

    /// Orphans groups older than the limits, as of `line` and `now_ms`.
    pub fn expire(&mut self, line: u64, now_ms: Option<i64>, mut orphaned: impl FnMut(u64)) {
        let mut i = 0;
        while i < self.active {
            let g = &self.groups[i];
            let too_old_lines = line.saturating_sub(g.line) > self.limits.timeout_lines;
            let too_old_time = matches!((now_ms, g.time_ms), (Some(now), Some(t)) if (now - t).abs() > self.limits.timeout_ms);
            if too_old_lines || too_old_time {
                orphaned(g.count as u64);
                self.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Gives up on every group in flight (end of input).
    pub fn flush(&mut self, mut orphaned: impl FnMut(u64)) {
        while self.active > 0 {
            orphaned(self.groups[0].count as u64);
            self.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(order: &[u8]) -> Payload {
        let parts: [&[u8]; 3] = [b"53B?8r021g8HuHtk:20dTpN1<D5L5U>22222220002R0L33Aa?4i@H88", b"8888888888", b"1w`W"];
        let mut a = Assembler::new(AssemblyLimits::default());
        let mut out = None;
        for &n in order {
            let f = Fragment { key: 7, total: 3, number: n, payload: parts[n as usize - 1], fill_bits: if n == 3 { 2 } else { 0 }, meta: Meta::default(), has_meta: false };
            match a.push(f, 1, |_| panic!("nothing is orphaned")) {
                Assembled::Pending => {}
                Assembled::Complete(p, _, count) => out = Some((p, count)),
                Assembled::Invalid(e, _) => panic!("{e:?}"),
            }
        }
        let (p, count) = out.expect("complete");
        assert_eq!(count, 3);
        p
    }

    #[test]
    fn fragments_in_or_out_of_order_join_the_same() {
        let joined = Payload::from_armored(b"53B?8r021g8HuHtk:20dTpN1<D5L5U>22222220002R0L33Aa?4i@H8888888888881w`W", 2).unwrap();
        assert_eq!(assemble(&[1, 2, 3]), joined);
        assert_eq!(assemble(&[1, 3, 2]), joined);
    }
}
