//! Observations: the parts of AIS messages that vessel tracking uses.

use seawarden_ais::meta::Source;
use seawarden_ais::{AisMessage, Decoded, DimensionsOrMothership, StaticDataPart};

use crate::vessel::{Class, Identity};

/// A position report, whatever message type carried it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionObs {
    /// Event time: receive time in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Sender.
    pub mmsi: u32,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
    /// Course over ground, degrees.
    pub cog: Option<f32>,
    /// True heading, degrees.
    pub heading: Option<u16>,
    /// Navigational status (class A).
    pub status: Option<u8>,
    /// Station class.
    pub class: Class,
    /// Message type that carried it.
    pub msg_type: u8,
    /// Receiving station, when known.
    pub source: Option<Source>,
    /// Hash of the transmission, equal for copies heard by several receivers.
    pub payload_hash: u64,
}

/// Identity and voyage data from a static message (types 5, 19, 24): the
/// fields the message carries are `Some`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticObs {
    /// Event time, milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Sender.
    pub mmsi: u32,
    /// Station class.
    pub class: Class,
    /// The reported identity and voyage fields.
    pub identity: Identity,
    /// Hash of the transmission.
    pub payload_hash: u64,
}

/// What tracking takes from one message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Observation {
    /// A position report.
    Position(PositionObs),
    /// Identity and voyage data.
    Static(StaticObs),
}

impl Observation {
    /// The identity part of a type 19 extended class B report, which also
    /// carries a position (given by [`Observation::from_decoded`]).
    pub fn extended_b_static(d: &Decoded, time_ms: i64) -> Option<StaticObs> {
        let AisMessage::ClassBExtended(m) = &d.message else { return None };
        Some(StaticObs {
            time_ms: d.meta.rx_time_ms.unwrap_or(time_ms),
            mmsi: m.header.mmsi,
            class: Class::B,
            identity: Identity { name: m.shipname.non_empty().map(|_| m.shipname), shiptype: m.shiptype, dimensions: Some(m.dimensions), ..Identity::default() },
            payload_hash: d.meta.payload_hash,
        })
    }

    /// Extracts the observation a decoded message carries, if any. `time_ms`
    /// is the event time to use when the message has no receive time.
    /// Positions that are not available give `None`.
    pub fn from_decoded(d: &Decoded, time_ms: i64) -> Option<Observation> {
        let time_ms = d.meta.rx_time_ms.unwrap_or(time_ms);
        let mmsi = d.message.mmsi();
        let hash = d.meta.payload_hash;
        let statik = |class, identity| Some(Observation::Static(StaticObs { time_ms, mmsi, class, identity, payload_hash: hash }));
        let class = match &d.message {
            AisMessage::Position(_) => Class::A,
            AisMessage::ClassBPosition(_) => Class::B,
            AisMessage::ClassBExtended(_) => Class::B,
            AisMessage::LongRange(_) => Class::A,
            AisMessage::SarAircraft(_) => Class::SarAircraft,
            AisMessage::BaseStation(b) if b.header.msg_type == 4 => Class::BaseStation,
            AisMessage::AidToNavigation(_) => Class::AidToNavigation,
            AisMessage::StaticVoyage(s) => {
                return statik(
                    Class::A,
                    Identity {
                        name: s.shipname.non_empty().map(|_| s.shipname),
                        callsign: s.callsign.non_empty().map(|_| s.callsign),
                        imo: s.imo,
                        shiptype: s.shiptype,
                        dimensions: Some(s.dimensions),
                        destination: Some(s.destination),
                        eta: Some(s.eta),
                        draught: s.draught,
                    },
                );
            }
            AisMessage::StaticDataReport(s) => {
                return match &s.part {
                    StaticDataPart::A { shipname } => statik(Class::B, Identity { name: shipname.non_empty().map(|_| *shipname), ..Identity::default() }),
                    StaticDataPart::B { shiptype, callsign, dimensions_or_mothership, .. } => {
                        let dimensions = match dimensions_or_mothership {
                            DimensionsOrMothership::Dimensions(d) => Some(*d),
                            DimensionsOrMothership::Mothership(_) => None,
                        };
                        statik(Class::B, Identity { callsign: callsign.non_empty().map(|_| *callsign), shiptype: *shiptype, dimensions, ..Identity::default() })
                    }
                };
            }
            _ => return None,
        };
        let fix = d.message.position()?;
        Some(Observation::Position(PositionObs {
            time_ms,
            mmsi,
            lat: fix.lat,
            lon: fix.lon,
            sog: fix.sog,
            cog: fix.cog,
            heading: fix.heading,
            status: fix.status,
            class,
            msg_type: d.message.msg_type(),
            source: d.meta.source,
            payload_hash: hash,
        }))
    }

    /// Event time, milliseconds since the Unix epoch.
    pub fn time_ms(&self) -> i64 {
        match self {
            Observation::Position(p) => p.time_ms,
            Observation::Static(s) => s.time_ms,
        }
    }

    /// Sender.
    pub fn mmsi(&self) -> u32 {
        match self {
            Observation::Position(p) => p.mmsi,
            Observation::Static(s) => s.mmsi,
        }
    }

    /// Hash of the transmission.
    pub fn payload_hash(&self) -> u64 {
        match self {
            Observation::Position(p) => p.payload_hash,
            Observation::Static(s) => s.payload_hash,
        }
    }
}
