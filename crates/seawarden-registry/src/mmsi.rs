//! MMSI structure (ITU-R M.585-9) and the MID → flag table.
//!
//! An MMSI is nine digits; leading zeros are significant, so a `u32` MMSI is
//! read as its nine-digit zero-padded form (`2300001` is `002300001`, a coast
//! station of Finland). The Maritime Identification Digits (MID, 201–775)
//! name the administration that assigned it, which for a ship is its flag.
//!
//! The MID table is the ITU list as published in
//! `data/MaritimeIdentificationDigits.csv` (from jordanbell2357/uscg-nais-data,
//! see `data/README.md`), embedded in the binary.

use std::fmt;
use std::sync::OnceLock;

use crate::country;

/// What kind of station an MMSI identifies (ITU-R M.585-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MmsiKind {
    /// Ship station, `MIDxxxxxx`.
    Ship {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// Group of ship stations, `0MIDxxxxx`.
    Group {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// Coast station (including AIS base stations), `00MIDxxxx`.
    CoastStation {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// SAR aircraft, `111MIDxxx`.
    SarAircraft {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// Aid to navigation (physical or virtual), `99MIDxxxx`.
    AidToNavigation {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// Craft associated with a parent ship (tender, lifeboat), `98MIDxxxx`.
    AuxiliaryCraft {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// Handheld VHF transceiver with DSC and GNSS, `8MIDxxxxx`.
    HandheldVhf {
        /// Maritime Identification Digits.
        mid: u16,
    },
    /// AIS search and rescue transmitter, `970xxyyyy`.
    AisSart,
    /// Man-overboard device, `972xxyyyy`.
    ManOverboard,
    /// EPIRB with AIS, `974xxyyyy`.
    EpirbAis,
    /// Not a usable MMSI; the reason says why.
    Invalid(InvalidMmsi),
}

/// Why an MMSI is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidMmsi {
    /// More than nine digits.
    TooLong,
    /// `000000000`.
    Zero,
    /// A number people type when they do not know the MMSI: all one digit
    /// (`111111111`, `999999999`), `123456789` or `987654321`.
    Fake,
    /// A MID followed by all zeros (`412000000`): a transponder's default.
    Placeholder,
    /// The MID position holds digits no administration has been allocated.
    UnallocatedMid(u16),
    /// The leading digits match no MMSI format (e.g. `1xxxxxxxx` other than
    /// `111`, `97x` other than 970/972/974).
    UnknownFormat,
}

impl fmt::Display for InvalidMmsi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidMmsi::TooLong => f.write_str("more than 9 digits"),
            InvalidMmsi::Zero => f.write_str("all zeros"),
            InvalidMmsi::Fake => f.write_str("an obvious fake (repeated or sequential digits)"),
            InvalidMmsi::Placeholder => f.write_str("a MID followed by zeros (a default, not an assigned number)"),
            InvalidMmsi::UnallocatedMid(m) => write!(f, "MID {m} is not allocated"),
            InvalidMmsi::UnknownFormat => f.write_str("leading digits match no MMSI format"),
        }
    }
}

impl MmsiKind {
    /// The MID, for kinds that carry one.
    pub fn mid(self) -> Option<u16> {
        match self {
            MmsiKind::Ship { mid }
            | MmsiKind::Group { mid }
            | MmsiKind::CoastStation { mid }
            | MmsiKind::SarAircraft { mid }
            | MmsiKind::AidToNavigation { mid }
            | MmsiKind::AuxiliaryCraft { mid }
            | MmsiKind::HandheldVhf { mid } => Some(mid),
            _ => None,
        }
    }

    /// True unless [`MmsiKind::Invalid`].
    pub fn is_valid(self) -> bool {
        !matches!(self, MmsiKind::Invalid(_))
    }
}

/// Classifies an MMSI by its leading digits, checking that its MID is
/// allocated and that it is not an obvious fake.
///
/// ```
/// use seawarden_registry::{mmsi_kind, MmsiKind, InvalidMmsi};
/// assert_eq!(mmsi_kind(230_123_456), MmsiKind::Ship { mid: 230 });
/// assert_eq!(mmsi_kind(2_300_100), MmsiKind::CoastStation { mid: 230 });
/// assert_eq!(mmsi_kind(992_301_234), MmsiKind::AidToNavigation { mid: 230 });
/// assert_eq!(mmsi_kind(970_010_001), MmsiKind::AisSart);
/// assert_eq!(mmsi_kind(123_456_789), MmsiKind::Invalid(InvalidMmsi::Fake));
/// assert_eq!(mmsi_kind(217_000_001), MmsiKind::Invalid(InvalidMmsi::UnallocatedMid(217)));
/// ```
pub fn mmsi_kind(mmsi: u32) -> MmsiKind {
    use InvalidMmsi::*;
    if mmsi > 999_999_999 {
        return MmsiKind::Invalid(TooLong);
    }
    if mmsi == 0 {
        return MmsiKind::Invalid(Zero);
    }
    if mmsi % 111_111_111 == 0 || mmsi == 123_456_789 || mmsi == 987_654_321 {
        return MmsiKind::Invalid(Fake);
    }
    // Digits d1..d9 of the zero-padded form.
    let d1 = mmsi / 100_000_000;
    let d12 = mmsi / 10_000_000;
    let d123 = mmsi / 1_000_000;
    let with_mid = |mid: u32, make: fn(u16) -> MmsiKind| {
        let mid = mid as u16;
        if flag_by_mid(mid).is_some() {
            make(mid)
        } else {
            MmsiKind::Invalid(UnallocatedMid(mid))
        }
    };
    match d1 {
        2..=7 => {
            if mmsi % 1_000_000 == 0 {
                MmsiKind::Invalid(Placeholder)
            } else {
                with_mid(d123, |mid| MmsiKind::Ship { mid })
            }
        }
        0 => match d12 {
            // 00MIDxxxx
            0 => {
                let mid = mmsi / 10_000;
                if (200..800).contains(&mid) {
                    with_mid(mid, |mid| MmsiKind::CoastStation { mid })
                } else {
                    MmsiKind::Invalid(UnknownFormat)
                }
            }
            2..=7 => with_mid(mmsi / 100_000, |mid| MmsiKind::Group { mid }),
            _ => MmsiKind::Invalid(UnknownFormat),
        },
        1 if d123 == 111 => {
            let mid = (mmsi / 1_000) % 1_000;
            if (200..800).contains(&mid) {
                with_mid(mid, |mid| MmsiKind::SarAircraft { mid })
            } else {
                MmsiKind::Invalid(UnknownFormat)
            }
        }
        8 => with_mid((mmsi / 100_000) % 1_000, |mid| MmsiKind::HandheldVhf { mid }),
        9 => match d12 {
            99 | 98 => {
                let mid = (mmsi / 10_000) % 1_000;
                if !(200..800).contains(&mid) {
                    MmsiKind::Invalid(UnknownFormat)
                } else if d12 == 99 {
                    with_mid(mid, |mid| MmsiKind::AidToNavigation { mid })
                } else {
                    with_mid(mid, |mid| MmsiKind::AuxiliaryCraft { mid })
                }
            }
            97 => match d123 {
                970 => MmsiKind::AisSart,
                972 => MmsiKind::ManOverboard,
                974 => MmsiKind::EpirbAis,
                _ => MmsiKind::Invalid(UnknownFormat),
            },
            _ => MmsiKind::Invalid(UnknownFormat),
        },
        _ => MmsiKind::Invalid(UnknownFormat),
    }
}

/// The MID of an MMSI whose kind carries one and whose MID is allocated.
///
/// ```
/// assert_eq!(seawarden_registry::mid(273_456_789), Some(273));
/// assert_eq!(seawarden_registry::mid(970_123_456), None);
/// ```
pub fn mid(mmsi: u32) -> Option<u16> {
    mmsi_kind(mmsi).mid()
}

/// The flag state of an MMSI: the administration its MID is allocated to.
///
/// ```
/// let f = seawarden_registry::flag(230_992_580).unwrap();
/// assert_eq!((f.country.as_str(), f.iso2), ("Finland", Some("FI")));
/// ```
pub fn flag(mmsi: u32) -> Option<&'static Flag> {
    mid(mmsi).and_then(flag_by_mid)
}

/// An administration a MID is allocated to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Maritime Identification Digits, 201–775.
    pub mid: u16,
    /// The ITU text, e.g. `Denmark - Faroe Islands`, `Russian Federation`.
    /// For a MID allocated to several territories (306) the texts are
    /// joined with ` / `.
    pub allocated_to: String,
    /// Common short name of the state or territory, e.g. `Faroe Islands`,
    /// `Russia`, `Portugal` (for the Azores).
    pub country: String,
    /// The territory named by the ITU (after ` - `), e.g. `Azores`.
    pub territory: Option<String>,
    /// ISO 3166-1 alpha-2; `None` when the MID covers several ISO entities
    /// (MID 306: Bonaire/Sint Eustatius/Saba, Curaçao, Sint Maarten).
    pub iso2: Option<&'static str>,
    /// ISO 3166-1 alpha-3; `None` as for `iso2`.
    pub iso3: Option<&'static str>,
}

const MID_CSV: &str = include_str!("../data/MaritimeIdentificationDigits.csv");

struct FlagTable {
    /// Index into `flags` by MID; `u16::MAX` when unallocated.
    by_mid: Vec<u16>,
    flags: Vec<Flag>,
    /// Rows of the embedded CSV that could not be used (tested to be empty).
    issues: Vec<String>,
}

fn table() -> &'static FlagTable {
    static TABLE: OnceLock<FlagTable> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn build_table() -> FlagTable {
    let mut t = FlagTable { by_mid: vec![u16::MAX; 1000], flags: Vec::new(), issues: Vec::new() };
    let lines = crate::lines::LineIndex::new(MID_CSV.as_bytes(), None);
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(MID_CSV.as_bytes());
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                t.issues.push(e.to_string());
                continue;
            }
        };
        let line = lines.line(rec.position());
        let (Some(mid), Some(text)) = (rec.get(0).and_then(|m| m.parse::<u16>().ok()), rec.get(1)) else {
            t.issues.push(format!("line {line}: not `MID,Allocated_to`"));
            continue;
        };
        if !(200..800).contains(&mid) || text.is_empty() {
            t.issues.push(format!("line {line}: MID {mid} out of range or no name"));
            continue;
        }
        let new = flag_from_itu(mid, text);
        match t.by_mid[mid as usize] {
            u16::MAX => {
                t.by_mid[mid as usize] = t.flags.len() as u16;
                t.flags.push(new);
            }
            i => {
                // A MID shared by several territories: keep all names, and
                // an ISO code only if they agree.
                let f = &mut t.flags[i as usize];
                f.allocated_to = format!("{} / {}", f.allocated_to, new.allocated_to);
                if f.iso2 != new.iso2 {
                    f.iso2 = None;
                    f.iso3 = None;
                    let terr = |x: &Flag| x.territory.clone().unwrap_or_else(|| x.country.clone());
                    f.country = format!("{} / {}", terr(f), terr(&new));
                    f.territory = None;
                }
            }
        }
    }
    t
}

/// Strips a trailing parenthetical: `Albania (Republic of)` → `Albania`.
fn strip_paren(s: &str) -> &str {
    let s = s.trim();
    if s.ends_with(')') {
        if let Some(i) = s.find(" (") {
            return s[..i].trim();
        }
    }
    s
}

fn flag_from_itu(mid: u16, text: &str) -> Flag {
    let (state, territory) = match text.split_once(" - ") {
        Some((s, t)) => (strip_paren(s), Some(strip_paren(t).to_string())),
        None => (strip_paren(text), None),
    };
    let found = territory.as_deref().and_then(country::by_name).or_else(|| country::by_name(state));
    Flag {
        mid,
        allocated_to: text.to_string(),
        country: found.map_or_else(|| state.to_string(), |c| c.name.to_string()),
        territory,
        iso2: found.map(|c| c.iso2),
        iso3: found.map(|c| c.iso3),
    }
}

/// The administration a MID is allocated to, if any.
pub fn flag_by_mid(mid: u16) -> Option<&'static Flag> {
    let t = table();
    match t.by_mid.get(mid as usize) {
        Some(&i) if i != u16::MAX => t.flags.get(i as usize),
        _ => None,
    }
}

/// Every allocated MID, in the order of the ITU table.
pub fn flags() -> &'static [Flag] {
    &table().flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_completely() {
        let t = table();
        assert!(t.issues.is_empty(), "{:?}", t.issues);
        // 294 rows; MID 306 appears three times.
        assert_eq!(t.flags.len(), 292);
        for f in &t.flags {
            if f.mid != 306 {
                assert!(f.iso2.is_some(), "no ISO code derived for {f:?}");
            }
        }
        let nl = flag_by_mid(306).unwrap();
        assert_eq!(nl.iso2, None);
        assert!(nl.allocated_to.contains("Curaçao") && nl.allocated_to.contains("Sint Maarten"));
    }

    #[test]
    fn kinds() {
        assert_eq!(mmsi_kind(273_123_456), MmsiKind::Ship { mid: 273 });
        assert_eq!(mmsi_kind(27_312_345), MmsiKind::Group { mid: 273 });
        assert_eq!(mmsi_kind(2_731_234), MmsiKind::CoastStation { mid: 273 });
        assert_eq!(mmsi_kind(111_230_123), MmsiKind::SarAircraft { mid: 230 });
        assert_eq!(mmsi_kind(982_301_234), MmsiKind::AuxiliaryCraft { mid: 230 });
        assert_eq!(mmsi_kind(823_012_345), MmsiKind::HandheldVhf { mid: 230 });
        assert_eq!(mmsi_kind(972_123_456), MmsiKind::ManOverboard);
        assert_eq!(mmsi_kind(974_123_456), MmsiKind::EpirbAis);
        use InvalidMmsi::*;
        for (m, why) in [
            (0, Zero),
            (1_000_000_000, TooLong),
            (u32::MAX, TooLong),
            (111_111_111, Fake),
            (999_999_999, Fake),
            (555_555_555, Fake),
            (123_456_789, Fake),
            (412_000_000, Placeholder),
            (200_123_456, UnallocatedMid(200)),
            (111_100_123, UnknownFormat),
            (150_000_001, UnknownFormat),
            (971_000_001, UnknownFormat),
            (960_000_001, UnknownFormat),
            (12_345, UnknownFormat),
            (992_171_234, UnallocatedMid(217)),
        ] {
            assert_eq!(mmsi_kind(m), MmsiKind::Invalid(why), "{m:09}");
        }
    }

    #[test]
    fn every_u32_prefix_is_classified_without_panic() {
        let mut m: u32 = 1;
        while m < u32::MAX / 7 {
            let _ = mmsi_kind(m);
            let _ = flag(m);
            m = m * 7 + 3;
        }
    }
}
