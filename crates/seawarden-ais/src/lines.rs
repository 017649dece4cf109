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
        let mut ends = crate::bytemask::byte_mask64(block.try_into().expect("64 bytes"), b'\n');
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
}
