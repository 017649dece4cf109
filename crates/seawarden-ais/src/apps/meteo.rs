//! Meteorological and hydrographic data: DAC 1 FI 31 (IMO SN.1/Circ.289) and
//! its predecessor DAC 1 FI 11 (IMO SN/Circ.236), decoded into one structure.

use super::{day, degrees, hour, lat_milli, lon_milli, minute, within, write_coded, write_day_time};
use crate::bits::{BitReader, Payload};
use crate::json::JsonWriter;

/// Application bits of FI 31 up to the ice field (the 10 trailing spare bits
/// are not required).
const FI31_BITS: usize = 294;

/// Application bits of FI 11 up to the salinity field. The trailing ice field
/// (2 bits) and spare (6 bits) are optional: some stations send the message
/// 8 bits short.
const FI11_BITS: usize = 288;

/// Weather and sea conditions reported by a shore station or buoy.
///
/// Units: degrees, knots, °C, % (humidity), hPa, nautical miles, metres,
/// seconds; salinity 0.0-50.0 as sent (the standards write "%"; the range is
/// that of ‰).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MetHydro {
    /// Longitude of the station in degrees.
    pub lon: Option<f64>,
    /// Latitude of the station in degrees.
    pub lat: Option<f64>,
    /// Position accuracy flag, true for better than 10 m (FI 31 only).
    pub accuracy: Option<bool>,
    /// UTC day of the observation, 1-31.
    pub day: Option<u8>,
    /// UTC hour of the observation, 0-23.
    pub hour: Option<u8>,
    /// UTC minute of the observation, 0-59.
    pub minute: Option<u8>,
    /// Average wind speed over the last 10 minutes, knots (126 means 126 or more).
    pub wind_speed: Option<u8>,
    /// Maximum wind gust over the last 10 minutes, knots (126 means 126 or more).
    pub wind_gust: Option<u8>,
    /// Wind direction in degrees from true north.
    pub wind_direction: Option<u16>,
    /// Wind gust direction in degrees from true north.
    pub wind_gust_direction: Option<u16>,
    /// Dry bulb air temperature, °C (-60.0 to +60.0).
    pub air_temperature: Option<f32>,
    /// Relative humidity, %.
    pub humidity: Option<u8>,
    /// Dew point, °C (-20.0 to +50.0).
    pub dew_point: Option<f32>,
    /// Air pressure, hPa. With FI 31, 799 means 799 hPa or less and 1201
    /// means 1201 hPa or more.
    pub air_pressure: Option<u16>,
    /// Air pressure tendency.
    pub pressure_tendency: Option<Trend>,
    /// True when visibility exceeded the instrument's range, so the reported
    /// visibility is a lower bound (FI 31 only).
    pub visibility_greater: Option<bool>,
    /// Horizontal visibility, nautical miles.
    pub visibility: Option<f32>,
    /// Water level deviation from local chart datum, including tide, metres.
    pub water_level: Option<f32>,
    /// Water level trend.
    pub water_level_trend: Option<Trend>,
    /// Surface current (no measuring depth).
    pub surface_current: Current,
    /// Current at a second measuring depth.
    pub current2: Current,
    /// Current at a third measuring depth.
    pub current3: Current,
    /// Significant wave height, metres.
    pub wave_height: Option<f32>,
    /// Wave period, seconds.
    pub wave_period: Option<u8>,
    /// Wave direction in degrees from true north.
    pub wave_direction: Option<u16>,
    /// Swell height, metres.
    pub swell_height: Option<f32>,
    /// Swell period, seconds.
    pub swell_period: Option<u8>,
    /// Swell direction in degrees from true north.
    pub swell_direction: Option<u16>,
    /// Sea state, Beaufort scale 0-12.
    pub sea_state: Option<u8>,
    /// Water temperature, °C (-10.0 to +50.0).
    pub water_temperature: Option<f32>,
    /// Precipitation type, WMO 306 code table 4.201 (see [`precipitation_text`]).
    pub precipitation: Option<u8>,
    /// Salinity, 0.0-50.0 (50.1 means 50.1 or more).
    pub salinity: Option<f32>,
    /// Ice present.
    pub ice: Option<bool>,
}

/// A current measurement: speed, direction and measuring depth.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Current {
    /// Current speed, knots.
    pub speed: Option<f32>,
    /// Current direction in degrees from true north.
    pub direction: Option<u16>,
    /// Measuring depth below the surface, metres (0-30).
    pub depth: Option<u8>,
}

/// Tendency of air pressure or water level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    /// Steady (code 0).
    Steady,
    /// Decreasing (code 1).
    Decreasing,
    /// Increasing (code 2).
    Increasing,
}

impl Trend {
    /// From the 2-bit code; 3 is "not available".
    pub fn from_code(code: u8) -> Option<Trend> {
        match code {
            0 => Some(Trend::Steady),
            1 => Some(Trend::Decreasing),
            2 => Some(Trend::Increasing),
            _ => None,
        }
    }

    /// The 2-bit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name, as gpsd prints it.
    pub fn text(self) -> &'static str {
        match self {
            Trend::Steady => "steady",
            Trend::Decreasing => "decreasing",
            Trend::Increasing => "increasing",
        }
    }
}

/// Precipitation type names (WMO 306 code table 4.201).
pub fn precipitation_text(code: u8) -> &'static str {
    match code {
        1 => "rain",
        2 => "thunderstorm",
        3 => "freezing rain",
        4 => "mixed/ice",
        5 => "snow",
        7 => "N/A",
        _ => "reserved",
    }
}

/// `raw / 10` if `raw <= max`.
#[inline]
fn tenths(raw: u16, max: u16) -> Option<f32> {
    within(raw, 0, max).map(|v| v as f32 / 10.0)
}

/// `raw / 10` for a signed field within `lo..=hi`.
#[inline]
fn signed_tenths(raw: i64, lo: i64, hi: i64) -> Option<f32> {
    within(raw, lo, hi).map(|v| v as f32 / 10.0)
}

/// `raw / 10 - offset` if `raw <= max` (the offset-binary fields of FI 11).
#[inline]
fn offset_tenths(raw: u16, max: u16, offset: f32) -> Option<f32> {
    within(raw, 0, max).map(|v| v as f32 / 10.0 - offset)
}

/// Reads an 8-bit speed in 0.1 knot, a 9-bit direction, and (with `depth`)
/// a 5-bit depth in metres, the layout shared by FI 11 and FI 31.
fn read_current(r: &mut BitReader<'_>, max_speed: u16, depth: bool) -> Current {
    Current {
        speed: tenths(r.u16(8), max_speed),
        direction: degrees(r.u16(9)),
        depth: if depth { within(r.u8(5), 0, 30) } else { None },
    }
}

impl MetHydro {
    /// Decodes DAC 1 FI 31 application data (IMO SN.1/Circ.289).
    pub fn decode_fi31(data: &Payload) -> Option<MetHydro> {
        if data.len() < FI31_BITS {
            return None;
        }
        let mut r = data.reader();
        let mut m = MetHydro {
            lon: lon_milli(r.i(25)),
            lat: lat_milli(r.i(24)),
            accuracy: Some(r.flag()),
            day: day(r.u8(5)),
            hour: hour(r.u8(5)),
            minute: minute(r.u8(6)),
            wind_speed: within(r.u8(7), 0, 126),
            wind_gust: within(r.u8(7), 0, 126),
            wind_direction: degrees(r.u16(9)),
            wind_gust_direction: degrees(r.u16(9)),
            air_temperature: signed_tenths(r.i(11), -600, 600),
            humidity: within(r.u8(7), 0, 100),
            dew_point: signed_tenths(r.i(10), -200, 500),
            // 0 = 799 hPa or less, 1-401 = 800-1200 hPa, 402 = 1201 or more.
            air_pressure: within(r.u16(9), 0, 402).map(|p| p + 799),
            pressure_tendency: Trend::from_code(r.u8(2)),
            visibility_greater: Some(r.flag()),
            visibility: tenths(r.u16(7), 126),
            // 0.01 m, offset binary: 0 = -10.00 m, 4000 = +30.00 m.
            water_level: within(r.u16(12), 0, 4000).map(|v| v as f32 / 100.0 - 10.0),
            water_level_trend: Trend::from_code(r.u8(2)),
            ..MetHydro::default()
        };
        m.surface_current = read_current(&mut r, 251, false);
        m.current2 = read_current(&mut r, 251, true);
        m.current3 = read_current(&mut r, 251, true);
        m.wave_height = tenths(r.u16(8), 251);
        m.wave_period = within(r.u8(6), 0, 60);
        m.wave_direction = degrees(r.u16(9));
        m.swell_height = tenths(r.u16(8), 251);
        m.swell_period = within(r.u8(6), 0, 60);
        m.swell_direction = degrees(r.u16(9));
        m.sea_state = within(r.u8(4), 0, 12);
        m.water_temperature = signed_tenths(r.i(10), -100, 500);
        m.precipitation = within(r.u8(3), 1, 5);
        // 501 = 50.1 or more; 510 = not available; 511 = no sensor.
        m.salinity = tenths(r.u16(9), 501);
        m.ice = ice(r.u8(2));
        Some(m)
    }

    /// Decodes DAC 1 FI 11 application data (IMO SN/Circ.236), where every
    /// field's "not available" value is its largest binary value.
    pub fn decode_fi11(data: &Payload) -> Option<MetHydro> {
        if data.len() < FI11_BITS {
            return None;
        }
        let mut r = data.reader();
        let lat = lat_milli(r.i(24));
        let lon = lon_milli(r.i(25));
        let (d, h, mi) = (r.u8(5), r.u8(5), r.u8(6));
        // Day 31 is a real day; it means "not available" only together with
        // hour 31 and minute 63.
        let time_na = h == 31 && mi == 63;
        let mut m = MetHydro {
            lon,
            lat,
            accuracy: None,
            day: day(d).filter(|_| !time_na),
            hour: hour(h),
            minute: minute(mi),
            wind_speed: within(r.u8(7), 0, 126),
            wind_gust: within(r.u8(7), 0, 126),
            wind_direction: degrees(r.u16(9)),
            wind_gust_direction: degrees(r.u16(9)),
            air_temperature: offset_tenths(r.u16(11), 1200, 60.0),
            humidity: within(r.u8(7), 0, 100),
            dew_point: offset_tenths(r.u16(10), 700, 20.0),
            air_pressure: within(r.u16(9), 0, 400).map(|p| p + 800),
            pressure_tendency: Trend::from_code(r.u8(2)),
            visibility_greater: None,
            visibility: tenths(r.u16(8), 250),
            water_level: offset_tenths(r.u16(9), 400, 10.0),
            water_level_trend: Trend::from_code(r.u8(2)),
            ..MetHydro::default()
        };
        m.surface_current = read_current(&mut r, 250, false);
        m.current2 = read_current(&mut r, 250, true);
        m.current3 = read_current(&mut r, 250, true);
        m.wave_height = tenths(r.u16(8), 250);
        m.wave_period = within(r.u8(6), 0, 60);
        m.wave_direction = degrees(r.u16(9));
        m.swell_height = tenths(r.u16(8), 250);
        m.swell_period = within(r.u8(6), 0, 60);
        m.swell_direction = degrees(r.u16(9));
        m.sea_state = within(r.u8(4), 0, 12);
        m.water_temperature = offset_tenths(r.u16(10), 600, 10.0);
        m.precipitation = within(r.u8(3), 1, 5);
        m.salinity = tenths(r.u16(9), 500);
        m.ice = if r.remaining() >= 2 { ice(r.u8(2)) } else { None };
        Some(m)
    }

    /// Writes the fields with gpsd's names (`wspeed`, `airtemp`, `cspeed2`, ...).
    pub fn write_json(&self, w: &mut JsonWriter<'_>) {
        w.opt_float("lon", self.lon, 6).opt_float("lat", self.lat, 6);
        if let Some(a) = self.accuracy {
            w.bool("accuracy", a);
        }
        write_day_time(w, self.day, self.hour, self.minute);
        w.opt_uint("wspeed", self.wind_speed).opt_uint("wgust", self.wind_gust);
        w.opt_uint("wdir", self.wind_direction).opt_uint("wgustdir", self.wind_gust_direction);
        w.opt_float("airtemp", self.air_temperature, 1).opt_uint("humidity", self.humidity);
        w.opt_float("dewpoint", self.dew_point, 1).opt_uint("pressure", self.air_pressure);
        write_trend(w, "pressuretend", "pressuretend_text", self.pressure_tendency);
        if let (Some(g), Some(_)) = (self.visibility_greater, self.visibility) {
            w.bool("visgreater", g);
        }
        w.opt_float("visibility", self.visibility, 1).opt_float("waterlevel", self.water_level, 2);
        write_trend(w, "leveltrend", "leveltrend_text", self.water_level_trend);
        let c = &self.surface_current;
        w.opt_float("cspeed", c.speed, 1).opt_uint("cdir", c.direction);
        let c = &self.current2;
        w.opt_float("cspeed2", c.speed, 1).opt_uint("cdir2", c.direction).opt_uint("cdepth2", c.depth);
        let c = &self.current3;
        w.opt_float("cspeed3", c.speed, 1).opt_uint("cdir3", c.direction).opt_uint("cdepth3", c.depth);
        w.opt_float("waveheight", self.wave_height, 1).opt_uint("waveperiod", self.wave_period);
        w.opt_uint("wavedir", self.wave_direction);
        w.opt_float("swellheight", self.swell_height, 1).opt_uint("swellperiod", self.swell_period);
        w.opt_uint("swelldir", self.swell_direction).opt_uint("seastate", self.sea_state);
        w.opt_float("watertemp", self.water_temperature, 1);
        write_coded(w, "preciptype", "preciptype_text", self.precipitation, precipitation_text);
        w.opt_float("salinity", self.salinity, 1);
        if let Some(ice) = self.ice {
            w.uint("ice", ice as u64).str("ice_text", if ice { "yes" } else { "no" });
        }
    }
}

/// Ice: 0 no, 1 yes, 2 reserved, 3 not available.
#[inline]
fn ice(raw: u8) -> Option<bool> {
    match raw {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn write_trend(w: &mut JsonWriter<'_>, key: &str, text_key: &str, t: Option<Trend>) {
    if let Some(t) = t {
        w.uint(key, t.code() as u64).str(text_key, t.text());
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{app_data, json_of};
    use super::super::{decode_application, Application};
    use super::*;
    use crate::bits::BitWriter;
    use crate::messages::AppId;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-6)
    }

    /// The type 8 payload of [`fi31_sample`], sent from MMSI 2300057.
    const FI31_ARMORED: &str = "802<HV@0GhBREvdcv6::RqurgcheOLVeJb<J7U`7<Q@@o<6Ap87Uhq@feI@0";

    /// An FI 31 payload with every field available. As a type 8 sentence
    /// ([`FI31_ARMORED`]), gpsd 3.22 (`gpsdecode`) decodes it to lat -45.5000, lon 10.1235,
    /// accuracy true, timestamp 17T08:42Z, wspeed 23, wgust 31, wdir 245,
    /// wgustdir 250, humidity 87, airtemp -12.3, dewpoint -14.2,
    /// pressure 1013, pressuretend 2, visgreater true, visibility 8.5,
    /// waterlevel 1.2 (printed with one decimal), leveltrend 1, cspeed 1.5,
    /// cdir 90, cspeed2 0.7, cdir2 100, cdepth2 5, cspeed3 0.4, cdir3 110,
    /// cdepth3 12, waveheight 2.5, waveperiod 7, wavedir 260,
    /// swellheight 1.5, swellperiod 11, swelldir 270, seastate 5,
    /// watertemp 4.6, preciptype 5 "snow", salinity 34.5, ice 1 "yes".
    /// (gpsd's text for trend codes 1 and 2 is swapped against the standard.)
    fn fi31_sample() -> Payload {
        let mut w = BitWriter::new();
        w.i(25, 607_407) // 10.12345° E
            .i(24, -2_730_000) // 45.5° S
            .flag(true)
            .u(5, 17)
            .u(5, 8)
            .u(6, 42)
            .u(7, 23)
            .u(7, 31)
            .u(9, 245)
            .u(9, 250)
            .i(11, -123)
            .u(7, 87)
            .i(10, -142)
            .u(9, 214) // 1013 hPa
            .u(2, 2)
            .flag(true)
            .u(7, 85)
            .u(12, 1123) // +1.23 m
            .u(2, 1)
            .u(8, 15)
            .u(9, 90)
            .u(8, 7)
            .u(9, 100)
            .u(5, 5)
            .u(8, 4)
            .u(9, 110)
            .u(5, 12)
            .u(8, 25)
            .u(6, 7)
            .u(9, 260)
            .u(8, 15)
            .u(6, 11)
            .u(9, 270)
            .u(4, 5)
            .i(10, 46)
            .u(3, 5)
            .u(9, 345)
            .u(2, 1)
            .u(10, 0);
        w.finish()
    }

    #[test]
    fn fi31_decodes_every_field() {
        let data = fi31_sample();
        assert_eq!(data.len(), 304);
        assert_eq!(app_data(&[FI31_ARMORED], 0), data);
        let m = MetHydro::decode_fi31(&data).unwrap();
        assert!(close(m.lon, 607_407.0 / 60_000.0));
        assert!(close(m.lat, -45.5));
        assert_eq!((m.accuracy, m.day, m.hour, m.minute), (Some(true), Some(17), Some(8), Some(42)));
        assert_eq!((m.wind_speed, m.wind_gust), (Some(23), Some(31)));
        assert_eq!((m.wind_direction, m.wind_gust_direction), (Some(245), Some(250)));
        assert_eq!((m.air_temperature, m.humidity, m.dew_point), (Some(-12.3), Some(87), Some(-14.2)));
        assert_eq!((m.air_pressure, m.pressure_tendency), (Some(1013), Some(Trend::Increasing)));
        assert_eq!((m.visibility_greater, m.visibility), (Some(true), Some(8.5)));
        assert!((m.water_level.unwrap() - 1.23).abs() < 1e-4);
        assert_eq!(m.water_level_trend, Some(Trend::Decreasing));
        assert_eq!(m.surface_current, Current { speed: Some(1.5), direction: Some(90), depth: None });
        assert_eq!(m.current2, Current { speed: Some(0.7), direction: Some(100), depth: Some(5) });
        assert_eq!(m.current3, Current { speed: Some(0.4), direction: Some(110), depth: Some(12) });
        assert_eq!((m.wave_height, m.wave_period, m.wave_direction), (Some(2.5), Some(7), Some(260)));
        assert_eq!((m.swell_height, m.swell_period, m.swell_direction), (Some(1.5), Some(11), Some(270)));
        assert_eq!((m.sea_state, m.water_temperature, m.precipitation), (Some(5), Some(4.6), Some(5)));
        assert_eq!((m.salinity, m.ice), (Some(34.5), Some(true)));

        let app = decode_application(AppId { dac: 1, fid: 31 }, &data, false).unwrap();
        let j = json_of(&app);
        assert_eq!(j["timestamp"], "17T08:42Z");
        assert_eq!(j["airtemp"], -12.3);
        assert_eq!(j["pressure"], 1013);
        assert_eq!(j["pressuretend"], 2);
        assert_eq!(j["pressuretend_text"], "increasing");
        assert_eq!(j["waterlevel"], 1.23);
        assert_eq!(j["cdepth3"], 12);
        assert_eq!(j["preciptype_text"], "snow");
        assert_eq!(j["ice_text"], "yes");
        assert_eq!(j["lat"], -45.5);
        assert_eq!(j["lon"], 10.12345);
    }

    #[test]
    fn fi31_not_available_values_are_omitted() {
        // Every field at its "not available" value (SN.1/Circ.289 defaults).
        let mut w = BitWriter::new();
        w.i(25, 181 * 60_000).i(24, 91 * 60_000).flag(false).u(5, 0).u(5, 24).u(6, 60);
        w.u(7, 127).u(7, 127).u(9, 360).u(9, 360).i(11, -1024).u(7, 101).i(10, 501).u(9, 403).u(2, 3);
        w.flag(false).u(7, 127).u(12, 4001).u(2, 3);
        w.u(8, 255).u(9, 360).u(8, 255).u(9, 360).u(5, 31).u(8, 255).u(9, 360).u(5, 31);
        w.u(8, 255).u(6, 63).u(9, 360).u(8, 255).u(6, 63).u(9, 360).u(4, 13).i(10, 501).u(3, 7).u(9, 510).u(2, 3);
        let data = w.finish();
        let m = MetHydro::decode_fi31(&data).unwrap();
        assert_eq!(m, MetHydro { accuracy: Some(false), visibility_greater: Some(false), ..MetHydro::default() });
        let j = json_of(&Application::MetHydro31(Box::new(m)));
        // Only the accuracy flag is left: nothing prints a sentinel.
        assert_eq!(j.to_string(), r#"{"accuracy":false}"#);
    }

    #[test]
    fn fi31_range_ends() {
        let mut w = BitWriter::new();
        w.u(49, 0).u(17, 0); // position; accuracy and time
        w.u(7, 126).u(7, 0).u(9, 359).u(9, 0).i(11, 600).u(7, 100).i(10, -200).u(9, 0).u(2, 0);
        w.flag(false).u(7, 0).u(12, 0).u(2, 0);
        w.u(8, 251).u(9, 0).u(8, 0).u(9, 0).u(5, 30).u(8, 0).u(9, 0).u(5, 0);
        w.u(8, 251).u(6, 60).u(9, 0).u(8, 0).u(6, 0).u(9, 0).u(4, 12).i(10, -100).u(3, 1).u(9, 501).u(2, 0);
        let m = MetHydro::decode_fi31(&w.finish()).unwrap();
        assert_eq!((m.wind_speed, m.air_temperature, m.dew_point), (Some(126), Some(60.0), Some(-20.0)));
        assert_eq!((m.air_pressure, m.water_level), (Some(799), Some(-10.0)));
        assert_eq!((m.surface_current.speed, m.current2.depth, m.wave_height), (Some(25.1), Some(30), Some(25.1)));
        assert_eq!((m.water_temperature, m.salinity, m.ice), (Some(-10.0), Some(50.1), Some(false)));
        assert_eq!(m.sea_state, Some(12));
    }

    #[test]
    fn fi31_too_short() {
        let data = fi31_sample();
        assert!(MetHydro::decode_fi31(&data.slice(0, FI31_BITS)).is_some());
        assert!(MetHydro::decode_fi31(&data.slice(0, FI31_BITS - 1)).is_none());
    }

    /// A real FI 11 report from a Finnish coastal station (MMSI 2300057), in
    /// DMA's AisLib test data. gpsd 3.22 decodes it to lat 60.2892,
    /// lon 27.1896, 11T11:46Z, wspeed 14, wgust 16, wdir 100, wgustdir 98,
    /// humidity 69, airtemp 16.6, pressure 1007, pressure tendency code 2,
    /// and everything else at its "not available" value. (gpsd names code 2
    /// "decreasing"; SN/Circ.236 and SN.1/Circ.289 define 2 as increasing.)
    #[test]
    fn fi11_real_station_report() {
        let data = app_data(&["8@2<HV@0BkLjBPijB2mo3R1T<Bw`gwdvwwwwwwwwwwwwwwwwwwwwwwwwwt1"], 2);
        let app = decode_application(AppId { dac: 1, fid: 11 }, &data, false).unwrap();
        let Application::MetHydro11(m) = &app else { panic!("{app:?}") };
        assert!(close(m.lat.map(|v| (v * 1e4).round() / 1e4), 60.2892));
        assert!(close(m.lon.map(|v| (v * 1e4).round() / 1e4), 27.1896));
        assert_eq!((m.day, m.hour, m.minute), (Some(11), Some(11), Some(46)));
        assert_eq!((m.wind_speed, m.wind_gust, m.wind_direction, m.wind_gust_direction), (Some(14), Some(16), Some(100), Some(98)));
        assert_eq!((m.humidity, m.air_pressure, m.pressure_tendency), (Some(69), Some(1007), Some(Trend::Increasing)));
        assert!((m.air_temperature.unwrap() - 16.6).abs() < 1e-4);
        assert_eq!(
            (m.dew_point, m.visibility, m.water_level, m.water_level_trend, m.surface_current),
            (None, None, None, None, Current::default())
        );
        assert_eq!((m.wave_height, m.sea_state, m.water_temperature, m.precipitation, m.salinity, m.ice), (None, None, None, None, None, None));
        let j = json_of(&app);
        assert_eq!(j["timestamp"], "11T11:46Z");
        assert_eq!(j["airtemp"], 16.6);
        assert_eq!((&j["pressuretend"], &j["pressuretend_text"]), (&2.into(), &"increasing".into()));
        assert!(j.get("dewpoint").is_none() && j.get("ice").is_none() && j.get("accuracy").is_none());
    }

    /// A real FI 11 report from a Scottish station (MMSI 992351018) sent 8 bits
    /// short: 344 bits, without the ice field.
    #[test]
    fn fi11_short_station_report() {
        let data = app_data(&["8>jHC:P0Bk9LA?nSHjmo1Otewwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww", "wh"], 4);
        assert_eq!(data.len(), 288);
        let m = MetHydro::decode_fi11(&data).unwrap();
        assert!(close(m.lat.map(|v| (v * 1e4).round() / 1e4), 55.007));
        assert!(close(m.lon.map(|v| (v * 1e4).round() / 1e4), -5.1594));
        assert_eq!((m.day, m.hour, m.minute), (Some(11), Some(11), Some(46)));
        assert_eq!((m.wind_speed, m.wind_gust, m.wind_direction, m.wind_gust_direction), (Some(5), None, Some(301), None));
        assert_eq!((m.air_temperature, m.ice), (None, None));
        assert!(MetHydro::decode_fi11(&data.slice(0, 287)).is_none());
    }

    #[test]
    fn fi11_synthetic_offsets() {
        let mut w = BitWriter::new();
        w.i(24, -600_000).i(25, 1_200_000).u(5, 31).u(5, 31).u(6, 63); // 10° S, 20° E, time n/a
        w.u(7, 10).u(7, 127).u(9, 511).u(9, 0).u(11, 455).u(7, 127).u(10, 180).u(9, 213).u(2, 0);
        w.u(8, 123).u(9, 152).u(2, 2);
        w.u(8, 3).u(9, 45).u(8, 255).u(9, 511).u(5, 31).u(8, 250).u(9, 359).u(5, 0);
        w.u(8, 12).u(6, 5).u(9, 180).u(8, 255).u(6, 63).u(9, 511).u(4, 3).u(10, 215).u(3, 1).u(9, 71).u(2, 1).u(6, 0);
        let data = w.finish();
        assert_eq!(data.len(), 296);
        let m = MetHydro::decode_fi11(&data).unwrap();
        assert!(close(m.lat, -10.0) && close(m.lon, 20.0));
        assert_eq!((m.day, m.hour, m.minute), (None, None, None));
        assert_eq!((m.wind_speed, m.wind_gust, m.wind_direction, m.wind_gust_direction), (Some(10), None, None, Some(0)));
        assert!((m.air_temperature.unwrap() - -14.5).abs() < 1e-4);
        assert!((m.dew_point.unwrap() - -2.0).abs() < 1e-4);
        assert_eq!((m.humidity, m.air_pressure, m.pressure_tendency), (None, Some(1013), Some(Trend::Steady)));
        assert_eq!((m.visibility, m.water_level_trend), (Some(12.3), Some(Trend::Increasing)));
        assert!((m.water_level.unwrap() - 5.2).abs() < 1e-4);
        assert_eq!(m.surface_current, Current { speed: Some(0.3), direction: Some(45), depth: None });
        assert_eq!(m.current2, Current::default());
        assert_eq!(m.current3, Current { speed: Some(25.0), direction: Some(359), depth: Some(0) });
        assert_eq!((m.wave_height, m.wave_period, m.wave_direction, m.swell_height), (Some(1.2), Some(5), Some(180), None));
        assert!((m.water_temperature.unwrap() - 11.5).abs() < 1e-4);
        assert_eq!((m.sea_state, m.precipitation, m.salinity, m.ice), (Some(3), Some(1), Some(7.1), Some(true)));
    }
}
