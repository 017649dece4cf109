//! Vessel watchlists: CSV files of `mmsi,imo,name,list,reason`, merged and
//! indexed by MMSI, IMO number and normalised name.
//!
//! ## File format
//!
//! - A header line is required. Column names are matched case-insensitively;
//!   `mmsi`, `imo`, `name`, `list`, `reason` may come in any order, any of
//!   them may be missing from the header as long as one of `mmsi`, `imo`,
//!   `name` is present, and other columns are ignored.
//! - Fields are trimmed; any may be empty. Blank lines and lines starting
//!   with `#` are skipped. A row shorter than the header has empty fields.
//! - `mmsi`: up to nine digits (leading zeros allowed). An MMSI that
//!   [`mmsi_kind`] finds invalid is kept, with a warning.
//! - `imo`: seven digits, with or without an `IMO` prefix (`IMO 9329760`,
//!   `IMO9329760`). A number failing the IMO check digit is kept, with a
//!   warning.
//! - A malformed `mmsi` or `imo` (not digits, wrong length) is dropped from
//!   the row with a warning; the row is kept if it still has an MMSI, IMO
//!   number or name, and rejected otherwise.
//!
//! Every row is accounted for in the [`Report`]: accepted (possibly with
//! warnings) or rejected, with its line number.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Location, Report, Result};
use crate::lines::LineIndex;
use crate::mmsi::{mmsi_kind, MmsiKind};

/// One watchlist row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WatchEntry {
    /// MMSI, if listed.
    pub mmsi: Option<u32>,
    /// IMO ship identification number (7 digits), if listed.
    pub imo: Option<u32>,
    /// Vessel name as listed (not normalised); may be empty.
    pub name: String,
    /// List name, e.g. `EU-833/2014-XLII`, `OFAC-SDN`; may be empty.
    pub list: String,
    /// Why the vessel is listed; may be empty.
    pub reason: String,
}

/// Which identifier a [`Match`] was found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchedOn {
    /// The MMSI.
    Mmsi,
    /// The IMO number.
    Imo,
    /// The normalised name.
    Name,
}

impl MatchedOn {
    /// `mmsi`, `imo` or `name`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedOn::Mmsi => "mmsi",
            MatchedOn::Imo => "imo",
            MatchedOn::Name => "name",
        }
    }
}

/// A watchlist entry matching a vessel, from [`Watchlist::matches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'a> {
    /// The entry.
    pub entry: &'a WatchEntry,
    /// What matched.
    pub on: MatchedOn,
}

/// Entries from one or more watchlists, with lookups.
///
/// Lookups return every matching entry in load order; the same vessel may be
/// on several lists (and several times on one), and each entry is returned.
#[derive(Debug, Clone, Default)]
pub struct Watchlist {
    entries: Vec<WatchEntry>,
    mmsi: HashMap<u32, Vec<u32>>,
    imo: HashMap<u32, Vec<u32>>,
    name: HashMap<String, Vec<u32>>,
    reports: Vec<Report>,
}

impl Watchlist {
    /// An empty watchlist.
    pub fn new() -> Watchlist {
        Watchlist::default()
    }

    /// Loads one watchlist CSV (see the module docs for the format).
    /// Fails only if the file cannot be read or has no usable header;
    /// row problems are in [`Watchlist::reports`].
    pub fn load(path: impl AsRef<Path>) -> Result<Watchlist> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::from(e).in_file(path))?;
        Watchlist::from_reader(std::io::BufReader::new(file), &path.display().to_string()).map_err(|e| e.in_file(path))
    }

    /// Loads several watchlist CSVs and merges them, in order.
    pub fn load_all<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Watchlist> {
        let mut w = Watchlist::new();
        for p in paths {
            w.merge(Watchlist::load(p)?);
        }
        Ok(w)
    }

    /// Reads a watchlist CSV from `reader`; `source` names it in the report.
    pub fn from_reader(reader: impl Read, source: &str) -> Result<Watchlist> {
        let mut w = Watchlist::new();
        let report = read_csv(reader, source, &mut |e| w.push(e))?;
        w.reports.push(report);
        Ok(w)
    }

    /// A watchlist of `entries` (e.g. straight from a converter).
    pub fn from_entries(entries: impl IntoIterator<Item = WatchEntry>) -> Watchlist {
        let mut w = Watchlist::new();
        w.extend(entries);
        w
    }

    /// Adds one entry.
    pub fn push(&mut self, entry: WatchEntry) {
        let i = self.entries.len() as u32;
        if let Some(m) = entry.mmsi {
            self.mmsi.entry(m).or_default().push(i);
        }
        if let Some(n) = entry.imo {
            self.imo.entry(n).or_default().push(i);
        }
        let key = normalise_name(&entry.name);
        if !key.is_empty() {
            self.name.entry(key).or_default().push(i);
        }
        self.entries.push(entry);
    }

    /// Appends all entries and reports of `other`.
    pub fn merge(&mut self, other: Watchlist) {
        self.extend(other.entries);
        self.reports.extend(other.reports);
    }

    /// Entries with this MMSI.
    pub fn by_mmsi(&self, mmsi: u32) -> Vec<&WatchEntry> {
        self.collect(self.mmsi.get(&mmsi))
    }

    /// Entries with this IMO number.
    pub fn by_imo(&self, imo: u32) -> Vec<&WatchEntry> {
        self.collect(self.imo.get(&imo))
    }

    /// Entries whose name equals `name` after [`normalise_name`]
    /// (`Eagle S`, `EAGLE-S` and ` eagle  s ` all match `EAGLE S`).
    pub fn by_name(&self, name: &str) -> Vec<&WatchEntry> {
        let key = normalise_name(name);
        if key.is_empty() {
            return Vec::new();
        }
        self.collect(self.name.get(&key))
    }

    /// Every entry matching any of the vessel's identifiers, each once, under
    /// the strongest key it matched: MMSI matches first, then IMO, then name
    /// (load order within each). `mmsi`/`imo` of `None` and an empty `name`
    /// are not looked up.
    ///
    /// ```
    /// use seawarden_registry::{MatchedOn, WatchEntry, Watchlist};
    /// let w = Watchlist::from_entries([
    ///     WatchEntry { imo: Some(9329760), name: "EAGLE S".into(), ..WatchEntry::default() },
    /// ]);
    /// let m = w.matches(Some(518_100_001), Some(9329760), "Eagle S");
    /// assert_eq!((m.len(), m[0].on), (1, MatchedOn::Imo));
    /// ```
    pub fn matches(&self, mmsi: Option<u32>, imo: Option<u32>, name: &str) -> Vec<Match<'_>> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let key = if self.name.is_empty() { String::new() } else { normalise_name(name) };
        let lists = [
            (MatchedOn::Mmsi, mmsi.and_then(|m| self.mmsi.get(&m))),
            (MatchedOn::Imo, imo.and_then(|n| self.imo.get(&n))),
            (MatchedOn::Name, if key.is_empty() { None } else { self.name.get(&key) }),
        ];
        let mut seen: Vec<u32> = Vec::new();
        let mut out = Vec::new();
        for (on, idx) in lists {
            for &i in idx.map_or(&[][..], Vec::as_slice) {
                if !seen.contains(&i) {
                    seen.push(i);
                    out.push(Match { entry: &self.entries[i as usize], on });
                }
            }
        }
        out
    }

    fn collect(&self, idx: Option<&Vec<u32>>) -> Vec<&WatchEntry> {
        idx.map_or_else(Vec::new, |v| v.iter().map(|&i| &self.entries[i as usize]).collect())
    }

    /// All entries, in load order.
    pub fn entries(&self) -> &[WatchEntry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One report per file loaded (merged lists keep all of them).
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }
}

impl Extend<WatchEntry> for Watchlist {
    fn extend<T: IntoIterator<Item = WatchEntry>>(&mut self, iter: T) {
        for e in iter {
            self.push(e);
        }
    }
}

/// Reads watchlist rows, calling `sink` for each accepted entry.
fn read_csv(mut reader: impl Read, source: &str, sink: &mut dyn FnMut(WatchEntry)) -> Result<Report> {
    let mut data = Vec::new();
    reader.read_to_end(&mut data)?;
    let lines = LineIndex::new(&data, Some(b'#'));
    let mut rdr =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).comment(Some(b'#')).from_reader(&data[..]);
    let headers = rdr.byte_headers()?.clone();
    if headers.is_empty() {
        return Err(Error::new(ErrorKind::Empty).at_line(1));
    }
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(name))
    };
    let (c_mmsi, c_imo, c_name, c_list, c_reason) = (col("mmsi"), col("imo"), col("name"), col("list"), col("reason"));
    if c_mmsi.is_none() && c_imo.is_none() && c_name.is_none() {
        let found = String::from_utf8_lossy(headers.as_slice()).into_owned();
        return Err(Error::new(ErrorKind::MissingColumns(format!(
            "need a header with at least one of mmsi, imo, name (columns mmsi,imo,name,list,reason); first line has {found:?}"
        )))
        .at_line(1));
    }
    let mut report = Report::new(source);
    let mut rec = csv::ByteRecord::new();
    while let Some(at) = lines.next_record(&mut rdr, &mut rec, &mut report)? {
        let mut fields = [c_mmsi, c_imo, c_name, c_list, c_reason]
            .map(|c| c.and_then(|i| rec.get(i)).map(|b| std::str::from_utf8(b).map(str::trim)));
        if fields.iter().any(|f| matches!(f, Some(Err(_)))) {
            report.reject(at, "not UTF-8");
            continue;
        }
        let [mmsi_s, imo_s, name, list, reason] = fields.each_mut().map(|f| match f {
            Some(Ok(s)) => *s,
            _ => "",
        });
        let mmsi = check_mmsi(mmsi_s, at, &mut report);
        let imo = check_imo(imo_s, at, &mut report);
        if mmsi.is_none() && imo.is_none() && name.is_empty() {
            let why = if mmsi_s.is_empty() && imo_s.is_empty() {
                "no mmsi, imo or name"
            } else {
                "no usable mmsi, imo or name"
            };
            report.reject(at, why);
            continue;
        }
        report.accepted += 1;
        sink(WatchEntry { mmsi, imo, name: name.to_string(), list: list.to_string(), reason: reason.to_string() });
    }
    Ok(report)
}

fn check_mmsi(s: &str, at: Location, report: &mut Report) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        report.warn(at, format!("mmsi {s:?} is not 1-9 digits; field ignored"));
        return None;
    }
    let m = s.parse::<u32>().ok()?;
    if let MmsiKind::Invalid(why) = mmsi_kind(m) {
        report.warn(at, format!("mmsi {m:09} is not valid ({why}); kept"));
    }
    Some(m)
}

fn check_imo(s: &str, at: Location, report: &mut Report) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    match parse_imo(s) {
        Some(n) => {
            if !imo_check_digit_ok(n) {
                report.warn(at, format!("IMO {n:07} fails the check digit; kept"));
            }
            Some(n)
        }
        None => {
            report.warn(at, format!("imo {s:?} is not a 7-digit IMO number; field ignored"));
            None
        }
    }
}

/// Parses an IMO number: seven digits, optionally after `IMO` (any case)
/// and spaces, `:` or `-`; `None` otherwise. Does not check the check digit
/// (see [`imo_check_digit_ok`]).
///
/// ```
/// use seawarden_registry::parse_imo;
/// assert_eq!(parse_imo("IMO 9329760"), Some(9329760));
/// assert_eq!(parse_imo("imo9329760"), Some(9329760));
/// assert_eq!(parse_imo("932976"), None);
/// ```
pub fn parse_imo(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits = match s.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("IMO") => s[3..].trim_start_matches([' ', ':', '-', '\u{a0}']),
        _ => s,
    };
    if digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// True if `imo` is a seven-digit number whose last digit is the IMO check
/// digit: the sum of the first six digits weighted 7, 6, 5, 4, 3, 2, mod 10.
///
/// ```
/// assert!(seawarden_registry::imo_check_digit_ok(9329760)); // EAGLE S
/// assert!(!seawarden_registry::imo_check_digit_ok(9329761));
/// ```
pub fn imo_check_digit_ok(imo: u32) -> bool {
    if !(1_000_000..=9_999_999).contains(&imo) {
        return false;
    }
    let mut n = imo / 10;
    let mut sum = 0;
    for w in 2..=7 {
        sum += (n % 10) * w;
        n /= 10;
    }
    sum % 10 == imo % 10
}

/// The form names are compared in: upper case, apostrophes removed, other
/// punctuation turned into spaces, runs of whitespace collapsed to one space,
/// trimmed. `M/T Eagle-S` → `M T EAGLE S`; `O'Neil` → `ONEIL`; AIS `@`
/// padding disappears.
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_uppercase());
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names() {
        assert_eq!(normalise_name("  Eagle   S "), "EAGLE S");
        assert_eq!(normalise_name("EAGLE-S"), "EAGLE S");
        assert_eq!(normalise_name("S. KUZNETSOV"), "S KUZNETSOV");
        assert_eq!(normalise_name("O'Neil"), "ONEIL");
        assert_eq!(normalise_name("EAGLE S@@@@@@"), "EAGLE S");
        assert_eq!(normalise_name("Dorin (formerly E\u{a0}Mei Shan)"), "DORIN FORMERLY E MEI SHAN");
        assert_eq!(normalise_name("--"), "");
    }

    #[test]
    fn imo_parse_and_check() {
        assert_eq!(parse_imo("IMO: 9329760"), Some(9329760));
        assert_eq!(parse_imo("IMO-9329760"), Some(9329760));
        assert_eq!(parse_imo("93297600"), None);
        assert_eq!(parse_imo("93297a0"), None);
        assert_eq!(parse_imo("IMO"), None);
        assert_eq!(parse_imo("ÅÅÅ1234567"), None);
        assert!(!imo_check_digit_ok(0));
        assert!(!imo_check_digit_ok(99_999_999));
    }

    #[test]
    fn rows_are_accepted_warned_or_rejected_with_lines() {
        let csv = "\u{feff}Name,IMO,MMSI,extra,list,reason\n\
                   Eagle S,IMO 9329760,518100001,x,demo,cable incident\n\
                   \n\
                   # a comment\n\
                   Bad Check,9329761,,x,demo,\n\
                   ,,,,demo,nothing\n\
                   Junk Ids,12,abc\n\
                   ,1234,xyz\n\
                   Short\n\
                   Fake,,123456789\n";
        let w = Watchlist::from_reader(csv.as_bytes(), "test").unwrap();
        let r = &w.reports()[0];
        assert_eq!((r.rows, r.accepted), (7, 5), "{r}");
        assert_eq!(r.rows, r.accepted + r.rejected.len() as u64);
        let rejected: Vec<_> = r.rejected.iter().map(|i| i.location).collect();
        assert_eq!(rejected, [Location::Line(6), Location::Line(8)], "{r}");
        let warned: Vec<_> = r.warnings.iter().map(|i| i.location).collect();
        assert_eq!(
            warned,
            [
                Location::Line(5),
                Location::Line(7),
                Location::Line(7),
                Location::Line(8),
                Location::Line(8),
                Location::Line(10)
            ],
            "{r}"
        );
        let e = &w.by_imo(9329760)[0];
        assert_eq!(
            (e.mmsi, e.name.as_str(), e.list.as_str(), e.reason.as_str()),
            (Some(518100001), "Eagle S", "demo", "cable incident")
        );
        assert_eq!(w.by_name("EAGLE-S").len(), 1);
        assert_eq!(w.by_mmsi(518100001).len(), 1);
        assert_eq!(w.by_imo(9329761)[0].name, "Bad Check");
        assert_eq!(w.by_name("junk ids")[0].imo, None);
        assert_eq!(w.by_name("short").len(), 1);
        assert_eq!(w.by_mmsi(123456789).len(), 1);
        assert!(w.by_name("").is_empty());
    }

    #[test]
    fn header_is_required() {
        let e = Watchlist::from_reader("230123456,9329760,EAGLE S\n".as_bytes(), "t").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::MissingColumns(_)));
        assert_eq!(e.line(), Some(1));
        let e = Watchlist::from_reader("".as_bytes(), "t").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Empty), "{e}");
    }

    #[test]
    fn invalid_utf8_row_is_rejected_not_fatal() {
        let mut data = b"mmsi,name\n230123456,OK\n230123457,B\xe4d\n".to_vec();
        data.extend_from_slice(b"230123458,Fine\n");
        let w = Watchlist::from_reader(&data[..], "t").unwrap();
        let r = &w.reports()[0];
        assert_eq!((r.rows, r.accepted, r.rejected.len()), (3, 2, 1));
        assert_eq!(r.rejected[0].location, Location::Line(3));
    }

    #[test]
    fn merge_keeps_all_entries_and_reports() {
        let a = Watchlist::from_reader("imo,list\n9329760,A\n".as_bytes(), "a").unwrap();
        let b = Watchlist::from_reader("imo,list\n9329760,B\n".as_bytes(), "b").unwrap();
        let mut w = a;
        w.merge(b);
        let lists: Vec<_> = w.by_imo(9329760).iter().map(|e| e.list.as_str()).collect();
        assert_eq!(lists, ["A", "B"]);
        assert_eq!(w.reports().len(), 2);
    }
}
