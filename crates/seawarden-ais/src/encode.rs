//! Encoding messages back into payloads and NMEA sentences, for simulators
//! and round-trip tests.
//!
//! Supported: types 1-3, 4/11, 5, 9, 14, 18, 19, 21, 24 and 27. Each encoder
//! writes the exact bit layout its decoder reads, with `None` written as the
//! standard's "not available" value, so `decode(encode(m)) == m` for every
//! message whose values lie on the wire's resolution.

use crate::bits::{BitWriter, Payload};
use crate::messages::*;
use crate::nmea::format_sentence;

/// Messages that can be encoded.
pub trait Encode {
    /// The message's payload bits.
    fn encode(&self) -> Payload;
}

impl AisMessage {
    /// Encodes the message, or `None` for types without an encoder.
    pub fn encode(&self) -> Option<Payload> {
        Some(match self {
            AisMessage::Position(m) => m.encode(),
            AisMessage::BaseStation(m) => m.encode(),
            AisMessage::StaticVoyage(m) => m.encode(),
            AisMessage::SarAircraft(m) => m.encode(),
            AisMessage::SafetyBroadcast(m) => m.encode(),
            AisMessage::ClassBPosition(m) => m.encode(),
            AisMessage::ClassBExtended(m) => m.encode(),
            AisMessage::AidToNavigation(m) => m.encode(),
            AisMessage::StaticDataReport(m) => m.encode(),
            AisMessage::LongRange(m) => m.encode(),
            _ => return None,
        })
    }
}

/// Splits a payload into `!xxVDM` sentences of at most `max_chars` payload
/// characters each (60 keeps every sentence within NMEA's 82 characters).
/// `seq_id` links the fragments of a multi-part message.
pub fn to_sentences(payload: &Payload, talker: &str, channel: char, seq_id: u8, max_chars: usize) -> Vec<String> {
    let (armored, fill) = payload.to_armored();
    let max_chars = max_chars.max(1);
    let chunks: Vec<&str> = if armored.is_empty() {
        vec![""]
    } else {
        armored.as_bytes().chunks(max_chars).map(|c| std::str::from_utf8(c).unwrap_or("")).collect()
    };
    let total = chunks.len() as u8;
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let last = i + 1 == chunks.len();
            let seq = (total > 1).then_some(seq_id % 10);
            format_sentence(talker, total, i as u8 + 1, seq, channel, c, if last { fill } else { 0 })
        })
        .collect()
}

fn header(w: &mut BitWriter, h: &Header) {
    w.u(6, h.msg_type as u64).u(2, h.repeat as u64).u(30, h.mmsi as u64);
}

fn lon_raw(v: Option<f64>) -> i64 {
    v.map_or(108_600_000, |d| (d * 600_000.0).round() as i64)
}
fn lat_raw(v: Option<f64>) -> i64 {
    v.map_or(54_600_000, |d| (d * 600_000.0).round() as i64)
}
fn lon_raw10(v: Option<f64>) -> i64 {
    v.map_or(108_600, |d| (d * 600.0).round() as i64)
}
fn lat_raw10(v: Option<f64>) -> i64 {
    v.map_or(54_600, |d| (d * 600.0).round() as i64)
}
fn speed_raw(v: Option<f32>) -> u64 {
    v.map_or(1023, |s| ((s * 10.0).round() as u64).min(1022))
}
fn course_raw(v: Option<f32>) -> u64 {
    v.map_or(3600, |c| ((c * 10.0).round() as u64).min(3599))
}
fn heading_raw(v: Option<u16>) -> u64 {
    v.map_or(511, |h| h as u64)
}
fn second_raw(v: Option<u8>) -> u64 {
    v.map_or(60, |s| s as u64)
}
fn opt<T: Into<u64>>(v: Option<T>) -> u64 {
    v.map_or(0, Into::into)
}

fn dimensions(w: &mut BitWriter, d: &Dimensions) {
    w.u(9, opt(d.to_bow)).u(9, opt(d.to_stern)).u(6, opt(d.to_port)).u(6, opt(d.to_starboard));
}

impl Encode for PositionReport {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(4, self.status.map_or(15, |s| s as u64));
        w.i(8, self.rot.map_or(-128, |r| r as i64));
        w.u(10, speed_raw(self.speed)).flag(self.accuracy);
        w.i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat));
        w.u(12, course_raw(self.course)).u(9, heading_raw(self.heading)).u(6, second_raw(self.second));
        w.u(2, opt(self.maneuver)).u(3, self.spare as u64).flag(self.raim).u(19, self.radio as u64);
        w.finish()
    }
}

impl Encode for BaseStationReport {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(14, opt(self.year)).u(4, opt(self.month)).u(5, opt(self.day));
        w.u(5, self.hour.map_or(24, |v| v as u64)).u(6, self.minute.map_or(60, |v| v as u64));
        w.u(6, self.second.map_or(60, |v| v as u64)).flag(self.accuracy);
        w.i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat)).u(4, opt(self.epfd));
        w.flag(self.long_range_control).u(9, self.spare as u64).flag(self.raim).u(19, self.radio as u64);
        w.finish()
    }
}

impl Encode for StaticVoyageData {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(2, self.ais_version as u64).u(30, opt(self.imo));
        w.text(7, &self.callsign).text(20, &self.shipname).u(8, opt(self.shiptype));
        dimensions(&mut w, &self.dimensions);
        w.u(4, opt(self.epfd));
        let e = &self.eta;
        w.u(4, opt(e.month)).u(5, opt(e.day)).u(5, e.hour.map_or(24, |v| v as u64)).u(6, e.minute.map_or(60, |v| v as u64));
        w.u(8, self.draught.map_or(0, |d| ((d * 10.0).round() as u64).min(255)));
        w.text(20, &self.destination).flag(self.dte).flag(self.spare);
        w.finish()
    }
}

impl Encode for SarAircraftReport {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(12, self.altitude.map_or(4095, |a| a as u64)).u(10, self.speed.map_or(1023, |s| s as u64));
        w.flag(self.accuracy).i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat));
        w.u(12, course_raw(self.course)).u(6, second_raw(self.second));
        w.flag(self.altitude_sensor).u(7, self.regional as u64).flag(self.dte).u(3, self.spare as u64);
        w.flag(self.assigned).flag(self.raim).u(20, self.radio as u64);
        w.finish()
    }
}

impl Encode for SafetyBroadcast {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(2, 0).text(self.text.len(), &self.text);
        w.finish()
    }
}

impl Encode for ClassBPosition {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(8, self.reserved as u64).u(10, speed_raw(self.speed)).flag(self.accuracy);
        w.i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat));
        w.u(12, course_raw(self.course)).u(9, heading_raw(self.heading)).u(6, second_raw(self.second));
        w.u(2, self.regional as u64).flag(self.cs).flag(self.display).flag(self.dsc).flag(self.band).flag(self.msg22);
        w.flag(self.assigned).flag(self.raim).u(20, self.radio as u64);
        w.finish()
    }
}

impl Encode for ClassBExtended {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.u(8, self.reserved as u64).u(10, speed_raw(self.speed)).flag(self.accuracy);
        w.i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat));
        w.u(12, course_raw(self.course)).u(9, heading_raw(self.heading)).u(6, second_raw(self.second));
        w.u(4, self.regional as u64).text(20, &self.shipname).u(8, opt(self.shiptype));
        dimensions(&mut w, &self.dimensions);
        w.u(4, opt(self.epfd)).flag(self.raim).flag(self.dte).flag(self.assigned).u(4, self.spare as u64);
        w.finish()
    }
}

impl Encode for AidToNavigation {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        let name = self.name.as_str();
        let (first, ext) = name.split_at(name.len().min(20));
        w.u(5, opt(self.aid_type)).text(20, first).flag(self.accuracy);
        w.i(28, lon_raw(self.lon)).i(27, lat_raw(self.lat));
        dimensions(&mut w, &self.dimensions);
        w.u(4, opt(self.epfd)).u(6, second_raw(self.second)).flag(self.off_position).u(8, self.regional as u64);
        w.flag(self.raim).flag(self.virtual_aid).flag(self.assigned).u(1, 0);
        if !ext.is_empty() {
            w.text(ext.len(), ext);
        }
        w.finish()
    }
}

impl Encode for StaticDataReport {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        match &self.part {
            StaticDataPart::A { shipname } => {
                w.u(2, 0).text(20, shipname);
            }
            StaticDataPart::B { shiptype, vendorid, model, serial, callsign, dimensions_or_mothership, epfd } => {
                w.u(2, 1).u(8, opt(*shiptype)).text(3, vendorid).u(4, *model as u64).u(20, *serial as u64);
                w.text(7, callsign);
                match dimensions_or_mothership {
                    DimensionsOrMothership::Dimensions(d) => dimensions(&mut w, d),
                    DimensionsOrMothership::Mothership(m) => {
                        w.u(30, *m as u64);
                    }
                }
                w.u(4, opt(*epfd)).u(2, 0);
            }
        }
        w.finish()
    }
}

impl Encode for LongRangePosition {
    fn encode(&self) -> Payload {
        let mut w = BitWriter::new();
        header(&mut w, &self.header);
        w.flag(self.accuracy).flag(self.raim).u(4, self.status.map_or(15, |s| s as u64));
        w.i(18, lon_raw10(self.lon)).i(17, lat_raw10(self.lat));
        w.u(6, self.speed.map_or(63, |s| s as u64)).u(9, self.course.map_or(511, |c| c as u64));
        w.flag(self.gnss).flag(self.spare);
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decoder::{Decoder, Event};

    #[test]
    fn re_encodes_a_real_type1_exactly() {
        let p = Payload::from_armored(b"15N1u<PP1FJuvSRHOE6QIwwh0HQ6", 0).unwrap();
        let m = AisMessage::decode(&p).unwrap();
        assert_eq!(m.encode().unwrap(), p);
        let s = to_sentences(&p, "AI", 'A', 0, 60);
        assert_eq!(s, ["!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30"]);
    }

    #[test]
    fn multi_part_sentences_decode_back() {
        let armored = b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880";
        let p = Payload::from_armored(armored, 2).unwrap();
        let m = AisMessage::decode(&p).unwrap();
        let sentences = to_sentences(&m.encode().unwrap(), "AI", 'B', 3, 30);
        assert_eq!(sentences.len(), 3);
        let mut d = Decoder::new();
        let mut got = Vec::new();
        for s in &sentences {
            d.feed(s.as_bytes(), &mut |e| {
                if let Event::Message(x) = e {
                    got.push(x.message.clone())
                }
            });
        }
        assert_eq!(got, [m]);
    }
}
