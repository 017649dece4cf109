//! # seawarden-registry
//!
//! Reference data for Seawarden: who an MMSI belongs to, where the ports
//! are, and which vessels are on a watchlist. Detectors never see this crate;
//! the binary answers `seawarden_detect::World` queries with it.
//!
//! - **Flags.** [`mmsi_kind`] reads the structure of an MMSI (ship, coast
//!   station, AtoN, SAR aircraft, AIS-SART, …) and rejects impossible or fake
//!   ones; [`flag`] maps its MID to the administration, with ISO codes. The
//!   ITU MID table is embedded, so no file is needed.
//! - **Ports.** [`Ports`] loads the NGA World Port Index and answers
//!   [`Ports::nearest`] from a 1° grid (cost in [`ports`]); an extract for
//!   northern European waters is embedded ([`Ports::north_europe`]).
//! - **Watchlists.** [`Watchlist`] loads and merges `mmsi,imo,name,list,reason`
//!   CSVs and looks entries up by MMSI, IMO number or normalised name.
//!   [`convert_eu_annex_xlii`] and [`convert_ofac_sdn`] turn the public
//!   sanction lists into entries; [`write_csv`] writes them.
//!
//! Loading never panics on bad input: a file that cannot be used at all is an
//! [`Error`] (with path and line); each row that cannot be used is rejected,
//! and each doubtful one kept with a warning, in a [`Report`] with its line.
//!
//! ```
//! use seawarden_registry::{flag, mmsi_kind, MmsiKind, Ports, Watchlist, WatchEntry};
//!
//! assert_eq!(flag(273_345_000).unwrap().iso2, Some("RU"));
//! assert_eq!(mmsi_kind(992_761_001), MmsiKind::AidToNavigation { mid: 276 });
//!
//! let ports = Ports::north_europe();
//! let (port, km) = ports.nearest(59.67, 28.32, 10.0).unwrap();
//! assert_eq!((port.name.as_str(), port.country_code.as_str()), ("Reka Luga", "RU"));
//! assert!(port.has_name("Ust-Luga") && km < 1.0);
//!
//! let list = Watchlist::from_entries([WatchEntry {
//!     imo: Some(9329760),
//!     name: "EAGLE S".into(),
//!     ..WatchEntry::default()
//! }]);
//! assert_eq!(list.by_name("Eagle S").len(), 1);
//! ```
#![warn(missing_docs)]

pub mod convert;
pub mod country;
mod error;
mod lines;
pub mod mmsi;
pub mod ports;
pub mod watchlist;

pub use convert::{
    convert_eu_annex_xlii, convert_eu_annex_xlii_bytes, convert_ofac_sdn, convert_ofac_sdn_reader, write_csv,
    Converted, LIST_EU_XLII, LIST_OFAC_SDN,
};
pub use error::{Error, ErrorKind, Issue, Location, Report, Result};
pub use mmsi::{flag, flag_by_mid, flags, mid, mmsi_kind, Flag, InvalidMmsi, MmsiKind};
pub use ports::{haversine_km, HarbourSize, Port, Ports, RUSSIAN_PORTS_OF_INTEREST, WPI_COLUMNS};
pub use watchlist::{imo_check_digit_ok, normalise_name, parse_imo, Match, MatchedOn, WatchEntry, Watchlist};
