//! gpsd-style JSON for decoded messages (one object per message).
//!
//! Field names and scaling follow gpsd's AIVDM JSON (`"scaled":true`), the de
//! facto convention, with these deliberate differences (each one checked
//! against gpsd 3.22's `gpsdecode` on every bundled log by the
//! `gpsd_differential` test; details and figures in docs/gpsd-differences.md):
//! - values the standard marks "not available" are omitted, not printed as
//!   magic numbers (no `"heading":511`, no `"turn":"nan"`, no `lon` 181), and
//!   so are values outside a field's defined range (heading 360-510, |lat| > 90);
//!   a date/time string (`timestamp`, `eta`) with such a part is omitted, its
//!   valid parts are printed separately (`year`..`second`, `eta_month`..);
//! - `rx_time` (RFC 3339), `source` and `channel` are added when known;
//! - `turn` keeps its sign (left turns negative) and one decimal (gpsd prints
//!   the rounded magnitude); speed 102.2 is a number (gpsd prints `"fast"`);
//! - type 24 parts A and B are printed as they arrive (gpsd merges them);
//!   `vendorid` is the 3-character manufacturer id of M.1371-5 (gpsd prints
//!   the older 7-character field);
//! - type 27 `status` is the numeric code with `status_text` beside it, as in
//!   types 1-3 (gpsd prints the text under `status`);
//! - type 22 and 23 corners are numbers, not strings;
//! - types 25/26 addressed: the 2 spare bits after the destination
//!   (M.1371-5 Tables 80, 82) are skipped before `app_id` and `data` (gpsd
//!   reads them from bit 70); type 26 `radio` is decoded (gpsd prints 0);
//! - type 9 `regional` is the 7 regional bits (gpsd includes the
//!   altitude-sensor bit above them);
//! - entries a short payload cuts off (types 7, 13, 15, 20) are not decoded
//!   (gpsd reads past the end);
//! - `_text` legends use the M.1371-5 wording (gpsd: "Reserved" for status
//!   11, 12, 14; "INVALID EPFD" for 15, internal GNSS);
//! - binary applications that Seawarden decodes add their fields beside `data`
//!   (gpsd prints them instead of `data`).

use crate::decoder::Decoded;
use crate::json::{write_str, JsonWriter};
use crate::messages::*;
use crate::meta::format_rfc3339;

/// Appends one gpsd-style JSON object for `d` to `out` (no newline).
pub fn gpsd_json(d: &Decoded, out: &mut Vec<u8>) {
    let m = &d.message;
    let h = m.header();
    let mut w = JsonWriter::object(out);
    w.str("class", "AIS");
    if let Some(t) = d.meta.rx_time_ms {
        let mut s = String::with_capacity(24);
        format_rfc3339(t, &mut s);
        w.str("rx_time", &s);
    }
    if let Some(src) = &d.meta.source {
        w.str("source", src.as_str());
    }
    if d.meta.channel != 0 {
        w.str("channel", std::str::from_utf8(&[d.meta.channel]).unwrap_or("?"));
    }
    w.uint("type", h.msg_type as u64).uint("repeat", h.repeat as u64).uint("mmsi", h.mmsi as u64).bool("scaled", true);
    match m {
        AisMessage::Position(p) => {
            if let Some(s) = p.status {
                w.uint("status", s as u64).str("status_text", nav_status_text(s));
            }
            match p.rot {
                Some(127) => {
                    w.str("turn", "fastright");
                }
                Some(-127) => {
                    w.str("turn", "fastleft");
                }
                Some(_) => {
                    w.opt_float("turn", p.turn_rate(), 1);
                }
                None => {}
            }
            w.opt_float("speed", p.speed, 1).bool("accuracy", p.accuracy);
            w.opt_float("lon", p.lon, 7).opt_float("lat", p.lat, 7).opt_float("course", p.course, 1);
            w.opt_uint("heading", p.heading).opt_uint("second", p.second).opt_uint("maneuver", p.maneuver);
            w.bool("raim", p.raim).uint("radio", p.radio as u64);
        }
        AisMessage::BaseStation(b) => {
            if let (Some(y), Some(mo), Some(d), Some(hh), Some(mi), Some(s)) = (b.year, b.month, b.day, b.hour, b.minute, b.second) {
                w.str("timestamp", &format!("{y:04}-{mo:02}-{d:02}T{hh:02}:{mi:02}:{s:02}Z"));
            }
            w.opt_uint("year", b.year).opt_uint("month", b.month).opt_uint("day", b.day);
            w.opt_uint("hour", b.hour).opt_uint("minute", b.minute).opt_uint("second", b.second);
            w.bool("accuracy", b.accuracy).opt_float("lon", b.lon, 7).opt_float("lat", b.lat, 7);
            epfd(&mut w, b.epfd);
            w.bool("raim", b.raim).uint("radio", b.radio as u64);
        }
        AisMessage::StaticVoyage(s) => {
            w.opt_uint("imo", s.imo).uint("ais_version", s.ais_version as u64);
            w.opt_str("callsign", s.callsign.non_empty()).opt_str("shipname", s.shipname.non_empty());
            shiptype(&mut w, s.shiptype);
            dimensions(&mut w, &s.dimensions);
            epfd(&mut w, s.epfd);
            let e = s.eta;
            if let (Some(mo), Some(d), Some(hh), Some(mi)) = (e.month, e.day, e.hour, e.minute) {
                w.str("eta", &format!("{mo:02}-{d:02}T{hh:02}:{mi:02}Z"));
            }
            w.opt_uint("eta_month", e.month).opt_uint("eta_day", e.day).opt_uint("eta_hour", e.hour).opt_uint("eta_minute", e.minute);
            w.opt_float("draught", s.draught, 1).opt_str("destination", s.destination.non_empty());
            w.uint("dte", s.dte as u64);
        }
        AisMessage::BinaryAddressed(b) => {
            w.uint("seqno", b.seqno as u64).uint("dest_mmsi", b.dest_mmsi as u64).bool("retransmit", b.retransmit);
            w.uint("dac", b.app.dac as u64).uint("fid", b.app.fid as u64);
            data(&mut w, &b.data);
            if let Some(a) = &b.application {
                a.write_json(&mut w);
            }
        }
        AisMessage::Acknowledge(a) => {
            for (i, e) in a.acks.iter().enumerate() {
                let mmsi = e.map_or(0, |e| e.mmsi);
                w.uint(["mmsi1", "mmsi2", "mmsi3", "mmsi4"][i], mmsi as u64);
                if let Some(e) = e {
                    w.uint(["seqno1", "seqno2", "seqno3", "seqno4"][i], e.seqno as u64);
                }
            }
        }
        AisMessage::BinaryBroadcast(b) => {
            w.uint("dac", b.app.dac as u64).uint("fid", b.app.fid as u64);
            data(&mut w, &b.data);
            if let Some(a) = &b.application {
                a.write_json(&mut w);
            }
        }
        AisMessage::SarAircraft(s) => {
            w.opt_uint("alt", s.altitude).opt_uint("speed", s.speed).bool("accuracy", s.accuracy);
            w.opt_float("lon", s.lon, 7).opt_float("lat", s.lat, 7).opt_float("course", s.course, 1);
            w.opt_uint("second", s.second).uint("regional", s.regional as u64).uint("dte", s.dte as u64);
            w.bool("assigned", s.assigned).bool("raim", s.raim).uint("radio", s.radio as u64);
        }
        AisMessage::UtcInquiry(u) => {
            w.uint("dest_mmsi", u.dest_mmsi as u64);
        }
        AisMessage::SafetyAddressed(s) => {
            w.uint("seqno", s.seqno as u64).uint("dest_mmsi", s.dest_mmsi as u64).bool("retransmit", s.retransmit);
            w.str("text", s.text.as_str());
        }
        AisMessage::SafetyBroadcast(s) => {
            w.str("text", s.text.as_str());
        }
        AisMessage::Interrogation(q) => {
            w.uint("mmsi1", q.mmsi1 as u64).uint("type1_1", q.request1_1.msg_type as u64).uint("offset1_1", q.request1_1.offset as u64);
            let r12 = q.request1_2.unwrap_or_default();
            w.uint("type1_2", r12.msg_type as u64).uint("offset1_2", r12.offset as u64);
            let r21 = q.request2_1.unwrap_or_default();
            w.uint("mmsi2", q.mmsi2.unwrap_or(0) as u64).uint("type2_1", r21.msg_type as u64).uint("offset2_1", r21.offset as u64);
        }
        AisMessage::AssignedMode(a) => {
            let b = a.b.unwrap_or_default();
            w.uint("mmsi1", a.a.mmsi as u64).uint("offset1", a.a.offset as u64).uint("increment1", a.a.increment as u64);
            w.uint("mmsi2", b.mmsi as u64).uint("offset2", b.offset as u64).uint("increment2", b.increment as u64);
        }
        AisMessage::Dgnss(g) => {
            w.opt_float("lon", g.lon, 4).opt_float("lat", g.lat, 4);
            data(&mut w, &g.data);
        }
        AisMessage::ClassBPosition(b) => {
            w.uint("reserved", b.reserved as u64).opt_float("speed", b.speed, 1).bool("accuracy", b.accuracy);
            w.opt_float("lon", b.lon, 7).opt_float("lat", b.lat, 7).opt_float("course", b.course, 1);
            w.opt_uint("heading", b.heading).opt_uint("second", b.second).uint("regional", b.regional as u64);
            w.bool("cs", b.cs).bool("display", b.display).bool("dsc", b.dsc).bool("band", b.band).bool("msg22", b.msg22);
            w.bool("assigned", b.assigned).bool("raim", b.raim).uint("radio", b.radio as u64);
        }
        AisMessage::ClassBExtended(b) => {
            w.uint("reserved", b.reserved as u64).opt_float("speed", b.speed, 1).bool("accuracy", b.accuracy);
            w.opt_float("lon", b.lon, 7).opt_float("lat", b.lat, 7).opt_float("course", b.course, 1);
            w.opt_uint("heading", b.heading).opt_uint("second", b.second).uint("regional", b.regional as u64);
            w.opt_str("shipname", b.shipname.non_empty());
            shiptype(&mut w, b.shiptype);
            dimensions(&mut w, &b.dimensions);
            epfd(&mut w, b.epfd);
            w.bool("raim", b.raim).uint("dte", b.dte as u64).bool("assigned", b.assigned);
        }
        AisMessage::DataLinkManagement(dl) => {
            for (i, r) in dl.reservations.iter().enumerate() {
                let r = r.unwrap_or_default();
                let n = i + 1;
                w.uint(&format!("offset{n}"), r.offset as u64).uint(&format!("number{n}"), r.number as u64);
                w.uint(&format!("timeout{n}"), r.timeout as u64).uint(&format!("increment{n}"), r.increment as u64);
            }
        }
        AisMessage::AidToNavigation(a) => {
            if let Some(t) = a.aid_type {
                w.uint("aid_type", t as u64).str("aid_type_text", aid_type_text(t));
            }
            w.opt_str("name", a.name.non_empty());
            w.opt_float("lon", a.lon, 7).opt_float("lat", a.lat, 7).bool("accuracy", a.accuracy);
            dimensions(&mut w, &a.dimensions);
            epfd(&mut w, a.epfd);
            w.opt_uint("second", a.second).uint("regional", a.regional as u64).bool("off_position", a.off_position);
            w.bool("raim", a.raim).bool("virtual_aid", a.virtual_aid).bool("assigned", a.assigned);
        }
        AisMessage::ChannelManagement(c) => {
            w.uint("channel_a", c.channel_a as u64).uint("channel_b", c.channel_b as u64);
            w.uint("txrx", c.txrx as u64).bool("power", c.power);
            match c.target {
                ChannelTarget::Area(a) => area(&mut w, &a),
                ChannelTarget::Addressed { dest1, dest2 } => {
                    w.uint("dest1", dest1 as u64).uint("dest2", dest2 as u64);
                }
            }
            w.bool("addressed", matches!(c.target, ChannelTarget::Addressed { .. }));
            w.bool("band_a", c.band_a).bool("band_b", c.band_b).uint("zonesize", c.zonesize as u64);
        }
        AisMessage::GroupAssignment(g) => {
            area(&mut w, &g.area);
            w.uint("stationtype", g.station_type as u64).str("stationtype_text", station_type_text(g.station_type));
            w.uint("shiptype", g.ship_type as u64).str("shiptype_text", ship_type_text(g.ship_type));
            w.uint("txrx", g.txrx as u64).uint("interval", g.interval as u64).uint("quiet", g.quiet as u64);
        }
        AisMessage::StaticDataReport(s) => match &s.part {
            StaticDataPart::A { shipname } => {
                w.str("part", "A").opt_str("shipname", shipname.non_empty());
            }
            StaticDataPart::B { shiptype: st, vendorid, model, serial, callsign, dimensions_or_mothership, epfd: e } => {
                w.str("part", "B");
                shiptype(&mut w, *st);
                w.opt_str("vendorid", vendorid.non_empty()).uint("model", *model as u64).uint("serial", *serial as u64);
                w.opt_str("callsign", callsign.non_empty());
                match dimensions_or_mothership {
                    DimensionsOrMothership::Dimensions(d) => dimensions(&mut w, d),
                    DimensionsOrMothership::Mothership(mm) => {
                        w.uint("mothership_mmsi", *mm as u64);
                    }
                }
                epfd(&mut w, *e);
            }
        },
        AisMessage::SingleSlotBinary(b) => {
            binary_addressing(&mut w, b.dest_mmsi, b.app);
            data(&mut w, &b.data);
        }
        AisMessage::MultiSlotBinary(b) => {
            binary_addressing(&mut w, b.dest_mmsi, b.app);
            data(&mut w, &b.data);
            w.uint("radio", b.radio as u64);
        }
        AisMessage::LongRange(l) => {
            if let Some(s) = l.status {
                w.uint("status", s as u64).str("status_text", nav_status_text(s));
            }
            w.bool("accuracy", l.accuracy).opt_float("lon", l.lon, 4).opt_float("lat", l.lat, 4);
            w.opt_uint("speed", l.speed).opt_uint("course", l.course).bool("raim", l.raim).bool("gnss", l.gnss);
        }
    }
    w.finish();
}

fn epfd(w: &mut JsonWriter<'_>, e: Option<u8>) {
    if let Some(e) = e {
        w.uint("epfd", e as u64).str("epfd_text", epfd_text(e));
    }
}

fn shiptype(w: &mut JsonWriter<'_>, t: Option<u8>) {
    if let Some(t) = t {
        w.uint("shiptype", t as u64).str("shiptype_text", ship_type_text(t));
    }
}

fn dimensions(w: &mut JsonWriter<'_>, d: &Dimensions) {
    w.opt_uint("to_bow", d.to_bow).opt_uint("to_stern", d.to_stern);
    w.opt_uint("to_port", d.to_port).opt_uint("to_starboard", d.to_starboard);
}

fn area(w: &mut JsonWriter<'_>, a: &Area) {
    w.float("ne_lon", a.ne_lon, 4).float("ne_lat", a.ne_lat, 4).float("sw_lon", a.sw_lon, 4).float("sw_lat", a.sw_lat, 4);
}

fn binary_addressing(w: &mut JsonWriter<'_>, dest: Option<u32>, app: Option<AppId>) {
    w.bool("addressed", dest.is_some()).bool("structured", app.is_some());
    w.opt_uint("dest_mmsi", dest);
    if let Some(a) = app {
        w.uint("app_id", ((a.dac as u64) << 6) | a.fid as u64);
    }
}

/// Binary data as gpsd prints it: `"<bits>:<hex>"`.
fn data(w: &mut JsonWriter<'_>, p: &crate::bits::Payload) {
    let mut s = Vec::with_capacity(p.len() / 4 + 8);
    let text = format!("{}:{}", p.len(), p.to_hex());
    write_str(&mut s, &text);
    w.raw("data", &s);
}
