//! Conversion of public sanction lists into watchlist entries
//! (`mmsi,imo,name,list,reason`); `docs/watchlists.md` describes the mapping.
//!
//! - [`convert_eu_annex_xlii`]: the EU "List of designated vessels" of
//!   Council Regulation (EU) No 833/2014, Annex XLII, as the semicolon
//!   CSV `Vessel name;IMO number ;Date of application`. List
//!   [`LIST_EU_XLII`].
//! - [`convert_ofac_sdn`]: OFAC SDN vessels as the JSON extract
//!   `{"count": n, "vessels": [{"imo", "name", "programs",
//!   "designation_date", "vessel_info": {...}}]}`. List [`LIST_OFAC_SDN`].
//!
//! Each returns the entries and a [`Report`] that accounts for every source
//! row: accepted, or rejected with its line (CSV) or index (JSON) and why.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, ErrorKind, Location, Report, Result};
use crate::lines::LineIndex;
use crate::mmsi::{mmsi_kind, MmsiKind};
use crate::watchlist::{imo_check_digit_ok, parse_imo, WatchEntry};

/// List name of entries from the EU Annex XLII list.
pub const LIST_EU_XLII: &str = "EU-833/2014-XLII";
/// List name of entries from the OFAC SDN list.
pub const LIST_OFAC_SDN: &str = "OFAC-SDN";

/// Converted entries and what happened to each source row.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// Watchlist entries, in source order; a vessel with former names
    /// is followed by one entry per former name.
    pub entries: Vec<WatchEntry>,
    /// One row per source vessel record.
    pub report: Report,
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::from(e).in_file(path))
}

/// Converts the EU Annex XLII designated-vessel CSV (see the module docs).
///
/// The file is read as UTF-8, or as Windows-1252 if it is not valid UTF-8
/// (the published file is; a warning says so).
pub fn convert_eu_annex_xlii(path: impl AsRef<Path>) -> Result<Converted> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    convert_eu_annex_xlii_bytes(&bytes, &path.display().to_string()).map_err(|e| e.in_file(path))
}

/// [`convert_eu_annex_xlii`] on bytes already read; `source` names them in the report.
pub fn convert_eu_annex_xlii_bytes(bytes: &[u8], source: &str) -> Result<Converted> {
    let mut report = Report::new(source);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            report.warn(
                Location::File,
                format!("not UTF-8 (first bad byte at offset {}); read as Windows-1252", e.valid_up_to()),
            );
            decode_windows_1252(bytes)
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let lines = LineIndex::new(text.as_bytes(), None);
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(b';').flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(c_name), Some(c_imo)) = (col("Vessel name"), col("IMO number")) else {
        return Err(Error::new(ErrorKind::MissingColumns(format!(
            "need `Vessel name;IMO number;Date of application`, found {:?}",
            headers.iter().collect::<Vec<_>>().join(";")
        )))
        .at_line(1));
    };
    let c_date = col("Date of application");
    if c_date.is_none() {
        report.warn(Location::Line(1), "no `Date of application` column; reasons carry no date");
    }
    let mut out = Converted::default();
    let mut seen: HashMap<(String, Option<u32>, String), u64> = HashMap::new();
    let mut imo_lines: HashMap<u32, u64> = HashMap::new();
    for rec in rdr.records() {
        report.rows += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                report.reject(Location::Line(lines.line(e.position())), format!("unreadable CSV record: {e}"));
                continue;
            }
        };
        let line = lines.line(rec.position());
        let at = Location::Line(line);
        let raw_name = clean_spaces(rec.get(c_name).unwrap_or(""));
        let raw_imo = rec.get(c_imo).unwrap_or("");
        let raw_date = c_date.and_then(|c| rec.get(c)).unwrap_or("");
        let names = split_former_names(&raw_name);
        if names.unclosed {
            report.warn(at, format!("name {raw_name:?} has an unclosed \"(formerly\"; read as if closed"));
        }
        let imo = match parse_imo(raw_imo) {
            Some(n) => {
                if !imo_check_digit_ok(n) {
                    report.warn(at, format!("IMO {n:07} fails the check digit; kept"));
                }
                Some(n)
            }
            None => {
                if !raw_imo.is_empty() {
                    report.warn(at, format!("IMO number {raw_imo:?} is not 7 digits; left empty"));
                }
                None
            }
        };
        if imo.is_none() && names.current.is_empty() {
            report.reject(at, "no IMO number and no name");
            continue;
        }
        let date = if raw_date.is_empty() {
            None
        } else {
            match dmy_to_iso(raw_date, '.') {
                Some(d) => Some(d),
                None => {
                    report.warn(at, format!("date {raw_date:?} is not DD.MM.YYYY; kept as given"));
                    Some(raw_date.to_string())
                }
            }
        };
        let key = (names.current.clone(), imo, raw_date.to_string());
        if let Some(first) = seen.get(&key) {
            report.reject(at, format!("exact duplicate of line {first} ({raw_name}, IMO {})", raw_imo.trim()));
            continue;
        }
        seen.insert(key, line);
        if let Some(n) = imo {
            if let Some(first) = imo_lines.get(&n) {
                report.warn(at, format!("IMO {n:07} also on line {first}; both kept"));
            } else {
                imo_lines.insert(n, line);
            }
        }
        report.accepted += 1;
        let base = match &date {
            Some(d) => format!(
                "EU Reg. 833/2014 Annex XLII designated vessel (port access and services ban), applies from {d}"
            ),
            None => "EU Reg. 833/2014 Annex XLII designated vessel (port access and services ban)".to_string(),
        };
        let formerly =
            if names.former.is_empty() { String::new() } else { format!("; formerly {}", names.former.join(", ")) };
        out.entries.push(WatchEntry {
            mmsi: None,
            imo,
            name: names.current.clone(),
            list: LIST_EU_XLII.to_string(),
            reason: format!("{base}{formerly}"),
        });
        for f in &names.former {
            out.entries.push(WatchEntry {
                mmsi: None,
                imo,
                name: f.clone(),
                list: LIST_EU_XLII.to_string(),
                reason: format!("{base}; former name of {}", names.current),
            });
        }
    }
    out.report = report;
    Ok(out)
}

/// Converts the OFAC SDN vessel JSON (see the module docs and
/// `docs/watchlists.md` for which fields go where).
pub fn convert_ofac_sdn(path: impl AsRef<Path>) -> Result<Converted> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    convert_ofac_sdn_reader(&bytes[..], &path.display().to_string()).map_err(|e| e.in_file(path))
}

/// [`convert_ofac_sdn`] from a reader; `source` names it in the report.
pub fn convert_ofac_sdn_reader(reader: impl Read, source: &str) -> Result<Converted> {
    let doc: Value = serde_json::from_reader(reader)?;
    let Some(vessels) = doc.get("vessels").and_then(Value::as_array) else {
        return Err(Error::new(ErrorKind::MissingColumns("a top-level \"vessels\" array".to_string())));
    };
    let mut report = Report::new(source);
    if let Some(n) = doc.get("count").and_then(Value::as_u64) {
        if n != vessels.len() as u64 {
            report.warn(Location::File, format!("\"count\" is {n} but \"vessels\" has {}", vessels.len()));
        }
    }
    let mut out = Converted::default();
    let mut seen: HashMap<WatchEntry, usize> = HashMap::new();
    let mut imo_at: HashMap<u32, usize> = HashMap::new();
    for (i, v) in vessels.iter().enumerate() {
        report.rows += 1;
        let at = Location::Record(i);
        if !v.is_object() {
            report.reject(at, "not a JSON object");
            continue;
        }
        let info = v.get("vessel_info").filter(|x| x.is_object()).unwrap_or(&Value::Null);
        let name = v.get("name").and_then(Value::as_str).map(clean_spaces).unwrap_or_default();
        let imo = match v.get("imo") {
            None | Some(Value::Null) => None,
            Some(x) => {
                let s = scalar_text(x);
                match parse_imo(&s) {
                    Some(n) => {
                        if !imo_check_digit_ok(n) {
                            report.warn(at, format!("IMO {n:07} fails the check digit; kept"));
                        }
                        Some(n)
                    }
                    None => {
                        report.warn(at, format!("imo {s:?} is not a 7-digit IMO number; left empty"));
                        None
                    }
                }
            }
        };
        let mmsi = match info.get("mmsi").or_else(|| v.get("mmsi")) {
            None | Some(Value::Null) => None,
            Some(x) => {
                let s = scalar_text(x);
                match s.parse::<u32>() {
                    Ok(m) if s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()) => {
                        if let MmsiKind::Invalid(why) = mmsi_kind(m) {
                            report.warn(at, format!("mmsi {m:09} is not valid ({why}); kept"));
                        }
                        Some(m)
                    }
                    _ => {
                        report.warn(at, format!("mmsi {s:?} is not 1-9 digits; left empty"));
                        None
                    }
                }
            }
        };
        if imo.is_none() && mmsi.is_none() && name.is_empty() {
            report.reject(at, "no IMO number, MMSI or name");
            continue;
        }
        let programs: Vec<&str> = v
            .get("programs")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::trim).filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let mut reason = if programs.is_empty() {
            "OFAC SDN".to_string()
        } else {
            format!("OFAC SDN programs {}", programs.join(", "))
        };
        if let Some(d) = v.get("designation_date").and_then(Value::as_str).map(str::trim).filter(|d| !d.is_empty()) {
            let iso = mdy_slash_to_iso(d).unwrap_or_else(|| {
                report.warn(at, format!("designation_date {d:?} is not MM/DD/YYYY; kept as given"));
                d.to_string()
            });
            reason.push_str(&format!("; date {iso}"));
        }
        for (key, label) in [("flag", "flag"), ("call_sign", "call sign"), ("vessel_type", "")] {
            if let Some(s) = info.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
                if label.is_empty() {
                    reason.push_str(&format!("; {s}"));
                } else {
                    reason.push_str(&format!("; {label} {s}"));
                }
            }
        }
        let entry = WatchEntry { mmsi, imo, name, list: LIST_OFAC_SDN.to_string(), reason };
        if let Some(first) = seen.get(&entry) {
            report.reject(at, format!("exact duplicate of record {first}"));
            continue;
        }
        if let Some(n) = imo {
            match imo_at.get(&n) {
                Some(first) => {
                    report.warn(at, format!("IMO {n:07} also at record {first} (different programs); both kept"))
                }
                None => {
                    imo_at.insert(n, i);
                }
            }
        }
        seen.insert(entry.clone(), i);
        report.accepted += 1;
        out.entries.push(entry);
    }
    out.report = report;
    Ok(out)
}

/// Writes entries as a watchlist CSV: the header `mmsi,imo,name,list,reason`,
/// then one row per entry (MMSI as 9 digits, IMO as 7 digits, empty when
/// absent). [`Watchlist::load`](crate::Watchlist::load) reads it back.
pub fn write_csv<'a, W: Write>(entries: impl IntoIterator<Item = &'a WatchEntry>, writer: W) -> Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(writer);
    w.write_record(["mmsi", "imo", "name", "list", "reason"])?;
    for e in entries {
        let mmsi = e.mmsi.map(|m| format!("{m:09}")).unwrap_or_default();
        let imo = e.imo.map(|n| format!("{n:07}")).unwrap_or_default();
        w.write_record([mmsi.as_str(), imo.as_str(), e.name.as_str(), e.list.as_str(), e.reason.as_str()])?;
    }
    w.flush()?;
    Ok(())
}

/// A JSON number or string as text.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

/// No-break spaces to spaces, runs of whitespace to one space, trimmed.
fn clean_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Names {
    current: String,
    former: Vec<String>,
    unclosed: bool,
}

/// `Apar (formerly Feng Shou; Andromeda Star)` → `Apar`, [`Feng Shou`,
/// `Andromeda Star`]. Any other parenthetical stays in the name.
fn split_former_names(name: &str) -> Names {
    // ASCII lower-casing keeps byte offsets, so they index `name` too.
    let ascii_lower = name.to_ascii_lowercase();
    if let Some(open) = ascii_lower.find("(formerly") {
        let current = name[..open].trim().to_string();
        let rest = &name[open + "(formerly".len()..];
        let (inner, unclosed) = match rest.find(')') {
            Some(close) => (&rest[..close], false),
            None => (rest, true),
        };
        let former = inner.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        if !current.is_empty() {
            return Names { current, former, unclosed };
        }
    }
    Names { current: name.trim().to_string(), former: Vec::new(), unclosed: false }
}

/// `21.05.2025` (with `sep` = `.`) → `2025-05-21`.
fn dmy_to_iso(s: &str, sep: char) -> Option<String> {
    let mut it = s.trim().split(sep);
    let (d, m, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    iso_date(y, m, d)
}

/// `03/20/2026` → `2026-03-20`.
fn mdy_slash_to_iso(s: &str) -> Option<String> {
    let mut it = s.trim().split('/');
    let (m, d, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    iso_date(y, m, d)
}

fn iso_date(y: &str, m: &str, d: &str) -> Option<String> {
    let num = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let (y, m, d) = (num(y, 4..=4)?, num(m, 1..=2)?, num(d, 1..=2)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Decodes Windows-1252 (bytes 0x80–0x9F per the WHATWG table; the five
/// unassigned ones become the C1 controls of the same value).
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2c6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}',
        '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[(b - 0x80) as usize],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_names() {
        let n = split_former_names("Apar (formerly Feng Shou; Andromeda Star)");
        assert_eq!(
            (n.current.as_str(), n.former.as_slice(), n.unclosed),
            ("Apar", &["Feng Shou".to_string(), "Andromeda Star".to_string()][..], false)
        );
        let n = split_former_names("Quartanus (formerly Morpheus");
        assert_eq!((n.current.as_str(), n.former.len(), n.unclosed), ("Quartanus", 1, true));
        let n = split_former_names("Nova Crest (Formerly Hasan East)");
        assert_eq!(n.former, ["Hasan East"]);
        let n = split_former_names("Eagle S");
        assert_eq!((n.current.as_str(), n.former.len()), ("Eagle S", 0));
    }

    #[test]
    fn dates_and_encoding() {
        assert_eq!(dmy_to_iso("21.05.2025", '.').as_deref(), Some("2025-05-21"));
        assert_eq!(mdy_slash_to_iso("03/20/2026").as_deref(), Some("2026-03-20"));
        assert_eq!(dmy_to_iso("32.01.2025", '.'), None);
        assert_eq!(dmy_to_iso("1.1.25", '.'), None);
        assert_eq!(decode_windows_1252(b"a\xa0b\x80\xe9"), "a\u{a0}b\u{20ac}\u{e9}");
    }

    #[test]
    fn eu_rows_accounted() {
        let data = b"Vessel name;IMO number ;Date of application\r\n\
                     Eagle S;9329760;21.05.2025\r\n\
                     Eagle S;9329760;21.05.2025\r\n\
                     ;;\r\n\
                     Odd;IMO 1234568;soon\r\n\
                     Q (formerly\xa0M;9247443;21.05.2025\r\n";
        let c = convert_eu_annex_xlii_bytes(data, "t").unwrap();
        let r = &c.report;
        assert_eq!((r.rows, r.accepted, r.rejected.len()), (5, 3, 2), "{r}");
        assert_eq!(r.rejected[0].location, Location::Line(3));
        assert_eq!(r.rejected[1].location, Location::Line(4));
        // encoding, bad check digit, bad date, unclosed paren
        assert_eq!(r.warnings.len(), 4, "{r}");
        assert_eq!(c.entries.len(), 4);
        assert_eq!(c.entries[2].reason, "EU Reg. 833/2014 Annex XLII designated vessel (port access and services ban), applies from 2025-05-21; formerly M");
        assert_eq!((c.entries[3].name.as_str(), c.entries[3].imo), ("M", Some(9247443)));
    }

    #[test]
    fn ofac_records_accounted() {
        let json = r#"{"count": 5, "vessels": [
            {"imo": 9313149, "name": "TASCA", "programs": ["RUSSIA-EO14024"], "designation_date": "03/20/2026",
             "vessel_info": {"call_sign": "3E2647", "vessel_type": "Crude Oil Tanker", "flag": "Panama", "mmsi": "352001234"}},
            {"imo": 9313149, "name": "TASCA", "programs": ["RUSSIA-EO14024"], "designation_date": "03/20/2026",
             "vessel_info": {"call_sign": "3E2647", "vessel_type": "Crude Oil Tanker", "flag": "Panama", "mmsi": "352001234"}},
            {"imo": "IMO 9313149", "name": "TASCA", "programs": ["IRAN-EO13846"]},
            {"programs": []},
            7
        ]}"#;
        let c = convert_ofac_sdn_reader(json.as_bytes(), "t").unwrap();
        let r = &c.report;
        assert_eq!((r.rows, r.accepted, r.rejected.len()), (5, 2, 3), "{r}");
        assert_eq!(r.warnings.len(), 1, "{r}");
        assert_eq!(c.entries[0].mmsi, Some(352001234));
        assert_eq!(
            c.entries[0].reason,
            "OFAC SDN programs RUSSIA-EO14024; date 2026-03-20; flag Panama; call sign 3E2647; Crude Oil Tanker"
        );
        assert_eq!(c.entries[1].reason, "OFAC SDN programs IRAN-EO13846");
        assert!(convert_ofac_sdn_reader(&b"[]"[..], "t").is_err());
        assert!(convert_ofac_sdn_reader(&b"{"[..], "t").is_err());
    }

    #[test]
    fn csv_round_trip() {
        let entries = vec![
            WatchEntry {
                mmsi: Some(2_300_100),
                imo: None,
                name: "Coast, \"quoted\"".into(),
                list: "L".into(),
                reason: "a; b".into(),
            },
            WatchEntry {
                mmsi: None,
                imo: Some(9329760),
                name: "EAGLE S".into(),
                list: LIST_EU_XLII.into(),
                reason: String::new(),
            },
        ];
        let mut buf = Vec::new();
        write_csv(&entries, &mut buf).unwrap();
        assert!(buf.starts_with(b"mmsi,imo,name,list,reason\n002300100,,"));
        let w = crate::Watchlist::from_reader(&buf[..], "t").unwrap();
        assert_eq!(w.entries(), &entries[..]);
        assert!(w.reports()[0].is_clean());
    }
}
