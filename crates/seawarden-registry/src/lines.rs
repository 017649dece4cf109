//! Line numbers for CSV records.
//!
//! The `csv` crate's own line count is off by one after CRLF terminators
//! and blank lines, so records are located by their byte offset instead:
//! the offset `csv` reports can sit on the terminator of the previous line
//! or on skipped blank or comment lines, which are stepped over here.

pub(crate) struct LineIndex<'a> {
    data: &'a [u8],
    newlines: Vec<usize>,
    comment: Option<u8>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(data: &'a [u8], comment: Option<u8>) -> LineIndex<'a> {
        let newlines = data.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i).collect();
        LineIndex { data, newlines, comment }
    }

    /// The 1-based line of the record `csv` placed at byte `offset`.
    pub(crate) fn line_of(&self, offset: u64) -> u64 {
        let mut i = (offset as usize).min(self.data.len());
        loop {
            while i < self.data.len() && matches!(self.data[i], b'\r' | b'\n') {
                i += 1;
            }
            let at_line_start = i == 0 || self.data[i - 1] == b'\n';
            match (self.comment, self.data.get(i)) {
                (Some(c), Some(&b)) if b == c && at_line_start => {
                    match self.data[i..].iter().position(|&b| b == b'\n') {
                        Some(n) => i += n + 1,
                        None => i = self.data.len(),
                    }
                }
                _ => break,
            }
        }
        self.newlines.partition_point(|&n| n < i) as u64 + 1
    }

    /// The line of a record, from its position.
    pub(crate) fn line(&self, pos: Option<&csv::Position>) -> u64 {
        pos.map_or(0, |p| self.line_of(p.byte()))
    }

    /// Reads the next CSV record into `rec` and counts it in `report`:
    /// `Some(location)`, or `None` at the end. A malformed record is
    /// reported as rejected and skipped; only I/O errors stop the reading.
    pub(crate) fn next_record(
        &self,
        rdr: &mut csv::Reader<&[u8]>,
        rec: &mut csv::ByteRecord,
        report: &mut crate::error::Report,
    ) -> crate::error::Result<Option<crate::error::Location>> {
        loop {
            match rdr.read_byte_record(rec) {
                Ok(true) => {
                    report.rows += 1;
                    return Ok(Some(crate::error::Location::Line(self.line(rec.position()))));
                }
                Ok(false) => return Ok(None),
                Err(e) if e.is_io_error() => return Err(e.into()),
                Err(e) => {
                    report.rows += 1;
                    report.reject(crate::error::Location::Line(self.line(e.position())), format!("unreadable CSV record: {e}"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &str, comment: Option<u8>) -> Vec<(String, u64)> {
        let idx = LineIndex::new(data.as_bytes(), comment);
        let mut r = csv::ReaderBuilder::new().flexible(true).comment(comment).from_reader(data.as_bytes());
        r.byte_headers().unwrap();
        let mut out = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec).unwrap() {
            out.push((String::from_utf8_lossy(&rec[0]).into_owned(), idx.line(rec.position())));
        }
        out
    }

    #[test]
    fn lines_are_exact() {
        let want = |v: &[(&str, u64)]| v.iter().map(|(s, l)| (s.to_string(), *l)).collect::<Vec<_>>();
        assert_eq!(lines("h\na\nb\n", None), want(&[("a", 2), ("b", 3)]));
        assert_eq!(lines("h\r\na\r\n\r\n\r\nb\r\n", None), want(&[("a", 2), ("b", 5)]));
        assert_eq!(lines("h\na\n#x\n\n#y\nb", Some(b'#')), want(&[("a", 2), ("b", 6)]));
        assert_eq!(lines("h\n\"a\nx\"\nb\n", None), want(&[("a\nx", 2), ("b", 4)]));
        assert_eq!(lines("h\n,1\n", None), want(&[("", 2)]));
    }
}
