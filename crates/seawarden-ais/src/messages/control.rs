//! Link management, safety text and control messages: types 7/13, 10, 12, 14,
//! 15, 16, 20, 22 and 23.

use super::*;
use crate::bits::AisText;

/// Longest text of a safety message: (1008 - 40) / 6 characters.
pub const MAX_TEXT_CHARS: usize = 161;

/// Types 7 and 13: binary or safety acknowledgement (Table 62).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acknowledge {
    /// Type (7 binary, 13 safety), repeat, MMSI.
    pub header: Header,
    /// Spare bits (2).
    pub spare: u8,
    /// Acknowledged stations, 1 to 4: MMSI and the sequence number acknowledged.
    pub acks: [Option<AckEntry>; 4],
}

/// One acknowledged station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckEntry {
    /// Destination MMSI being acknowledged.
    pub mmsi: u32,
    /// Sequence number of the acknowledged message, 0-3.
    pub seqno: u8,
}

impl Acknowledge {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let spare = r.u8(2);
        let mut acks = [None; 4];
        for ack in acks.iter_mut() {
            if r.remaining() < 30 {
                break;
            }
            let mmsi = r.u32(30);
            let seqno = r.u8(2);
            *ack = Some(AckEntry { mmsi, seqno });
        }
        Acknowledge { header, spare, acks }
    }
}

/// Type 10: UTC and date inquiry (Table 66).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcInquiry {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// MMSI of the station asked.
    pub dest_mmsi: u32,
}

impl UtcInquiry {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        UtcInquiry { header, dest_mmsi: r.u32(30) }
    }
}

/// Type 12: addressed safety-related message (Table 67).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SafetyAddressed {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Sequence number, 0-3.
    pub seqno: u8,
    /// Destination MMSI.
    pub dest_mmsi: u32,
    /// Retransmit flag.
    pub retransmit: bool,
    /// Safety-related text.
    pub text: AisText<MAX_TEXT_CHARS>,
}

impl SafetyAddressed {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let seqno = r.u8(2);
        let dest_mmsi = r.u32(30);
        let retransmit = r.flag();
        r.skip(1);
        let chars = r.remaining() / 6;
        SafetyAddressed { header, seqno, dest_mmsi, retransmit, text: r.text(chars) }
    }
}

/// Type 14: safety-related broadcast message (Table 69).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SafetyBroadcast {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Safety-related text.
    pub text: AisText<MAX_TEXT_CHARS>,
}

impl SafetyBroadcast {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let chars = r.remaining() / 6;
        SafetyBroadcast { header, text: r.text(chars) }
    }
}

/// Type 15: interrogation (Table 64): up to three requests to two stations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrogation {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// First interrogated station.
    pub mmsi1: u32,
    /// First request to station 1: message type and slot offset.
    pub request1_1: InterrogationRequest,
    /// Second request to station 1, when sent.
    pub request1_2: Option<InterrogationRequest>,
    /// Second interrogated station, when sent.
    pub mmsi2: Option<u32>,
    /// Request to station 2, when sent.
    pub request2_1: Option<InterrogationRequest>,
}

/// One requested message in an interrogation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterrogationRequest {
    /// Requested message type.
    pub msg_type: u8,
    /// Response slot offset.
    pub offset: u16,
}

impl Interrogation {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let mmsi1 = r.u32(30);
        let request1_1 = InterrogationRequest { msg_type: r.u8(6), offset: r.u16(12) };
        let mut request1_2 = None;
        let mut mmsi2 = None;
        let mut request2_1 = None;
        if r.remaining() >= 20 {
            r.skip(2);
            request1_2 = Some(InterrogationRequest { msg_type: r.u8(6), offset: r.u16(12) });
        }
        if r.remaining() >= 50 {
            r.skip(2);
            mmsi2 = Some(r.u32(30));
            request2_1 = Some(InterrogationRequest { msg_type: r.u8(6), offset: r.u16(12) });
        }
        Interrogation { header, mmsi1, request1_1, request1_2, mmsi2, request2_1 }
    }
}

/// Type 16: assigned mode command (Table 65): one or two stations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignedModeCommand {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Station A.
    pub a: SlotAssignment,
    /// Station B, when sent.
    pub b: Option<SlotAssignment>,
}

/// A slot assignment for one station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotAssignment {
    /// Destination MMSI.
    pub mmsi: u32,
    /// Slot offset.
    pub offset: u16,
    /// Slot increment.
    pub increment: u16,
}

impl AssignedModeCommand {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let a = SlotAssignment { mmsi: r.u32(30), offset: r.u16(12), increment: r.u16(10) };
        let b = (r.remaining() >= 52)
            .then(|| SlotAssignment { mmsi: r.u32(30), offset: r.u16(12), increment: r.u16(10) });
        AssignedModeCommand { header, a, b }
    }
}

/// Type 20: data link management (Table 73): up to four slot reservations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataLinkManagement {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Reservations 1 to 4.
    pub reservations: [Option<SlotReservation>; 4],
}

/// One reserved block of slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotReservation {
    /// Offset number: the first reserved slot.
    pub offset: u16,
    /// Number of consecutive slots, 1-15.
    pub number: u8,
    /// Time-out in minutes, 1-7.
    pub timeout: u8,
    /// Increment to repeat the reservation block.
    pub increment: u16,
}

impl DataLinkManagement {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let mut reservations = [None; 4];
        for slot in reservations.iter_mut() {
            if r.remaining() < 30 {
                break;
            }
            *slot = Some(SlotReservation {
                offset: r.u16(12),
                number: r.u8(4),
                timeout: r.u8(3),
                increment: r.u16(11),
            });
        }
        DataLinkManagement { header, reservations }
    }
}

/// Type 22: channel management (Table 75).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelManagement {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Channel A number (ITU-R M.1084).
    pub channel_a: u16,
    /// Channel B number.
    pub channel_b: u16,
    /// Tx/Rx mode, 0-3.
    pub txrx: u8,
    /// Power: false high, true low.
    pub power: bool,
    /// The region, or the two addressed stations.
    pub target: ChannelTarget,
    /// Channel A bandwidth: false default, true 12.5 kHz (deprecated).
    pub band_a: bool,
    /// Channel B bandwidth.
    pub band_b: bool,
    /// Transitional zone size in nautical miles minus one, 0-7.
    pub zonesize: u8,
}

/// What a channel management command applies to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChannelTarget {
    /// A rectangular region, corners in degrees.
    Area(Area),
    /// Two addressed stations.
    Addressed {
        /// First station.
        dest1: u32,
        /// Second station.
        dest2: u32,
    },
}

/// A rectangle given by its north-east and south-west corners, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Area {
    /// North-east corner longitude.
    pub ne_lon: f64,
    /// North-east corner latitude.
    pub ne_lat: f64,
    /// South-west corner longitude.
    pub sw_lon: f64,
    /// South-west corner latitude.
    pub sw_lat: f64,
}

fn read_area(r: &mut BitReader<'_>) -> Area {
    Area {
        ne_lon: r.i(18) as f64 / 600.0,
        ne_lat: r.i(17) as f64 / 600.0,
        sw_lon: r.i(18) as f64 / 600.0,
        sw_lat: r.i(17) as f64 / 600.0,
    }
}

impl ChannelManagement {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let channel_a = r.u16(12);
        let channel_b = r.u16(12);
        let txrx = r.u8(4);
        let power = r.flag();
        let addressed = r.payload().bits(139, 1) != 0;
        let target = if addressed {
            let dest1 = r.u32(30);
            r.skip(5);
            let dest2 = r.u32(30);
            r.skip(5);
            ChannelTarget::Addressed { dest1, dest2 }
        } else {
            ChannelTarget::Area(read_area(r))
        };
        r.skip(1); // the addressed flag, read above
        ChannelManagement {
            header,
            channel_a,
            channel_b,
            txrx,
            power,
            target,
            band_a: r.flag(),
            band_b: r.flag(),
            zonesize: r.u8(3),
        }
    }
}

/// Type 23: group assignment command (Table 79).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupAssignment {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// The region the command applies to.
    pub area: Area,
    /// Station type selected (see [`station_type_text`]).
    pub station_type: u8,
    /// Ship and cargo type selected, 0 for all.
    pub ship_type: u8,
    /// Tx/Rx mode, 0-3.
    pub txrx: u8,
    /// Reporting interval code (Table 77).
    pub interval: u8,
    /// Quiet time in minutes, 0 for none.
    pub quiet: u8,
}

impl GroupAssignment {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let area = read_area(r);
        let station_type = r.u8(4);
        let ship_type = r.u8(8);
        r.skip(22);
        GroupAssignment { header, area, station_type, ship_type, txrx: r.u8(2), interval: r.u8(4), quiet: r.u8(4) }
    }
}

/// Station type names for group assignment (Table 79).
pub fn station_type_text(t: u8) -> &'static str {
    match t {
        0 => "All types of mobiles",
        1 => "Reserved for future use",
        2 => "All types of Class B mobile stations",
        3 => "SAR airborne mobile station",
        4 => "Aid to Navigation station",
        5 => "Class B shipborne mobile station",
        6 => "Regional use and inland waterways",
        7 => "Regional use and inland waterways",
        8 => "Regional use and inland waterways",
        9 => "Regional use and inland waterways",
        _ => "Reserved for future use",
    }
}
