//! Inland AIS (European inland waterways, ERI): DAC 200 FI 10, inland ship
//! static and voyage related data, sent by inland vessels beside message 5.

use super::{within, write_coded};
use crate::bits::{AisText, Payload};
use crate::json::JsonWriter;
use crate::messages::ship_type_text;

/// Application bits up to the heading quality flag (the 8 trailing spare bits
/// are not required).
const BITS: usize = 104;

/// Inland ship static and voyage related data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InlandStatic {
    /// European Number of Identification (ENI, formerly ERI number), 8 characters.
    pub eni: AisText<8>,
    /// Length of the ship or convoy, metres (0.1 m steps, up to 800 m).
    pub length: Option<f32>,
    /// Beam of the ship or convoy, metres (0.1 m steps, up to 100 m).
    pub beam: Option<f32>,
    /// Ship or combination type, ERI code (see [`eri_ship_type_text`]).
    pub ship_type: Option<u16>,
    /// Hazardous cargo: number of blue cones/lights 0-3, or 4 for the B flag.
    pub hazard: Option<u8>,
    /// Static draught, metres (0.01 m steps, up to 20 m).
    pub draught: Option<f32>,
    /// Load status: 1 unloaded, 2 loaded.
    pub loaded: Option<u8>,
    /// Speed information quality: true for high (from a sensor), false for low/GNSS.
    pub speed_quality: bool,
    /// Course information quality: true for high (from a sensor), false for low/GNSS.
    pub course_quality: bool,
    /// Heading information quality: true for high (from a sensor), false for low/GNSS.
    pub heading_quality: bool,
}

impl InlandStatic {
    /// Decodes DAC 200 FI 10 application data.
    pub fn decode(data: &Payload) -> Option<InlandStatic> {
        if data.len() < BITS {
            return None;
        }
        let mut r = data.reader();
        Some(InlandStatic {
            eni: r.text(8),
            length: within(r.u16(13), 1, 8000).map(|v| v as f32 / 10.0),
            beam: within(r.u16(10), 1, 1000).map(|v| v as f32 / 10.0),
            ship_type: within(r.u16(14), 1, 9999),
            hazard: within(r.u8(3), 0, 4),
            draught: within(r.u16(11), 1, 2000).map(|v| v as f32 / 100.0),
            loaded: within(r.u8(2), 1, 2),
            speed_quality: r.flag(),
            course_quality: r.flag(),
            heading_quality: r.flag(),
        })
    }

    /// Writes the fields with gpsd's names (`vin`, `length`, `beam`, `shiptype`,
    /// `hazard`, `draught`, `loaded`, `speed_q`, `course_q`, `heading_q`);
    /// lengths in metres.
    pub fn write_json(&self, w: &mut JsonWriter<'_>) {
        w.opt_str("vin", self.eni.non_empty());
        w.opt_float("length", self.length, 1).opt_float("beam", self.beam, 1);
        if let Some(t) = self.ship_type {
            w.uint("shiptype", t as u64).str("shiptype_text", eri_ship_type_text(t));
        }
        write_coded(w, "hazard", "hazard_text", self.hazard, hazard_text);
        w.opt_float("draught", self.draught, 2);
        write_coded(w, "loaded", "loaded_text", self.loaded, loaded_text);
        w.bool("speed_q", self.speed_quality).bool("course_q", self.course_quality);
        w.bool("heading_q", self.heading_quality);
    }
}

/// Hazardous cargo names (blue cones/lights, ADN).
pub fn hazard_text(code: u8) -> &'static str {
    match code {
        0 => "0 blue cones/lights",
        1 => "1 blue cone/light",
        2 => "2 blue cones/lights",
        3 => "3 blue cones/lights",
        4 => "B-Flag",
        _ => "Unknown",
    }
}

/// Load status names.
pub fn loaded_text(code: u8) -> &'static str {
    match code {
        1 => "Unloaded",
        2 => "Loaded",
        _ => "N/A",
    }
}

/// ERI ship and combination type names (Inland AIS / ERI classification).
/// Codes below 100 are the ITU-R M.1371 ship types some units send instead.
pub fn eri_ship_type_text(code: u16) -> &'static str {
    match code {
        1..=99 => ship_type_text(code as u8),
        8000 => "Vessel, type unknown",
        8010 => "Motor freighter",
        8020 => "Motor tanker",
        8021 => "Motor tanker, liquid cargo, type N",
        8022 => "Motor tanker, liquid cargo, type C",
        8023 => "Motor tanker, dry cargo as if liquid (e.g. cement)",
        8030 => "Container vessel",
        8040 => "Gas tanker",
        8050 => "Motor freighter, tug",
        8060 => "Motor tanker, tug",
        8070 => "Motor freighter with one or more ships alongside",
        8080 => "Motor freighter with tanker",
        8090 => "Motor freighter pushing one or more freighters",
        8100 => "Motor freighter pushing at least one tank-ship",
        8110 => "Tug, freighter",
        8120 => "Tug, tanker",
        8130 => "Tug freighter, coupled",
        8140 => "Tug, freighter/tanker, coupled",
        8150 => "Freightbarge",
        8160 => "Tankbarge",
        8161 => "Tankbarge, liquid cargo, type N",
        8162 => "Tankbarge, liquid cargo, type C",
        8163 => "Tankbarge, dry cargo as if liquid (e.g. cement)",
        8170 => "Freightbarge with containers",
        8180 => "Tankbarge, gas",
        8210 => "Pushtow, one cargo barge",
        8220 => "Pushtow, two cargo barges",
        8230 => "Pushtow, three cargo barges",
        8240 => "Pushtow, four cargo barges",
        8250 => "Pushtow, five cargo barges",
        8260 => "Pushtow, six cargo barges",
        8270 => "Pushtow, seven cargo barges",
        8280 => "Pushtow, eight cargo barges",
        8290 => "Pushtow, nine or more barges",
        8310 => "Pushtow, one tank/gas barge",
        8320 => "Pushtow, two barges at least one tanker or gas barge",
        8330 => "Pushtow, three barges at least one tanker or gas barge",
        8340 => "Pushtow, four barges at least one tanker or gas barge",
        8350 => "Pushtow, five barges at least one tanker or gas barge",
        8360 => "Pushtow, six barges at least one tanker or gas barge",
        8370 => "Pushtow, seven barges at least one tanker or gas barge",
        8380 => "Pushtow, eight barges at least one tanker or gas barge",
        8390 => "Pushtow, nine or more barges at least one tanker or gas barge",
        8400 => "Tug, single",
        8410 => "Tug, one or more tows",
        8420 => "Tug, assisting a vessel or linked combination",
        8430 => "Pushboat, single",
        8440 => "Passenger ship, ferry, cruise ship, red cross ship",
        8441 => "Ferry",
        8442 => "Red cross ship",
        8443 => "Cruise ship",
        8444 => "Passenger ship without accommodation",
        8450 => "Service vessel, police patrol, port service",
        8460 => "Vessel, work maintenance craft, floating derrick, cable-ship, buoy-ship, dredge",
        8470 => "Object, towed, not otherwise specified",
        8480 => "Fishing boat",
        8490 => "Bunkership",
        8500 => "Barge, tanker, chemical",
        8510 => "Object, not otherwise specified",
        1500 => "General cargo vessel maritime",
        1510 => "Unit carrier maritime",
        1520 => "Bulk carrier maritime",
        1530 => "Tanker",
        1540 => "Liquefied gas tanker",
        1850 => "Pleasure craft, longer than 20 metres",
        1900 => "Fast ship",
        1910 => "Hydrofoil",
        1920 => "Catamaran fast",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{app_data, json_of};
    use super::super::{decode_application, Application};
    use super::*;
    use crate::bits::BitWriter;
    use crate::messages::AppId;

    fn decode(armored: &str) -> (InlandStatic, serde_json::Value) {
        let data = app_data(&[armored], 0);
        let app = decode_application(AppId { dac: 200, fid: 10 }, &data, false).unwrap();
        let Application::InlandStatic(s) = &app else { panic!("{app:?}") };
        (**s, json_of(&app))
    }

    /// Real reports from DMA AisLib's `stream_example.txt`. gpsd 3.22 decodes
    /// the first (MMSI 244670973) to vin "02333145", length 1100 (dm),
    /// beam 135 (dm), shiptype 8022, hazard 0, draught 0 (n/a), loaded 1
    /// "Unloaded", and the second (MMSI 244630658) to vin "03310401",
    /// length 160, beam 60, shiptype 8210, hazard 5 (unknown), draught 150
    /// (cm), loaded 0 (n/a); all quality flags false.
    #[test]
    fn real_inland_reports() {
        let (s, j) = decode("83aEQw@j2d<dtttM=B9Q3gbh00P0");
        assert_eq!(s.eni.as_str(), "02333145");
        assert_eq!((s.length, s.beam, s.ship_type, s.hazard), (Some(110.0), Some(13.5), Some(8022), Some(0)));
        assert_eq!((s.draught, s.loaded), (None, Some(1)));
        assert_eq!((s.speed_quality, s.course_quality, s.heading_quality), (false, false, false));
        assert_eq!((&j["vin"], &j["length"], &j["beam"]), (&"02333145".into(), &110.0.into(), &13.5.into()));
        assert_eq!(j["shiptype_text"], "Motor tanker, liquid cargo, type C");
        assert_eq!((&j["hazard_text"], &j["loaded_text"]), (&"0 blue cones/lights".into(), &"Unloaded".into()));
        assert!(j.get("draught").is_none());

        let (s, j) = decode("83aC4PPj2d<ttL=<<@D0N@2E4d00");
        assert_eq!(s.eni.as_str(), "03310401");
        assert_eq!((s.length, s.beam, s.ship_type, s.hazard), (Some(16.0), Some(6.0), Some(8210), None));
        assert_eq!((s.draught, s.loaded), (Some(1.5), None));
        assert_eq!(j["shiptype_text"], "Pushtow, one cargo barge");
        assert!(j.get("hazard").is_none() && j.get("loaded").is_none());
        assert_eq!(j["draught"], 1.5);
    }

    /// Real reports from Signal K's `nais400-merrimac.log` with ERI codes gpsd
    /// does not name (8440) and with an ITU ship type (50): gpsd 3.22 gives
    /// vin "02606042", length 249, beam 66, shiptype 8440, hazard 0,
    /// draught 240, loaded 2; and vin "02206197", length 255, beam 51,
    /// shiptype 50, draught 130, loaded 2, speed_q true.
    #[test]
    fn real_inland_reports_other_types() {
        let (s, j) = decode("83aDBD0j2d<ed=d=<PO8Q@O07Q00");
        assert_eq!((s.eni.as_str(), s.length, s.beam), ("02606042", Some(24.9), Some(6.6)));
        assert_eq!((s.ship_type, s.hazard, s.draught, s.loaded), (Some(8440), Some(0), Some(2.4), Some(2)));
        assert_eq!(j["shiptype_text"], "Passenger ship, ferry, cruise ship, red cross ship");

        let (s, j) = decode("83`e=?@j2d<dd=dNMhOpIP6@45@0");
        assert_eq!((s.eni.as_str(), s.length, s.beam), ("02206197", Some(25.5), Some(5.1)));
        assert_eq!((s.ship_type, s.draught, s.loaded, s.speed_quality), (Some(50), Some(1.3), Some(2), true));
        assert_eq!(j["shiptype_text"], "Pilot Vessel");
    }

    #[test]
    fn synthetic_fields_and_limits() {
        let mut w = BitWriter::new();
        w.text(8, "04811230").u(13, 8000).u(10, 1000).u(14, 8441).u(3, 4).u(11, 2000).u(2, 2);
        w.flag(true).flag(false).flag(true).u(8, 0);
        let s = InlandStatic::decode(&w.finish()).unwrap();
        assert_eq!(s.eni.as_str(), "04811230");
        assert_eq!((s.length, s.beam, s.draught), (Some(800.0), Some(100.0), Some(20.0)));
        assert_eq!((s.ship_type, s.hazard, s.loaded), (Some(8441), Some(4), Some(2)));
        assert_eq!((s.speed_quality, s.course_quality, s.heading_quality), (true, false, true));
        let j = json_of(&Application::InlandStatic(Box::new(s)));
        assert_eq!(j["shiptype_text"], "Ferry");
        assert_eq!(j["hazard_text"], "B-Flag");
        assert_eq!(j["loaded_text"], "Loaded");

        // Defaults and out-of-range values: nothing but the flags is printed.
        let mut w = BitWriter::new();
        w.text(8, "").u(13, 8001).u(10, 0).u(14, 0).u(3, 5).u(11, 0).u(2, 0).u(3, 0);
        let data = w.finish();
        let s = InlandStatic::decode(&data).unwrap();
        assert_eq!((s.length, s.beam, s.ship_type, s.hazard, s.draught, s.loaded), (None, None, None, None, None, None));
        assert_eq!(json_of(&Application::InlandStatic(Box::new(s))).to_string(), r#"{"course_q":false,"heading_q":false,"speed_q":false}"#);
        assert!(InlandStatic::decode(&data.slice(0, BITS - 1)).is_none());
        assert!(decode_application(AppId { dac: 200, fid: 10 }, &data, false).is_some());
    }
}
