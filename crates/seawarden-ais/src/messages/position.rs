//! Position-carrying reports: types 1-3, 4/11, 9, 18, 19, 21 and 27.

use super::*;
use crate::bits::AisText;

/// Types 1, 2 and 3: class A position report (ITU-R M.1371-5 §3.1 Table 45).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionReport {
    /// Type (1 scheduled, 2 assigned, 3 response to interrogation), repeat, MMSI.
    pub header: Header,
    /// Navigational status (see [`nav_status_text`]); `None` for 15, "not defined".
    pub status: Option<u8>,
    /// Rate of turn as transmitted: ±126 is the indicator ±(4.733·√ROT) in
    /// °/min, ±127 turning faster than 5°/30 s with no sensor; `None` for -128.
    pub rot: Option<i8>,
    /// Speed over ground in knots (102.2 means 102.2 knots or more).
    pub speed: Option<f32>,
    /// Position accuracy: true for better than 10 m (DGNSS).
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Course over ground in degrees.
    pub course: Option<f32>,
    /// True heading in degrees.
    pub heading: Option<u16>,
    /// UTC second of the fix (61-63: manual, dead reckoning, inoperative).
    pub second: Option<u8>,
    /// Special manoeuvre indicator: 1 not engaged, 2 engaged.
    pub maneuver: Option<u8>,
    /// Spare bits (3), kept for exact re-encoding.
    pub spare: u8,
    /// RAIM (receiver autonomous integrity monitoring) in use.
    pub raim: bool,
    /// Communication state (SOTDMA or ITDMA), 19 bits as transmitted.
    pub radio: u32,
}

impl PositionReport {
    /// Always inlined: the most common message, whose field offsets are
    /// then constants in the caller.
    #[inline(always)]
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let status = r.u8(4);
        let rot = r.i(8) as i8;
        PositionReport {
            header,
            status: (status != 15).then_some(status),
            rot: (rot != -128).then_some(rot),
            speed: speed_tenths(r.u16(10)),
            accuracy: r.flag(),
            lon: lon_1e4(r.i(28)),
            lat: lat_1e4(r.i(27)),
            course: course_tenths(r.u16(12)),
            heading: heading(r.u16(9)),
            second: second(r.u8(6)),
            maneuver: nonzero(r.u8(2)),
            spare: r.u8(3),
            raim: r.flag(),
            radio: r.u32(19),
        }
    }

    /// Rate of turn in degrees per minute, right positive, when a turn
    /// indicator value (not the "no sensor" ±127) was sent.
    pub fn turn_rate(&self) -> Option<f32> {
        let rot = self.rot?;
        if rot.unsigned_abs() >= 127 {
            return None;
        }
        let v = rot as f32 / 4.733;
        Some(v * v * (rot as f32).signum())
    }
}

/// Types 4 and 11: base station report and UTC/date response (Table 46).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaseStationReport {
    /// Type (4 or 11), repeat, MMSI.
    pub header: Header,
    /// UTC year, 1-9999.
    pub year: Option<u16>,
    /// UTC month, 1-12.
    pub month: Option<u8>,
    /// UTC day, 1-31.
    pub day: Option<u8>,
    /// UTC hour, 0-23.
    pub hour: Option<u8>,
    /// UTC minute, 0-59.
    pub minute: Option<u8>,
    /// UTC second, 0-59.
    pub second: Option<u8>,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Type of electronic position fixing device (see [`epfd_text`]).
    pub epfd: Option<u8>,
    /// Transmission control for long-range broadcast (bit 138, since M.1371-5).
    pub long_range_control: bool,
    /// Spare bits (9).
    pub spare: u16,
    /// RAIM in use.
    pub raim: bool,
    /// SOTDMA communication state, 19 bits.
    pub radio: u32,
}

impl BaseStationReport {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        BaseStationReport {
            header,
            year: nonzero(r.u16(14)),
            month: nonzero(r.u8(4)),
            day: nonzero(r.u8(5)),
            hour: Some(r.u8(5)).filter(|&h| h < 24),
            minute: Some(r.u8(6)).filter(|&m| m < 60),
            second: Some(r.u8(6)).filter(|&s| s < 60),
            accuracy: r.flag(),
            lon: lon_1e4(r.i(28)),
            lat: lat_1e4(r.i(27)),
            epfd: nonzero(r.u8(4)),
            long_range_control: r.flag(),
            spare: r.u16(9),
            raim: r.flag(),
            radio: r.u32(19),
        }
    }
}

/// Type 9: standard SAR aircraft position report (Table 70).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SarAircraftReport {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Altitude in metres (4094 means 4094 m or higher).
    pub altitude: Option<u16>,
    /// Speed over ground in whole knots (1022 means 1022 knots or more).
    pub speed: Option<u16>,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Course over ground in degrees.
    pub course: Option<f32>,
    /// UTC second of the fix.
    pub second: Option<u8>,
    /// Altitude sensor: false GNSS, true barometric.
    pub altitude_sensor: bool,
    /// Regional reserved bits (7).
    pub regional: u8,
    /// Data terminal equipment ready: false ready, true not ready.
    pub dte: bool,
    /// Spare bits (3).
    pub spare: u8,
    /// Assigned mode flag.
    pub assigned: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Communication state selector (1 bit) and state (19 bits), 20 bits.
    pub radio: u32,
}

impl SarAircraftReport {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        SarAircraftReport {
            header,
            altitude: Some(r.u16(12)).filter(|&a| a != 4095),
            speed: Some(r.u16(10)).filter(|&s| s != 1023),
            accuracy: r.flag(),
            lon: lon_1e4(r.i(28)),
            lat: lat_1e4(r.i(27)),
            course: course_tenths(r.u16(12)),
            second: second(r.u8(6)),
            altitude_sensor: r.flag(),
            regional: r.u8(7),
            dte: r.flag(),
            spare: r.u8(3),
            assigned: r.flag(),
            raim: r.flag(),
            radio: r.u32(20),
        }
    }
}

/// Type 18: standard class B position report (Table 71).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBPosition {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Regional reserved bits (8).
    pub reserved: u8,
    /// Speed over ground in knots.
    pub speed: Option<f32>,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Course over ground in degrees.
    pub course: Option<f32>,
    /// True heading in degrees.
    pub heading: Option<u16>,
    /// UTC second of the fix.
    pub second: Option<u8>,
    /// Regional reserved bits (2).
    pub regional: u8,
    /// Class B unit flag: false SOTDMA, true carrier-sense (CS).
    pub cs: bool,
    /// Class B display flag: has a display for messages 12 and 14.
    pub display: bool,
    /// Class B DSC flag: attached to a VHF with DSC.
    pub dsc: bool,
    /// Class B band flag: can use the whole marine band.
    pub band: bool,
    /// Class B message 22 flag: frequency management via message 22.
    pub msg22: bool,
    /// Assigned mode flag.
    pub assigned: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Communication state selector and state, 20 bits.
    pub radio: u32,
}

impl ClassBPosition {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        ClassBPosition {
            header,
            reserved: r.u8(8),
            speed: speed_tenths(r.u16(10)),
            accuracy: r.flag(),
            lon: lon_1e4(r.i(28)),
            lat: lat_1e4(r.i(27)),
            course: course_tenths(r.u16(12)),
            heading: heading(r.u16(9)),
            second: second(r.u8(6)),
            regional: r.u8(2),
            cs: r.flag(),
            display: r.flag(),
            dsc: r.flag(),
            band: r.flag(),
            msg22: r.flag(),
            assigned: r.flag(),
            raim: r.flag(),
            radio: r.u32(20),
        }
    }
}

/// Type 19: extended class B position report (Table 72).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBExtended {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Regional reserved bits (8).
    pub reserved: u8,
    /// Speed over ground in knots.
    pub speed: Option<f32>,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Course over ground in degrees.
    pub course: Option<f32>,
    /// True heading in degrees.
    pub heading: Option<u16>,
    /// UTC second of the fix.
    pub second: Option<u8>,
    /// Regional reserved bits (4).
    pub regional: u8,
    /// Ship name.
    pub shipname: AisText<20>,
    /// Ship and cargo type (see [`ship_type_text`]).
    pub shiptype: Option<u8>,
    /// Dimensions from the position reference point.
    pub dimensions: Dimensions,
    /// Type of electronic position fixing device.
    pub epfd: Option<u8>,
    /// RAIM in use.
    pub raim: bool,
    /// Data terminal equipment: false ready, true not ready.
    pub dte: bool,
    /// Assigned mode flag.
    pub assigned: bool,
    /// Spare bits (4).
    pub spare: u8,
}

impl ClassBExtended {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        ClassBExtended {
            header,
            reserved: r.u8(8),
            speed: speed_tenths(r.u16(10)),
            accuracy: r.flag(),
            lon: lon_1e4(r.i(28)),
            lat: lat_1e4(r.i(27)),
            course: course_tenths(r.u16(12)),
            heading: heading(r.u16(9)),
            second: second(r.u8(6)),
            regional: r.u8(4),
            shipname: r.text(20),
            shiptype: nonzero(r.u8(8)),
            dimensions: read_dimensions(r),
            epfd: nonzero(r.u8(4)),
            raim: r.flag(),
            dte: r.flag(),
            assigned: r.flag(),
            spare: r.u8(4),
        }
    }
}

/// Type 21: aid-to-navigation report (Table 74).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AidToNavigation {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Type of aid to navigation (see [`aid_type_text`]).
    pub aid_type: Option<u8>,
    /// Name, including the name extension when sent.
    pub name: AisText<34>,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// Longitude in degrees.
    pub lon: Option<f64>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Dimensions from the reference point.
    pub dimensions: Dimensions,
    /// Type of electronic position fixing device.
    pub epfd: Option<u8>,
    /// UTC second of the fix.
    pub second: Option<u8>,
    /// Off-position indicator (meaningful for floating aids, when `second` < 60).
    pub off_position: bool,
    /// Regional reserved bits (8).
    pub regional: u8,
    /// RAIM in use.
    pub raim: bool,
    /// Virtual aid (no physical aid at the position).
    pub virtual_aid: bool,
    /// Assigned mode flag.
    pub assigned: bool,
}

impl AidToNavigation {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let aid_type = nonzero(r.u8(5));
        // The name field continues in the extension only when it is full: none
        // of its 20 characters is the `@` terminator (trailing spaces count).
        let name_at = r.pos();
        let name_full = (0..20).all(|i| r.payload().bits(name_at + 6 * i, 6) != 0);
        let mut name: AisText<34> = r.text(20);
        let accuracy = r.flag();
        let lon = lon_1e4(r.i(28));
        let lat = lat_1e4(r.i(27));
        let dimensions = read_dimensions(r);
        let epfd = nonzero(r.u8(4));
        let second = second(r.u8(6));
        let off_position = r.flag();
        let regional = r.u8(8);
        let raim = r.flag();
        let virtual_aid = r.flag();
        let assigned = r.flag();
        r.skip(1);
        let ext_chars = r.remaining() / 6;
        if ext_chars > 0 && name_full {
            let ext: AisText<14> = r.text(ext_chars.min(14));
            if !ext.is_empty() {
                // The spaces the name field ends with are part of the name
                // when an extension follows them (as gpsd, libais and pyais
                // join the two).
                while name.len() < 20 {
                    name.push(b' ');
                }
                for &c in ext.as_bytes() {
                    name.push(c);
                }
            }
        }
        AidToNavigation {
            header,
            aid_type,
            name,
            accuracy,
            lon,
            lat,
            dimensions,
            epfd,
            second,
            off_position,
            regional,
            raim,
            virtual_aid,
            assigned,
        }
    }
}

/// Aid-to-navigation type names (ITU-R M.1371-5 Table 74, IALA).
pub fn aid_type_text(t: u8) -> &'static str {
    const NAMES: [&str; 32] = [
        "Unspecified",
        "Reference point",
        "RACON",
        "Fixed offshore structure",
        "Spare, Reserved for future use.",
        "Light, without sectors",
        "Light, with sectors",
        "Leading Light Front",
        "Leading Light Rear",
        "Beacon, Cardinal N",
        "Beacon, Cardinal E",
        "Beacon, Cardinal S",
        "Beacon, Cardinal W",
        "Beacon, Port hand",
        "Beacon, Starboard hand",
        "Beacon, Preferred Channel port hand",
        "Beacon, Preferred Channel starboard hand",
        "Beacon, Isolated danger",
        "Beacon, Safe water",
        "Beacon, Special mark",
        "Cardinal Mark N",
        "Cardinal Mark E",
        "Cardinal Mark S",
        "Cardinal Mark W",
        "Port hand Mark",
        "Starboard hand Mark",
        "Preferred Channel Port hand",
        "Preferred Channel Starboard hand",
        "Isolated danger",
        "Safe Water",
        "Special Mark",
        "Light Vessel / LANBY / Rigs",
    ];
    NAMES.get(t as usize).copied().unwrap_or("Unknown")
}

/// Type 27: long-range AIS broadcast, for satellite reception (Table 89).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongRangePosition {
    /// Type, repeat, MMSI.
    pub header: Header,
    /// Position accuracy: true for better than 10 m.
    pub accuracy: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Navigational status; `None` for 15, "not defined".
    pub status: Option<u8>,
    /// Longitude in degrees (1/10 minute resolution).
    pub lon: Option<f64>,
    /// Latitude in degrees (1/10 minute resolution).
    pub lat: Option<f64>,
    /// Speed over ground in whole knots (62 means 62 knots or more).
    pub speed: Option<u8>,
    /// Course over ground in whole degrees.
    pub course: Option<u16>,
    /// Position latency: false reported within 5 s, true older.
    pub gnss: bool,
    /// Spare bit.
    pub spare: bool,
}

impl LongRangePosition {
    pub(crate) fn decode(header: Header, r: &mut BitReader<'_>) -> Self {
        let accuracy = r.flag();
        let raim = r.flag();
        let status = r.u8(4);
        LongRangePosition {
            header,
            accuracy,
            raim,
            status: (status != 15).then_some(status),
            lon: lon_1e1(r.i(18)),
            lat: lat_1e1(r.i(17)),
            speed: Some(r.u8(6)).filter(|&s| s != 63),
            course: Some(r.u16(9)).filter(|&c| c < 360),
            gnss: r.flag(),
            spare: r.flag(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits::Payload;

    fn decode(armored: &str, fill: u8) -> AisMessage {
        AisMessage::decode(&Payload::from_armored(armored.as_bytes(), fill).expect("payload")).expect("message")
    }

    /// A name field padded with spaces and followed by an extension: the two
    /// are joined, spaces included (gpsd prints "B. OCEANIA WRECK    &"; the
    /// extension used to be dropped because the trimmed name was shorter than
    /// 20 characters). From amsa_risky/exact-earth-augmented.txt.
    #[test]
    fn aid_to_navigation_name_extension_after_space_padding() {
        let m = decode("E>m>80N1G@7QRPW4Ph;a2QUh@@@3d3fn0IlnQT<S;;wP19P", 2);
        let AisMessage::AidToNavigation(a) = m else { panic!("not type 21: {m:?}") };
        assert_eq!(a.name.as_str(), "B. OCEANIA WRECK    &");
    }

    /// A name cut short by `@` is complete: nothing after it is appended.
    #[test]
    fn aid_to_navigation_name_terminated_by_at_sign_ignores_extension() {
        let mut w = crate::bits::BitWriter::new();
        w.u(6, 21).u(2, 0).u(30, 992_351_000).u(5, 1).text(20, "BUOY");
        w.u(1, 0).i(28, 0).i(27, 0).u(30, 0).u(4, 0).u(6, 60).u(1, 0).u(8, 0).u(3, 0).u(1, 0);
        w.text(2, "XY");
        let m = AisMessage::decode(&w.finish()).expect("message");
        let AisMessage::AidToNavigation(a) = m else { panic!("not type 21: {m:?}") };
        assert_eq!(a.name.as_str(), "BUOY");
    }
}
