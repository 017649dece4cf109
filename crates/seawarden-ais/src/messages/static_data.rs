//! Identity and voyage data: types 5 and 24.

use super::*;
use crate::bits::AisText;

/// Type 5: class A static and voyage related data (ITU-R M.1371-5 Table 52).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticVoyageData {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// AIS version indicator: 0 = M.1371-1, 1 = -3, 2 = -5.
    pub ais_version: u8,
    /// IMO ship identification number.
    pub imo: Option<u32>,
    /// Call sign.
    pub callsign: AisText<7>,
    /// Ship name.
    pub shipname: AisText<20>,
    /// Ship and cargo type (see [`ship_type_text`]).
    pub shiptype: Option<u8>,
    /// Dimensions from the position reference point.
    pub dimensions: Dimensions,
    /// Type of electronic position fixing device.
    pub epfd: Option<u8>,
    /// Estimated time of arrival, UTC, as month/day/hour/minute.
    pub eta: Eta,
    /// Maximum present static draught in metres (25.5 means 25.5 m or more).
    pub draught: Option<f32>,
    /// Destination.
    pub destination: AisText<20>,
    /// Data terminal equipment: false ready, true not ready.
    pub dte: bool,
    /// Spare bit.
    pub spare: bool,
}

/// An estimated time of arrival: AIS sends no year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Eta {
    /// Month 1-12.
    pub month: Option<u8>,
    /// Day 1-31.
    pub day: Option<u8>,
    /// Hour 0-23.
    pub hour: Option<u8>,
    /// Minute 0-59.
    pub minute: Option<u8>,
}

impl StaticVoyageData {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        StaticVoyageData {
            header,
            ais_version: r.u8(2),
            imo: nonzero(r.u32(30)),
            callsign: r.text(7),
            shipname: r.text(20),
            shiptype: nonzero(r.u8(8)),
            dimensions: read_dimensions(r),
            epfd: nonzero(r.u8(4)),
            eta: Eta {
                month: nonzero(r.u8(4)),
                day: nonzero(r.u8(5)),
                hour: Some(r.u8(5)).filter(|&h| h < 24),
                minute: Some(r.u8(6)).filter(|&m| m < 60),
            },
            draught: nonzero(r.u8(8)).map(|d| d as f32 / 10.0),
            destination: r.text(20),
            dte: r.flag(),
            spare: r.flag(),
        }
    }
}

/// Type 24: class B static data report, sent in two parts (Table 76).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticDataReport {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Part A (name) or part B (type, vendor, call sign, dimensions).
    pub part: StaticDataPart,
}

/// The two parts of a type 24 message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaticDataPart {
    /// Part A: the ship's name.
    A {
        /// Ship name.
        shipname: AisText<20>,
    },
    /// Part B: type, vendor, call sign and dimensions.
    B {
        /// Ship and cargo type.
        shiptype: Option<u8>,
        /// Manufacturer's id, 3 characters.
        vendorid: AisText<3>,
        /// Unit model code, 0-15.
        model: u8,
        /// Unit serial number, 20 bits.
        serial: u32,
        /// Call sign.
        callsign: AisText<7>,
        /// Dimensions, or for an auxiliary craft (MMSI 98MIDxxxx) the mother ship.
        dimensions_or_mothership: DimensionsOrMothership,
        /// Type of electronic position fixing device (M.1371-5).
        epfd: Option<u8>,
    },
}

/// Part B of type 24 uses the same 30 bits for the hull dimensions or, when
/// the sender is an auxiliary craft, the MMSI of its mother ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DimensionsOrMothership {
    /// Hull dimensions.
    Dimensions(Dimensions),
    /// MMSI of the mother ship.
    Mothership(u32),
}

/// True for MMSIs of craft associated with a parent ship (98MIDxxxx).
pub fn is_auxiliary_craft(mmsi: u32) -> bool {
    (980_000_000..990_000_000).contains(&mmsi)
}

impl StaticDataReport {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let part_num = r.u8(2);
        // Part numbers 2 and 3 are rejected before decoding (`AisMessage::decode`).
        let part = if part_num == 0 {
            StaticDataPart::A { shipname: r.text(20) }
        } else {
            let shiptype = nonzero(r.u8(8));
            let vendorid = r.text(3);
            let model = r.u8(4);
            let serial = r.u32(20);
            let callsign = r.text(7);
            let dimensions_or_mothership = if is_auxiliary_craft(header.mmsi) {
                DimensionsOrMothership::Mothership(r.u32(30))
            } else {
                DimensionsOrMothership::Dimensions(read_dimensions(r))
            };
            StaticDataPart::B {
                shiptype,
                vendorid,
                model,
                serial,
                callsign,
                dimensions_or_mothership,
                epfd: nonzero(r.u8(4)),
            }
        };
        StaticDataReport { header, part }
    }
}
