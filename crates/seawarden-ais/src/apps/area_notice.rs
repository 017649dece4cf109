//! Area notice: DAC 1 FI 22 (broadcast) and FI 23 (addressed), IMO
//! SN.1/Circ.289. A 55-bit header, then 1 to 10 sub-areas of 87 bits each.

use super::{day, degrees, hour, lat_milli, lon_milli, minute, month, within, write_coded, write_day_time};
use crate::bits::{AisText, BitReader, Payload};
use crate::json::JsonWriter;

/// Bits of the notice header after the DAC/FI.
const HEADER_BITS: usize = 55;
/// Bits of one sub-area.
const SUBAREA_BITS: usize = 87;
/// Most sub-areas a notice carries.
pub const MAX_SUBAREAS: usize = 10;

/// A time- and location-dependent notice about a hazard or restriction.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaNotice {
    /// Message linkage id, linking the notice to other messages (e.g. text).
    pub link_id: u16,
    /// Notice description code, 0-126 (see [`area_notice_text`]).
    pub notice: Option<u8>,
    /// UTC month of the start time, 1-12.
    pub month: Option<u8>,
    /// UTC day of the start time, 1-31.
    pub day: Option<u8>,
    /// UTC hour of the start time, 0-23.
    pub hour: Option<u8>,
    /// UTC minute of the start time, 0-59.
    pub minute: Option<u8>,
    /// Duration in minutes from the start time; 0 cancels the notice.
    pub duration: Option<u32>,
    subareas: [SubArea; MAX_SUBAREAS],
    count: u8,
}

/// One sub-area of a notice. Dimensions are in metres, already multiplied
/// by the sub-area's scale factor (10^`scale`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SubArea {
    /// Shape 0: a circle, or a point when the radius is 0.
    Circle {
        /// Scale factor exponent, 0-3.
        scale: u8,
        /// Longitude of the centre in degrees.
        lon: Option<f64>,
        /// Latitude of the centre in degrees.
        lat: Option<f64>,
        /// Decimal places of precision of the position, 0-4.
        precision: u8,
        /// Radius in metres.
        radius: u32,
    },
    /// Shape 1: a rectangle from its south-west corner.
    Rectangle {
        /// Scale factor exponent, 0-3.
        scale: u8,
        /// Longitude of the south-west corner in degrees.
        lon: Option<f64>,
        /// Latitude of the south-west corner in degrees.
        lat: Option<f64>,
        /// Decimal places of precision of the position, 0-4.
        precision: u8,
        /// Extent to the east in metres (0: a north-south line).
        east: u32,
        /// Extent to the north in metres (0: an east-west line).
        north: u32,
        /// Rotation clockwise from true north, degrees.
        orientation: Option<u16>,
    },
    /// Shape 2: a sector of a circle between two bearings.
    Sector {
        /// Scale factor exponent, 0-3.
        scale: u8,
        /// Longitude of the centre in degrees.
        lon: Option<f64>,
        /// Latitude of the centre in degrees.
        lat: Option<f64>,
        /// Decimal places of precision of the position, 0-4.
        precision: u8,
        /// Radius in metres.
        radius: u32,
        /// Left boundary, degrees from true north.
        left: Option<u16>,
        /// Right boundary, degrees from true north.
        right: Option<u16>,
    },
    /// Shape 3: a polyline continuing from the previous sub-area.
    Polyline(Path),
    /// Shape 4: a polygon whose first vertex is the previous circle's centre.
    Polygon(Path),
    /// Shape 5: text associated with the notice (14 characters).
    Text(AisText<14>),
    /// Shapes 6-7: reserved.
    Reserved(u8),
}

/// Filler for the unused sub-area slots (never exposed).
const UNUSED: SubArea = SubArea::Reserved(7);

/// The points of a polyline or polygon: each a bearing and distance from the
/// previous point.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Path {
    /// Scale factor exponent, 0-3.
    pub scale: u8,
    points: [PathPoint; 4],
    count: u8,
}

/// One point of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PathPoint {
    /// True bearing from the previous point, degrees (0.5° steps).
    pub bearing: f32,
    /// Distance from the previous point, metres.
    pub distance: u32,
}

impl Path {
    /// The points given (up to 4; points with a "not available" bearing are left out).
    pub fn points(&self) -> &[PathPoint] {
        &self.points[..(self.count as usize).min(4)]
    }
}

impl SubArea {
    /// The shape code, 0-7.
    pub fn shape(&self) -> u8 {
        match self {
            SubArea::Circle { .. } => 0,
            SubArea::Rectangle { .. } => 1,
            SubArea::Sector { .. } => 2,
            SubArea::Polyline(_) => 3,
            SubArea::Polygon(_) => 4,
            SubArea::Text(_) => 5,
            SubArea::Reserved(s) => *s,
        }
    }

    /// Decodes the 87-bit sub-area at the reader's position.
    fn decode(r: &mut BitReader<'_>) -> SubArea {
        let shape = r.u8(3);
        if shape == 5 {
            return SubArea::Text(r.text(14));
        }
        let scale = r.u8(2);
        let mult = 10u32.pow(scale as u32);
        match shape {
            0..=2 => {
                let lon = lon_milli(r.i(25));
                let lat = lat_milli(r.i(24));
                let precision = r.u8(3);
                match shape {
                    0 => SubArea::Circle { scale, lon, lat, precision, radius: r.u32(12) * mult },
                    1 => SubArea::Rectangle {
                        scale,
                        lon,
                        lat,
                        precision,
                        east: r.u32(8) * mult,
                        north: r.u32(8) * mult,
                        orientation: degrees(r.u16(9)),
                    },
                    _ => SubArea::Sector {
                        scale,
                        lon,
                        lat,
                        precision,
                        radius: r.u32(12) * mult,
                        left: degrees(r.u16(9)),
                        right: degrees(r.u16(9)),
                    },
                }
            }
            3 | 4 => {
                let mut path = Path { scale, ..Path::default() };
                for _ in 0..4 {
                    let bearing = r.u16(10);
                    let distance = r.u32(10) * mult;
                    // 720 (and up) is "not available": no point.
                    if let Some(b) = within(bearing, 0, 719) {
                        path.points[path.count as usize] = PathPoint { bearing: b as f32 / 2.0, distance };
                        path.count += 1;
                    }
                }
                if shape == 3 {
                    SubArea::Polyline(path)
                } else {
                    SubArea::Polygon(path)
                }
            }
            _ => SubArea::Reserved(shape),
        }
    }

    /// Writes the sub-area's members (gpsd AIVDM document names).
    fn write_json(&self, w: &mut JsonWriter<'_>) {
        let shape = self.shape();
        w.uint("shape", shape as u64).str("shape_text", shape_text(shape));
        match *self {
            SubArea::Circle { scale, lon, lat, precision, radius } => {
                w.uint("scale", scale as u64).opt_float("lon", lon, 6).opt_float("lat", lat, 6);
                w.uint("precision", precision as u64).uint("radius", radius as u64);
            }
            SubArea::Rectangle { scale, lon, lat, precision, east, north, orientation } => {
                w.uint("scale", scale as u64).opt_float("lon", lon, 6).opt_float("lat", lat, 6);
                w.uint("precision", precision as u64).uint("east", east as u64).uint("north", north as u64);
                w.opt_uint("orientation", orientation);
            }
            SubArea::Sector { scale, lon, lat, precision, radius, left, right } => {
                w.uint("scale", scale as u64).opt_float("lon", lon, 6).opt_float("lat", lat, 6);
                w.uint("precision", precision as u64).uint("radius", radius as u64);
                w.opt_uint("left", left).opt_uint("right", right);
            }
            SubArea::Polyline(ref p) | SubArea::Polygon(ref p) => {
                w.uint("scale", p.scale as u64);
                let mut json = Vec::with_capacity(40 * p.points().len() + 2);
                json.push(b'[');
                for (i, pt) in p.points().iter().enumerate() {
                    if i > 0 {
                        json.push(b',');
                    }
                    let mut o = JsonWriter::object(&mut json);
                    o.float("bearing", pt.bearing as f64, 1).uint("distance", pt.distance as u64);
                    o.finish();
                }
                json.push(b']');
                w.raw(if shape == 3 { "waypoints" } else { "vertices" }, &json);
            }
            SubArea::Text(ref t) => {
                w.str("text", t.as_str());
            }
            SubArea::Reserved(_) => {}
        }
    }
}

impl AreaNotice {
    /// Decodes the application data of FI 22 or FI 23: `None` unless it holds
    /// the header and at least one sub-area. Trailing bits short of a whole
    /// sub-area are ignored.
    pub fn decode(data: &Payload) -> Option<AreaNotice> {
        let count = (data.len().checked_sub(HEADER_BITS)? / SUBAREA_BITS).min(MAX_SUBAREAS);
        if count == 0 {
            return None;
        }
        let mut r = data.reader();
        let mut n = AreaNotice {
            link_id: r.u16(10),
            notice: within(r.u8(7), 0, 126),
            month: month(r.u8(4)),
            day: day(r.u8(5)),
            hour: hour(r.u8(5)),
            minute: minute(r.u8(6)),
            duration: within(r.u32(18), 0, 262_142),
            subareas: [UNUSED; MAX_SUBAREAS],
            count: count as u8,
        };
        for (i, slot) in n.subareas.iter_mut().take(count).enumerate() {
            let mut r = data.reader();
            r.skip(HEADER_BITS + i * SUBAREA_BITS);
            *slot = SubArea::decode(&mut r);
        }
        Some(n)
    }

    /// The sub-areas, 1 to 10, in message order.
    pub fn subareas(&self) -> &[SubArea] {
        &self.subareas[..(self.count as usize).min(MAX_SUBAREAS)]
    }

    /// Writes the notice: `linkage`, `notice` (with `notice_text`), the start
    /// time, `duration`, and the sub-areas as the array `subareas`.
    pub fn write_json(&self, w: &mut JsonWriter<'_>) {
        w.uint("linkage", self.link_id as u64);
        write_coded(w, "notice", "notice_text", self.notice, area_notice_text);
        w.opt_uint("month", self.month);
        write_day_time(w, self.day, self.hour, self.minute);
        w.opt_uint("duration", self.duration);
        let mut json = Vec::with_capacity(160 * self.subareas().len() + 2);
        json.push(b'[');
        for (i, a) in self.subareas().iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            let mut o = JsonWriter::object(&mut json);
            a.write_json(&mut o);
            o.finish();
        }
        json.push(b']');
        w.raw("subareas", &json);
    }
}

/// Sub-area shape names.
pub fn shape_text(shape: u8) -> &'static str {
    match shape {
        0 => "circle",
        1 => "rectangle",
        2 => "sector",
        3 => "polyline",
        4 => "polygon",
        5 => "text",
        _ => "reserved",
    }
}

/// Area notice description names (IMO SN.1/Circ.289, area notice table).
pub fn area_notice_text(code: u8) -> &'static str {
    match code {
        0 => "Caution Area: Marine mammals habitat",
        1 => "Caution Area: Marine mammals in area - reduce speed",
        2 => "Caution Area: Marine mammals in area - stay clear",
        3 => "Caution Area: Marine mammals in area - report sightings",
        4 => "Caution Area: Protected habitat - reduce speed",
        5 => "Caution Area: Protected habitat - stay clear",
        6 => "Caution Area: Protected habitat - no fishing or anchoring",
        7 => "Caution Area: Derelicts (drifting objects)",
        8 => "Caution Area: Traffic congestion",
        9 => "Caution Area: Marine event",
        10 => "Caution Area: Divers down",
        11 => "Caution Area: Swim area",
        12 => "Caution Area: Dredge operations",
        13 => "Caution Area: Survey operations",
        14 => "Caution Area: Underwater operation",
        15 => "Caution Area: Seaplane operations",
        16 => "Caution Area: Fishery - nets in water",
        17 => "Caution Area: Cluster of fishing vessels",
        18 => "Caution Area: Fairway closed",
        19 => "Caution Area: Harbour closed",
        20 => "Caution Area: Risk (define in associated text field)",
        21 => "Caution Area: Underwater vehicle operation",
        23 => "Environmental Caution Area: Storm front (line squall)",
        24 => "Environmental Caution Area: Hazardous sea ice",
        25 => "Environmental Caution Area: Storm warning (storm cell or line of storms)",
        26 => "Environmental Caution Area: High wind",
        27 => "Environmental Caution Area: High waves",
        28 => "Environmental Caution Area: Restricted visibility (fog, rain, etc.)",
        29 => "Environmental Caution Area: Strong currents",
        30 => "Environmental Caution Area: Heavy icing",
        32 => "Restricted Area: Fishing prohibited",
        33 => "Restricted Area: No anchoring",
        34 => "Restricted Area: Entry approval required prior to transit",
        35 => "Restricted Area: Entry prohibited",
        36 => "Restricted Area: Active military OPAREA",
        37 => "Restricted Area: Firing - danger area",
        38 => "Restricted Area: Drifting mines",
        40 => "Anchorage Area: Anchorage open",
        41 => "Anchorage Area: Anchorage closed",
        42 => "Anchorage Area: Anchorage prohibited",
        43 => "Anchorage Area: Deep draft anchorage",
        44 => "Anchorage Area: Shallow draft anchorage",
        45 => "Anchorage Area: Vessel transfer operations",
        56 => "Security Alert - Level 1",
        57 => "Security Alert - Level 2",
        58 => "Security Alert - Level 3",
        64 => "Distress Area: Vessel disabled and adrift",
        65 => "Distress Area: Vessel sinking",
        66 => "Distress Area: Vessel abandoning ship",
        67 => "Distress Area: Vessel requests medical assistance",
        68 => "Distress Area: Vessel flooding",
        69 => "Distress Area: Vessel fire/explosion",
        70 => "Distress Area: Vessel grounding",
        71 => "Distress Area: Vessel collision",
        72 => "Distress Area: Vessel listing/capsizing",
        73 => "Distress Area: Vessel under assault",
        74 => "Distress Area: Person overboard",
        75 => "Distress Area: SAR area",
        76 => "Distress Area: Pollution response area",
        80 => "Instruction: Contact VTS at this point/juncture",
        81 => "Instruction: Contact Port Administration at this point/juncture",
        82 => "Instruction: Do not proceed beyond this point/juncture",
        83 => "Instruction: Await instructions prior to proceeding beyond this point/juncture",
        84 => "Proceed to this location - await instructions",
        85 => "Clearance granted - proceed to berth",
        88 => "Information: Pilot boarding position",
        89 => "Information: Icebreaker waiting area",
        90 => "Information: Places of refuge",
        91 => "Information: Position of icebreakers",
        92 => "Information: Location of response units",
        93 => "VTS active target",
        94 => "Rogue or suspicious vessel",
        95 => "Vessel requesting non-distress assistance",
        96 => "Chart Feature: Sunken vessel",
        97 => "Chart Feature: Submerged object",
        98 => "Chart Feature: Semi-submerged object",
        99 => "Chart Feature: Shoal area",
        100 => "Chart Feature: Shoal area due north",
        101 => "Chart Feature: Shoal area due east",
        102 => "Chart Feature: Shoal area due south",
        103 => "Chart Feature: Shoal area due west",
        104 => "Chart Feature: Channel obstruction",
        105 => "Chart Feature: Reduced vertical clearance",
        106 => "Chart Feature: Bridge closed",
        107 => "Chart Feature: Bridge partially open",
        108 => "Chart Feature: Bridge fully open",
        112 => "Report from ship: Icing info",
        114 => "Report from ship: Miscellaneous information - define in associated text field",
        120 => "Route: Recommended route",
        121 => "Route: Alternative route",
        122 => "Route: Recommended route through ice",
        125 => "Other - Define in associated text field",
        126 => "Cancellation - cancel area as identified by Message Linkage ID",
        127 => "Undefined",
        _ => "(reserved for future use)",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{app_data, json_of};
    use super::super::{decode_application, Application};
    use super::*;
    use crate::bits::BitWriter;
    use crate::messages::AppId;

    /// libais `typeexamples.nmea` line 5 (MMSI 3669739), decoded by libais
    /// (`typeexamples.json` line 5) to link_id 10, notice_type 0, and one
    /// circle: x -69.86498333, y 42.08295, radius 9260, precision 4.
    ///
    /// That JSON also says duration_minutes 2, but 2 is the start minute: in
    /// the SN.1/Circ.289 header (libais' own C++ reads it the same way) the
    /// bits give start 01-01 05:02 UTC, which is when the sentence was
    /// received (its `1325394169` stamp is 2012-01-01 05:02:49 UTC), and a
    /// duration of 20 minutes.
    #[test]
    fn libais_circle_example() {
        let data = app_data(&["803Ovrh0EP:024`@02PN04da=3V<>N0000"], 4);
        assert_eq!(data.len(), 144);
        let app = decode_application(AppId { dac: 1, fid: 22 }, &data, false).unwrap();
        let Application::AreaNotice(n) = &app else { panic!("{app:?}") };
        assert_eq!((n.link_id, n.notice, n.duration), (10, Some(0), Some(20)));
        assert_eq!((n.month, n.day, n.hour, n.minute), (Some(1), Some(1), Some(5), Some(2)));
        assert_eq!(n.subareas().len(), 1);
        let SubArea::Circle { lon, lat, precision, radius, .. } = n.subareas()[0] else { panic!("{:?}", n.subareas()) };
        assert!((lon.unwrap() - -69.86498333333333).abs() < 1e-9);
        assert!((lat.unwrap() - 42.08295).abs() < 1e-9);
        assert_eq!((precision, radius), (4, 9260));

        let j = json_of(&app);
        assert_eq!(j["linkage"], 10);
        assert_eq!(j["notice"], 0);
        assert_eq!(j["notice_text"], "Caution Area: Marine mammals habitat");
        assert_eq!(j["duration"], 20);
        assert_eq!((&j["month"], &j["timestamp"]), (&1.into(), &"01T05:02Z".into()));
        let a = &j["subareas"][0];
        assert_eq!((&a["shape"], &a["shape_text"], &a["radius"], &a["precision"]), (&0.into(), &"circle".into(), &9260.into(), &4.into()));
        assert_eq!(a["lon"], -69.864983);
        assert_eq!(a["lat"], 42.08295);
    }

    fn header(w: &mut BitWriter, link: u64, notice: u64, duration: u64) {
        w.u(10, link).u(7, notice).u(4, 3).u(5, 14).u(5, 6).u(6, 30).u(18, duration);
    }

    #[test]
    fn every_shape() {
        let mut w = BitWriter::new();
        header(&mut w, 1023, 35, 262_143);
        // Rectangle: scale 1 (x10), SW corner 59.5 N 10.25 E, 120 x 30 m... x10.
        w.u(3, 1).u(2, 1).i(25, 615_000).i(24, 3_570_000).u(3, 2).u(8, 12).u(8, 3).u(9, 45).u(5, 0);
        // Sector: scale 2 (x100), radius 15 -> 1500 m, from 350 to 20 degrees.
        w.u(3, 2).u(2, 2).i(25, -615_000).i(24, -3_570_000).u(3, 4).u(12, 15).u(9, 350).u(9, 20);
        // Polyline: scale 0, two points then two "not available".
        w.u(3, 3).u(2, 0).u(10, 181).u(10, 250).u(10, 0).u(10, 1023).u(10, 720).u(10, 0).u(10, 720).u(10, 0).u(2, 0);
        // Polygon: scale 3 (x1000), four points.
        w.u(3, 4).u(2, 3);
        for (b, d) in [(0, 1), (180, 2), (360, 3), (540, 4)] {
            w.u(10, b).u(10, d);
        }
        w.u(2, 0);
        // Text.
        w.u(3, 5).text(14, "NO WAKE ZONE");
        // Reserved shape, then a point (circle of radius 0) with no position.
        w.u(3, 6).u(42, 0).u(42, 0);
        w.u(3, 0).u(2, 0).i(25, 181 * 60_000).i(24, 91 * 60_000).u(3, 4).u(12, 0).u(18, 0);
        let data = w.finish();
        assert_eq!(data.len(), 55 + 7 * 87);

        let n = AreaNotice::decode(&data).unwrap();
        assert_eq!((n.link_id, n.notice, n.duration), (1023, Some(35), None));
        assert_eq!((n.month, n.day, n.hour, n.minute), (Some(3), Some(14), Some(6), Some(30)));
        let s = n.subareas();
        assert_eq!(s.len(), 7);
        let SubArea::Rectangle { scale, lon, lat, precision, east, north, orientation } = s[0] else { panic!("{s:?}") };
        assert_eq!((scale, precision, east, north, orientation), (1, 2, 120, 30, Some(45)));
        assert!((lon.unwrap() - 10.25).abs() < 1e-9 && (lat.unwrap() - 59.5).abs() < 1e-9);
        let SubArea::Sector { scale, lon, lat, radius, left, right, .. } = s[1] else { panic!("{s:?}") };
        assert_eq!((scale, radius, left, right), (2, 1500, Some(350), Some(20)));
        assert!((lon.unwrap() + 10.25).abs() < 1e-9 && (lat.unwrap() + 59.5).abs() < 1e-9);
        let SubArea::Polyline(p) = s[2] else { panic!("{s:?}") };
        assert_eq!(p.points(), &[PathPoint { bearing: 90.5, distance: 250 }, PathPoint { bearing: 0.0, distance: 1023 }]);
        let SubArea::Polygon(p) = s[3] else { panic!("{s:?}") };
        let pts: Vec<_> = p.points().iter().map(|p| (p.bearing, p.distance)).collect();
        assert_eq!(pts, [(0.0, 1000), (90.0, 2000), (180.0, 3000), (270.0, 4000)]);
        assert_eq!(s[4], SubArea::Text("NO WAKE ZONE".into()));
        assert_eq!(s[5], SubArea::Reserved(6));
        assert_eq!(s[6], SubArea::Circle { scale: 0, lon: None, lat: None, precision: 4, radius: 0 });

        let j = json_of(&Application::AreaNotice(Box::new(n)));
        assert_eq!(j["notice_text"], "Restricted Area: Entry prohibited");
        assert_eq!(j["timestamp"], "14T06:30Z");
        assert!(j.get("duration").is_none());
        let a = &j["subareas"];
        assert_eq!(a[0]["orientation"], 45);
        assert_eq!(a[1]["left"], 350);
        assert_eq!(a[2]["waypoints"][0]["bearing"], 90.5);
        assert_eq!(a[2]["waypoints"].as_array().unwrap().len(), 2);
        assert_eq!(a[3]["vertices"][3]["distance"], 4000);
        assert_eq!(a[4]["text"], "NO WAKE ZONE");
        assert_eq!(a[5]["shape_text"], "reserved");
        assert!(a[6].get("lon").is_none() && a[6].get("lat").is_none());
    }

    #[test]
    fn subarea_count_limits() {
        let mut w = BitWriter::new();
        header(&mut w, 1, 126, 0);
        let data = w.finish();
        assert!(AreaNotice::decode(&data).is_none(), "header alone");

        let mut w = BitWriter::new();
        header(&mut w, 1, 126, 0);
        for i in 0..12 {
            w.u(3, 0).u(2, 0).i(25, 0).i(24, 0).u(3, 4).u(12, i).u(18, 0);
        }
        let data = w.finish();
        let n = AreaNotice::decode(&data).unwrap();
        assert_eq!(n.duration, Some(0));
        assert_eq!(n.subareas().len(), 10);
        assert_eq!(n.subareas()[9], SubArea::Circle { scale: 0, lon: Some(0.0), lat: Some(0.0), precision: 4, radius: 9 });
        assert_eq!(AreaNotice::decode(&data.slice(0, 55 + 87 * 2 - 1)).unwrap().subareas().len(), 1);
    }

    #[test]
    fn addressed_form_is_fi23() {
        let mut w = BitWriter::new();
        header(&mut w, 7, 93, 60);
        w.u(3, 5).text(14, "VTS");
        let data = w.finish();
        let Some(Application::AreaNotice(n)) = decode_application(AppId { dac: 1, fid: 23 }, &data, true) else { panic!() };
        assert_eq!((n.link_id, n.notice, n.duration), (7, Some(93), Some(60)));
        assert_eq!(n.subareas(), &[SubArea::Text("VTS".into())]);
    }
}
