//! The 27 AIS message types of ITU-R M.1371-5, decoded from a [`Payload`].
//!
//! Every field of every type is decoded. Values the standard reserves for
//! "not available" (longitude 181°, speed 1023, heading 511, an empty name, ...)
//! become `None`, never a magic number. Units are the natural ones: degrees,
//! knots, metres, minutes.

mod binary;
mod control;
mod position;
mod static_data;

pub use binary::*;
pub use control::*;
pub use position::*;
pub use static_data::*;

use crate::bits::{BitReader, Payload};

/// Why a payload could not be decoded as an AIS message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// Message type 0 or 28-63: not defined by ITU-R M.1371-5.
    UnknownType(u8),
    /// Fewer bits than the type's layout requires.
    TooShort {
        /// The message type.
        msg_type: u8,
        /// Bits received.
        bits: usize,
    },
    /// More bits than the type's layout allows.
    TooLong {
        /// The message type.
        msg_type: u8,
        /// Bits received.
        bits: usize,
    },
    /// A field that selects the layout holds an undefined value (type 24
    /// part number 2 or 3).
    InvalidField {
        /// The message type.
        msg_type: u8,
        /// The field.
        field: &'static str,
    },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownType(t) => write!(f, "unknown message type {t}"),
            DecodeError::TooShort { msg_type, bits } => {
                write!(f, "type {msg_type} payload too short ({bits} bits)")
            }
            DecodeError::InvalidField { msg_type, field } => write!(f, "type {msg_type}: invalid {field}"),
            DecodeError::TooLong { msg_type, bits } => {
                write!(f, "type {msg_type} payload too long ({bits} bits)")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// A decoded AIS message.
///
/// The frequent types are stored inline; the rare, large ones (binary data,
/// safety text) are boxed, so that the enum stays small to move around.
#[derive(Debug, Clone, PartialEq)]
pub enum AisMessage {
    /// Types 1, 2, 3: class A position report.
    Position(PositionReport),
    /// Types 4 and 11: base station report and UTC/date response.
    BaseStation(BaseStationReport),
    /// Type 5: class A static and voyage related data.
    StaticVoyage(StaticVoyageData),
    /// Type 6: addressed binary message.
    BinaryAddressed(Box<BinaryAddressed>),
    /// Types 7 and 13: binary and safety acknowledgements.
    Acknowledge(Acknowledge),
    /// Type 8: binary broadcast message.
    BinaryBroadcast(Box<BinaryBroadcast>),
    /// Type 9: standard SAR aircraft position report.
    SarAircraft(SarAircraftReport),
    /// Type 10: UTC/date inquiry.
    UtcInquiry(UtcInquiry),
    /// Type 12: addressed safety-related message.
    SafetyAddressed(Box<SafetyAddressed>),
    /// Type 14: safety-related broadcast message.
    SafetyBroadcast(Box<SafetyBroadcast>),
    /// Type 15: interrogation.
    Interrogation(Interrogation),
    /// Type 16: assigned mode command.
    AssignedMode(AssignedModeCommand),
    /// Type 17: GNSS broadcast binary message (DGNSS corrections).
    Dgnss(Box<DgnssBroadcast>),
    /// Type 18: standard class B position report.
    ClassBPosition(ClassBPosition),
    /// Type 19: extended class B position report.
    ClassBExtended(ClassBExtended),
    /// Type 20: data link management.
    DataLinkManagement(DataLinkManagement),
    /// Type 21: aid-to-navigation report.
    AidToNavigation(AidToNavigation),
    /// Type 22: channel management.
    ChannelManagement(ChannelManagement),
    /// Type 23: group assignment command.
    GroupAssignment(GroupAssignment),
    /// Type 24: class B static data report, part A or B.
    StaticDataReport(StaticDataReport),
    /// Type 25: single slot binary message.
    SingleSlotBinary(Box<SingleSlotBinary>),
    /// Type 26: multiple slot binary message with communication state.
    MultiSlotBinary(Box<MultiSlotBinary>),
    /// Type 27: long-range AIS broadcast (satellite).
    LongRange(LongRangePosition),
}

/// Accepted payload lengths in bits per message type (index = type), inclusive.
///
/// Lower bounds are the layouts of ITU-R M.1371-5; upper bounds allow what the
/// standard allows (multi-slot messages) plus the few bits of padding that real
/// transponders add to fixed-length types. Type 5 is commonly sent 2 bits
/// short (420 instead of 424, the last "spare" bits missing), and accepted.
const LENGTH_BOUNDS: [(usize, usize); 28] = [
    (0, 0),
    (168, 176),  // 1
    (168, 176),  // 2
    (168, 176),  // 3
    (168, 176),  // 4
    (420, 432),  // 5
    (88, 1008),  // 6
    (72, 168),   // 7
    (56, 1008),  // 8
    (168, 176),  // 9
    (72, 80),    // 10
    (168, 176),  // 11
    (72, 1008),  // 12
    (72, 168),   // 13
    (40, 1008),  // 14
    (88, 168),   // 15
    (96, 168),   // 16
    (80, 816),   // 17
    (168, 176),  // 18
    (312, 320),  // 19
    (72, 168),   // 20
    (272, 368),  // 21
    (168, 176),  // 22
    (160, 168),  // 23
    (160, 176),  // 24
    (40, 168),   // 25
    (60, 1064),  // 26
    (96, 104),   // 27
];

/// Least length of a type 25 or 26 payload for the mode its flags announce
/// (ITU-R M.1371-5 Tables 80 and 82): the 40-bit header with the two flags,
/// the destination (30 bits and 2 spare) when addressed, the application id
/// (16 bits) when structured, and for type 26 the 20-bit communication state.
/// Shorter payloads would have those fields read from bits that were never
/// sent.
fn binary_mode_min_bits(msg_type: u8, payload: &Payload) -> usize {
    let addressed = payload.bits(38, 1) != 0;
    let structured = payload.bits(39, 1) != 0;
    40 + if addressed { 32 } else { 0 } + if structured { 16 } else { 0 } + if msg_type == 26 { 20 } else { 0 }
}

impl AisMessage {
    /// Decodes an unpacked payload.
    pub fn decode(payload: &Payload) -> Result<AisMessage, DecodeError> {
        let mut m = AisMessage::UtcInquiry(UtcInquiry { header: Header::default(), dest_mmsi: 0 });
        m.decode_into(payload)?;
        Ok(m)
    }

    /// Decodes into `self`, overwriting it in place (what the streaming
    /// decoder does: no large message value is moved around). On error `self`
    /// is unchanged.
    #[inline]
    pub fn decode_into(&mut self, payload: &Payload) -> Result<(), DecodeError> {
        let bits = payload.len();
        if bits < 6 {
            return Err(DecodeError::TooShort { msg_type: 0, bits });
        }
        let msg_type = payload.bits(0, 6) as u8;
        let Some(&(min, max)) = LENGTH_BOUNDS.get(msg_type as usize).filter(|_| msg_type != 0) else {
            return Err(DecodeError::UnknownType(msg_type));
        };
        if bits < min {
            return Err(DecodeError::TooShort { msg_type, bits });
        }
        if bits > max {
            return Err(DecodeError::TooLong { msg_type, bits });
        }
        if matches!(msg_type, 25 | 26) && bits < binary_mode_min_bits(msg_type, payload) {
            return Err(DecodeError::TooShort { msg_type, bits });
        }
        let mut r = payload.reader();
        r.skip(6);
        let repeat = r.u8(2);
        let mmsi = r.u32(30);
        let h = Header { msg_type, repeat, mmsi };
        *self = match msg_type {
            1..=3 => AisMessage::Position(PositionReport::decode(h, &mut r)),
            4 | 11 => AisMessage::BaseStation(BaseStationReport::decode(h, &mut r)),
            5 => AisMessage::StaticVoyage(StaticVoyageData::decode(h, &mut r)),
            6 => AisMessage::BinaryAddressed(Box::new(BinaryAddressed::decode(h, &mut r))),
            7 | 13 => AisMessage::Acknowledge(Acknowledge::decode(h, &mut r)),
            8 => AisMessage::BinaryBroadcast(Box::new(BinaryBroadcast::decode(h, &mut r))),
            9 => AisMessage::SarAircraft(SarAircraftReport::decode(h, &mut r)),
            10 => AisMessage::UtcInquiry(UtcInquiry::decode(h, &mut r)),
            12 => AisMessage::SafetyAddressed(Box::new(SafetyAddressed::decode(h, &mut r))),
            14 => AisMessage::SafetyBroadcast(Box::new(SafetyBroadcast::decode(h, &mut r))),
            15 => AisMessage::Interrogation(Interrogation::decode(h, &mut r)),
            16 => AisMessage::AssignedMode(AssignedModeCommand::decode(h, &mut r)),
            17 => AisMessage::Dgnss(Box::new(DgnssBroadcast::decode(h, &mut r))),
            18 => AisMessage::ClassBPosition(ClassBPosition::decode(h, &mut r)),
            19 => AisMessage::ClassBExtended(ClassBExtended::decode(h, &mut r)),
            20 => AisMessage::DataLinkManagement(DataLinkManagement::decode(h, &mut r)),
            21 => AisMessage::AidToNavigation(AidToNavigation::decode(h, &mut r)),
            22 => AisMessage::ChannelManagement(ChannelManagement::decode(h, &mut r)),
            23 => AisMessage::GroupAssignment(GroupAssignment::decode(h, &mut r)),
            24 if payload.bits(38, 2) >= 2 => return Err(DecodeError::InvalidField { msg_type, field: "part number" }),
            24 => AisMessage::StaticDataReport(StaticDataReport::decode(h, &mut r)),
            25 => AisMessage::SingleSlotBinary(Box::new(SingleSlotBinary::decode(h, &mut r))),
            26 => AisMessage::MultiSlotBinary(Box::new(MultiSlotBinary::decode(h, &mut r))),
            27 => AisMessage::LongRange(LongRangePosition::decode(h, &mut r)),
            _ => unreachable!("type bounds checked above"),
        };
        Ok(())
    }

    /// The common header: type, repeat indicator and MMSI.
    pub fn header(&self) -> Header {
        match self {
            AisMessage::Position(m) => m.header,
            AisMessage::BaseStation(m) => m.header,
            AisMessage::StaticVoyage(m) => m.header,
            AisMessage::BinaryAddressed(m) => m.header,
            AisMessage::Acknowledge(m) => m.header,
            AisMessage::BinaryBroadcast(m) => m.header,
            AisMessage::SarAircraft(m) => m.header,
            AisMessage::UtcInquiry(m) => m.header,
            AisMessage::SafetyAddressed(m) => m.header,
            AisMessage::SafetyBroadcast(m) => m.header,
            AisMessage::Interrogation(m) => m.header,
            AisMessage::AssignedMode(m) => m.header,
            AisMessage::Dgnss(m) => m.header,
            AisMessage::ClassBPosition(m) => m.header,
            AisMessage::ClassBExtended(m) => m.header,
            AisMessage::DataLinkManagement(m) => m.header,
            AisMessage::AidToNavigation(m) => m.header,
            AisMessage::ChannelManagement(m) => m.header,
            AisMessage::GroupAssignment(m) => m.header,
            AisMessage::StaticDataReport(m) => m.header,
            AisMessage::SingleSlotBinary(m) => m.header,
            AisMessage::MultiSlotBinary(m) => m.header,
            AisMessage::LongRange(m) => m.header,
        }
    }

    /// The message type, 1-27.
    pub fn msg_type(&self) -> u8 {
        self.header().msg_type
    }

    /// The MMSI of the station that sent the message.
    pub fn mmsi(&self) -> u32 {
        self.header().mmsi
    }

    /// A position fix, for the message types that carry a vessel or station
    /// position (1-3, 4, 9, 11, 18, 19, 21, 27). `None` when the position is
    /// not available.
    pub fn position(&self) -> Option<Fix> {
        let (lat, lon, sog, cog, heading, status, accuracy) = match self {
            AisMessage::Position(m) => (m.lat, m.lon, m.speed, m.course, m.heading, m.status, m.accuracy),
            AisMessage::BaseStation(m) => (m.lat, m.lon, None, None, None, None, m.accuracy),
            AisMessage::SarAircraft(m) => (m.lat, m.lon, m.speed.map(f32::from), m.course, None, None, m.accuracy),
            AisMessage::ClassBPosition(m) => (m.lat, m.lon, m.speed, m.course, m.heading, None, m.accuracy),
            AisMessage::ClassBExtended(m) => (m.lat, m.lon, m.speed, m.course, m.heading, None, m.accuracy),
            AisMessage::AidToNavigation(m) => (m.lat, m.lon, None, None, None, None, m.accuracy),
            AisMessage::LongRange(m) => (m.lat, m.lon, m.speed.map(f32::from), m.course.map(f32::from), None, m.status, m.accuracy),
            _ => return None,
        };
        Some(Fix { lat: lat?, lon: lon?, sog, cog, heading, status, accuracy })
    }
}

/// Fields every message starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Header {
    /// Message type, 1-27.
    pub msg_type: u8,
    /// Repeat indicator, 0-3: how many times the message has been repeated.
    pub repeat: u8,
    /// Maritime Mobile Service Identity of the sender.
    pub mmsi: u32,
}

/// A position with its motion, common to the position-carrying types.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Latitude in degrees, north positive.
    pub lat: f64,
    /// Longitude in degrees, east positive.
    pub lon: f64,
    /// Speed over ground in knots.
    pub sog: Option<f32>,
    /// Course over ground in degrees.
    pub cog: Option<f32>,
    /// True heading in degrees.
    pub heading: Option<u16>,
    /// Navigational status (class A and long-range only).
    pub status: Option<u8>,
    /// Position accuracy flag: true for better than 10 m.
    pub accuracy: bool,
}

// ---- shared field conversions -------------------------------------------------

/// Degrees per 1/10,000 minute (multiplying is cheaper than dividing).
pub const DEG_PER_1E4_MIN: f64 = 1.0 / 600_000.0;
/// Degrees per 1/10 minute.
pub const DEG_PER_1E1_MIN: f64 = 1.0 / 600.0;

/// Longitude in 1/10,000 minute (28 bits); 181° is "not available".
#[inline(always)]
pub(crate) fn lon_1e4(raw: i64) -> Option<f64> {
    (raw != 108_600_000 && (-108_000_000..=108_000_000).contains(&raw)).then_some(raw as f64 * DEG_PER_1E4_MIN)
}

/// Latitude in 1/10,000 minute (27 bits); 91° is "not available".
#[inline(always)]
pub(crate) fn lat_1e4(raw: i64) -> Option<f64> {
    (raw != 54_600_000 && (-54_000_000..=54_000_000).contains(&raw)).then_some(raw as f64 * DEG_PER_1E4_MIN)
}

/// Longitude in 1/10 minute (18 bits); 181° is "not available".
#[inline(always)]
pub(crate) fn lon_1e1(raw: i64) -> Option<f64> {
    (raw != 108_600 && (-108_000..=108_000).contains(&raw)).then_some(raw as f64 * DEG_PER_1E1_MIN)
}

/// Latitude in 1/10 minute (17 bits); 91° is "not available".
#[inline(always)]
pub(crate) fn lat_1e1(raw: i64) -> Option<f64> {
    (raw != 54_600 && (-54_000..=54_000).contains(&raw)).then_some(raw as f64 * DEG_PER_1E1_MIN)
}

/// Speed over ground in 1/10 knot (10 bits); 1023 is "not available", 1022 means
/// 102.2 knots or more.
#[inline(always)]
pub(crate) fn speed_tenths(raw: u16) -> Option<f32> {
    (raw != 1023).then(|| raw as f32 / 10.0)
}

/// Course over ground in 1/10 degree (12 bits); 3600 is "not available".
#[inline(always)]
pub(crate) fn course_tenths(raw: u16) -> Option<f32> {
    (raw < 3600).then(|| raw as f32 / 10.0)
}

/// True heading in degrees (9 bits); 511 is "not available".
#[inline(always)]
pub(crate) fn heading(raw: u16) -> Option<u16> {
    (raw < 360).then_some(raw)
}

/// UTC second of the report (6 bits); 60 is "not available"; 61-63 mean
/// manual input, dead reckoning and inoperative positioning, and are kept.
#[inline(always)]
pub(crate) fn second(raw: u8) -> Option<u8> {
    (raw != 60).then_some(raw)
}

/// A value where zero means "not available" (dimensions, IMO, ship type, ...).
#[inline(always)]
pub(crate) fn nonzero<T: Default + PartialEq>(raw: T) -> Option<T> {
    (raw != T::default()).then_some(raw)
}

/// Reads the four 9/9/6/6-bit ship dimensions (bow, stern, port, starboard), metres.
pub(crate) fn read_dimensions(r: &mut BitReader<'_>) -> Dimensions {
    Dimensions {
        to_bow: nonzero(r.u16(9)),
        to_stern: nonzero(r.u16(9)),
        to_port: nonzero(r.u8(6)),
        to_starboard: nonzero(r.u8(6)),
    }
}

/// Distances from the position reference point to the hull, in metres.
///
/// 511 (bow, stern) and 63 (port, starboard) mean "511 m / 63 m or more".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dimensions {
    /// To the bow.
    pub to_bow: Option<u16>,
    /// To the stern.
    pub to_stern: Option<u16>,
    /// To the port side.
    pub to_port: Option<u8>,
    /// To the starboard side.
    pub to_starboard: Option<u8>,
}

impl Dimensions {
    /// Overall length in metres, when both bow and stern are known.
    pub fn length(&self) -> Option<u16> {
        Some(self.to_bow? + self.to_stern?)
    }
    /// Overall beam in metres, when both sides are known.
    pub fn beam(&self) -> Option<u16> {
        Some(self.to_port? as u16 + self.to_starboard? as u16)
    }
}

/// Navigational status names (ITU-R M.1371-5 Table 50).
pub fn nav_status_text(status: u8) -> &'static str {
    match status {
        0 => "Under way using engine",
        1 => "At anchor",
        2 => "Not under command",
        3 => "Restricted manoeuverability",
        4 => "Constrained by her draught",
        5 => "Moored",
        6 => "Aground",
        7 => "Engaged in fishing",
        8 => "Under way sailing",
        9 => "Reserved for HSC",
        10 => "Reserved for WIG",
        11 => "Power-driven vessel towing astern",
        12 => "Power-driven vessel pushing ahead or towing alongside",
        14 => "AIS-SART is active",
        15 => "Not defined",
        _ => "Reserved",
    }
}

/// Electronic position fixing device names (ITU-R M.1371-5 Table 50).
pub fn epfd_text(epfd: u8) -> &'static str {
    match epfd {
        0 => "Undefined",
        1 => "GPS",
        2 => "GLONASS",
        3 => "Combined GPS/GLONASS",
        4 => "Loran-C",
        5 => "Chayka",
        6 => "Integrated navigation system",
        7 => "Surveyed",
        8 => "Galileo",
        15 => "Internal GNSS",
        _ => "Reserved",
    }
}

/// Ship and cargo type names (ITU-R M.1371-5 Table 53).
pub fn ship_type_text(t: u8) -> &'static str {
    match t {
        0 => "Not available",
        1..=19 => "Reserved for future use",
        20 => "Wing in ground (WIG), all ships of this type",
        21 => "Wing in ground (WIG), Hazardous category A",
        22 => "Wing in ground (WIG), Hazardous category B",
        23 => "Wing in ground (WIG), Hazardous category C",
        24 => "Wing in ground (WIG), Hazardous category D",
        25..=29 => "Wing in ground (WIG), Reserved for future use",
        30 => "Fishing",
        31 => "Towing",
        32 => "Towing: length exceeds 200m or breadth exceeds 25m",
        33 => "Dredging or underwater ops",
        34 => "Diving ops",
        35 => "Military ops",
        36 => "Sailing",
        37 => "Pleasure Craft",
        38 | 39 => "Reserved",
        40 => "High speed craft (HSC), all ships of this type",
        41 => "High speed craft (HSC), Hazardous category A",
        42 => "High speed craft (HSC), Hazardous category B",
        43 => "High speed craft (HSC), Hazardous category C",
        44 => "High speed craft (HSC), Hazardous category D",
        45..=48 => "High speed craft (HSC), Reserved for future use",
        49 => "High speed craft (HSC), No additional information",
        50 => "Pilot Vessel",
        51 => "Search and Rescue vessel",
        52 => "Tug",
        53 => "Port Tender",
        54 => "Anti-pollution equipment",
        55 => "Law Enforcement",
        56 | 57 => "Spare - Local Vessel",
        58 => "Medical Transport",
        59 => "Noncombatant ship according to RR Resolution No. 18",
        60 => "Passenger, all ships of this type",
        61 => "Passenger, Hazardous category A",
        62 => "Passenger, Hazardous category B",
        63 => "Passenger, Hazardous category C",
        64 => "Passenger, Hazardous category D",
        65..=68 => "Passenger, Reserved for future use",
        69 => "Passenger, No additional information",
        70 => "Cargo, all ships of this type",
        71 => "Cargo, Hazardous category A",
        72 => "Cargo, Hazardous category B",
        73 => "Cargo, Hazardous category C",
        74 => "Cargo, Hazardous category D",
        75..=78 => "Cargo, Reserved for future use",
        79 => "Cargo, No additional information",
        80 => "Tanker, all ships of this type",
        81 => "Tanker, Hazardous category A",
        82 => "Tanker, Hazardous category B",
        83 => "Tanker, Hazardous category C",
        84 => "Tanker, Hazardous category D",
        85..=88 => "Tanker, Reserved for future use",
        89 => "Tanker, No additional information",
        90 => "Other Type, all ships of this type",
        91 => "Other Type, Hazardous category A",
        92 => "Other Type, Hazardous category B",
        93 => "Other Type, Hazardous category C",
        94 => "Other Type, Hazardous category D",
        95..=98 => "Other Type, Reserved for future use",
        99 => "Other Type, no additional information",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(armored: &str, fill: u8) -> Result<AisMessage, DecodeError> {
        AisMessage::decode(&Payload::from_armored(armored.as_bytes(), fill).expect("payload"))
    }

    /// Type 26 payloads too short for their addressed/structured mode are
    /// rejected instead of decoded from bits that were not sent (gpsd rejects
    /// them too: "too short for mode"). From libais/test.aivdm and
    /// amsa_risky/exact-earth-augmented.txt.
    #[test]
    fn type26_too_short_for_its_mode_is_rejected() {
        for (armored, fill, bits) in [("J5FHobDR7Cjr", 0, 72), ("JqW<tSu5vVdhT@", 4, 80), ("J0Qc24T>@P", 0, 60)] {
            assert_eq!(decode(armored, fill), Err(DecodeError::TooShort { msg_type: 26, bits }), "{armored}");
        }
    }

    /// The mode minimum: addressed + structured type 25 needs 88 bits.
    #[test]
    fn type25_mode_minimum() {
        let build = |extra: usize| {
            let mut w = crate::bits::BitWriter::new();
            w.u(6, 25).u(2, 0).u(30, 123_456_789).flag(true).flag(true).u(30, 987_654_321).u(2, 0).u(16, 0x1234);
            for _ in 0..extra {
                w.flag(true);
            }
            w.finish()
        };
        assert!(matches!(AisMessage::decode(&build(0)), Ok(AisMessage::SingleSlotBinary(_))));
        let mut short = crate::bits::BitWriter::new();
        short.u(6, 25).u(2, 0).u(30, 123_456_789).flag(true).flag(true).u(30, 987_654_321).u(2, 0).u(8, 0x12);
        assert_eq!(AisMessage::decode(&short.finish()), Err(DecodeError::TooShort { msg_type: 25, bits: 80 }));
        let Ok(AisMessage::SingleSlotBinary(b)) = AisMessage::decode(&build(8)) else { panic!("not type 25") };
        assert_eq!((b.dest_mmsi, b.app.map(|a| (a.dac, a.fid)), b.data.len()), (Some(987_654_321), Some((0x1234 >> 6, 0x34)), 8));
    }
}

#[cfg(test)]
mod part_number_tests {
    use super::*;
    use crate::bits::BitWriter;

    #[test]
    fn type24_part_numbers_2_and_3_are_rejected() {
        for part in 0..4u64 {
            let mut w = BitWriter::new();
            w.u(6, 24).u(2, 0).u(30, 235_000_001).u(2, part).u(128, 0);
            let p = w.finish();
            let r = AisMessage::decode(&p);
            if part >= 2 {
                assert_eq!(r, Err(DecodeError::InvalidField { msg_type: 24, field: "part number" }));
            } else {
                assert!(r.is_ok(), "part {part}: {r:?}");
            }
        }
    }
}
