//! # seawarden-ais
//!
//! The AIS codec of Seawarden: NMEA 0183 / IEC 61162 framing as real feeds
//! send it, and the 27 message types of ITU-R M.1371-5, decoded and encoded.
//!
//! - [`Decoder`] turns raw lines (tag blocks, `$PGHP` headers, timestamps,
//!   CSV columns, multi-part messages) into [`Decoded`] messages, and counts
//!   every line it could not use by [`RejectReason`].
//! - [`AisMessage::decode`] decodes one unpacked [`Payload`]; "not available"
//!   values become `None`.
//! - [`encode`] builds payloads and sentences back, for simulators and tests.
//! - [`gpsd_json`] writes a message as gpsd-style JSON.
//!
//! The crate does no I/O, reads no clock and allocates nothing per message on
//! the decoding path.
//!
//! ```
//! use seawarden_ais::{Decoder, Event, AisMessage};
//! let mut decoder = Decoder::new();
//! decoder.feed(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30", &mut |event| {
//!     if let Event::Message(d) = event {
//!         let fix = d.message.position().unwrap();
//!         assert_eq!(d.message.mmsi(), 367033650);
//!         assert!((fix.lat - 42.79855).abs() < 1e-5 && (fix.lon + 70.346905).abs() < 1e-5);
//!         assert_eq!(fix.sog, Some(8.6));
//!     }
//! });
//! assert_eq!(decoder.stats().messages(), 1);
//! ```
#![warn(missing_docs)]

pub mod apps;
pub mod assemble;
pub mod bits;
mod bytemask;
pub mod decoder;
pub mod encode;
pub mod gpsd;
pub mod json;
pub mod lines;
pub mod messages;
pub mod meta;
pub mod nmea;
pub mod tagblock;

pub use bits::{AisText, Payload};
pub use encode::Encode;
pub use decoder::{Decoded, Decoder, DecoderConfig, Event, RejectReason, Stats};
pub use gpsd::gpsd_json;
pub use messages::*;
pub use meta::{Meta, Source};
