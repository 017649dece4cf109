//! Binary messages: types 6, 8, 17, 25 and 26, with the application-specific
//! payloads of registered DAC/FI pairs decoded by [`crate::apps`].

use super::*;
use crate::apps::{decode_application, Application};

/// Designated area code and function identifier of a binary application
/// (ITU-R M.1371-5 Annex 5 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AppId {
    /// Designated area code: 1 international, otherwise a MID.
    pub dac: u16,
    /// Function identifier within the DAC.
    pub fid: u8,
}

/// Type 6: addressed binary message (Table 54).
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryAddressed {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Sequence number, 0-3.
    pub seqno: u8,
    /// Destination MMSI.
    pub dest_mmsi: u32,
    /// Retransmit flag.
    pub retransmit: bool,
    /// Spare bit.
    pub spare: bool,
    /// Application identifier.
    pub app: AppId,
    /// Application data after the DAC/FI, raw.
    pub data: Payload,
    /// The application data decoded, for the registered applications Seawarden knows.
    pub application: Option<Application>,
}

impl BinaryAddressed {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let seqno = r.u8(2);
        let dest_mmsi = r.u32(30);
        let retransmit = r.flag();
        let spare = r.flag();
        let app = AppId { dac: r.u16(10), fid: r.u8(6) };
        let data = r.rest();
        let application = decode_application(app, &data, true);
        BinaryAddressed { header, seqno, dest_mmsi, retransmit, spare, app, data, application }
    }
}

/// Type 8: binary broadcast message (Table 63).
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryBroadcast {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Spare bits (2).
    pub spare: u8,
    /// Application identifier.
    pub app: AppId,
    /// Application data after the DAC/FI, raw.
    pub data: Payload,
    /// The application data decoded, for the registered applications Seawarden knows.
    pub application: Option<Application>,
}

impl BinaryBroadcast {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let spare = r.u8(2);
        let app = AppId { dac: r.u16(10), fid: r.u8(6) };
        let data = r.rest();
        let application = decode_application(app, &data, false);
        BinaryBroadcast { header, spare, app, data, application }
    }
}

/// Type 17: GNSS broadcast binary message (Table 71): DGNSS corrections.
#[derive(Debug, Clone, PartialEq)]
pub struct DgnssBroadcast {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Longitude of the reference station in degrees (1/10 minute).
    pub lon: Option<f64>,
    /// Latitude of the reference station in degrees (1/10 minute).
    pub lat: Option<f64>,
    /// DGNSS correction data (ITU-R M.823 message), raw.
    pub data: Payload,
}

impl DgnssBroadcast {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        r.skip(2);
        let lon = lon_1e1(r.i(18));
        let lat = lat_1e1(r.i(17));
        r.skip(5);
        DgnssBroadcast { header, lon, lat, data: r.rest() }
    }
}

/// Type 25: single slot binary message (Table 80).
#[derive(Debug, Clone, PartialEq)]
pub struct SingleSlotBinary {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Destination MMSI when addressed; `None` for a broadcast.
    pub dest_mmsi: Option<u32>,
    /// Application identifier when the data is structured.
    pub app: Option<AppId>,
    /// Binary data after the optional destination and application id, raw.
    pub data: Payload,
}

impl SingleSlotBinary {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let (dest_mmsi, app) = read_binary_addressing(r);
        SingleSlotBinary { header, dest_mmsi, app, data: r.rest() }
    }
}

/// Type 26: multiple slot binary message with communication state (Table 82).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiSlotBinary {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Destination MMSI when addressed; `None` for a broadcast.
    pub dest_mmsi: Option<u32>,
    /// Application identifier when the data is structured.
    pub app: Option<AppId>,
    /// Binary data between the header and the communication state, raw.
    pub data: Payload,
    /// Communication state selector and state, the last 20 bits.
    pub radio: u32,
}

impl MultiSlotBinary {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let total = r.payload().len();
        let (dest_mmsi, app) = read_binary_addressing(r);
        let data_len = total.saturating_sub(20).saturating_sub(r.pos());
        let data = r.payload().slice(r.pos(), data_len);
        r.skip(data_len);
        let radio = if r.remaining() >= 20 { r.u32(20) } else { 0 };
        MultiSlotBinary { header, dest_mmsi, app, data, radio }
    }
}

/// Destination indicator, binary data flag, and the optional destination
/// (30 bits + 2 spare) and application id of types 25 and 26.
fn read_binary_addressing(r: &mut BitReader<'_>) -> (Option<u32>, Option<AppId>) {
    let addressed = r.flag();
    let structured = r.flag();
    let dest = addressed.then(|| {
        let d = r.u32(30);
        r.skip(2);
        d
    });
    let app = structured.then(|| AppId { dac: r.u16(10), fid: r.u8(6) });
    (dest, app)
}
