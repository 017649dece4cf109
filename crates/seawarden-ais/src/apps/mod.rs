//! Application-specific binary messages (types 6 and 8): the registered
//! applications Seawarden decodes, selected by DAC/FI.
//!
//! | DAC/FI | carried in | application | source |
//! |--------|------------|-------------|--------|
//! | 1/0    | 6 and 8    | text telegram ([`TextTelegram`]) | ITU-R M.1371-5 Annex 5 |
//! | 1/11   | 8          | meteorological and hydrographic data, old layout ([`MetHydro`]) | IMO SN/Circ.236 |
//! | 1/22   | 8          | area notice, broadcast ([`AreaNotice`]) | IMO SN.1/Circ.289 |
//! | 1/23   | 6          | area notice, addressed ([`AreaNotice`]) | IMO SN.1/Circ.289 |
//! | 1/31   | 8          | meteorological and hydrographic data ([`MetHydro`]) | IMO SN.1/Circ.289 |
//! | 200/10 | 8          | inland ship static and voyage data ([`InlandStatic`]) | Inland AIS (ERI) |
//!
//! The decoders never allocate (see [`Application`] for the one box). Values a
//! layout reserves for "not available", and reserved codes, become `None`; in
//! JSON they are omitted.
//!
//! JSON member names are gpsd's (its AIVDM document and JSON dump) where gpsd
//! defines them. As elsewhere in Seawarden, coded fields are printed as the
//! numeric code with a `_text` member beside it (gpsd prints the text alone
//! under `pressuretend` and `leveltrend`), day/hour/minute are printed both as
//! gpsd's `timestamp` (`"DDTHH:MMZ"`) and separately, and inland lengths are
//! in metres (gpsd prints the raw decimetres and centimetres).

mod area_notice;
mod inland;
mod meteo;
mod text;

pub use area_notice::*;
pub use inland::*;
pub use meteo::*;
pub use text::*;

use crate::bits::Payload;
use crate::json::JsonWriter;
use crate::messages::AppId;

/// A decoded application payload.
///
/// Each application is boxed, so that every [`crate::AisMessage`] stays
/// small: decoding one costs one allocation, and the messages that carry
/// none (nearly all traffic) nothing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Application {
    /// DAC 1 FI 0: text telegram.
    TextTelegram(Box<TextTelegram>),
    /// DAC 1 FI 11: meteorological and hydrographic data (IMO SN/Circ.236 layout).
    MetHydro11(Box<MetHydro>),
    /// DAC 1 FI 22 (broadcast) or FI 23 (addressed): area notice.
    AreaNotice(Box<AreaNotice>),
    /// DAC 1 FI 31: meteorological and hydrographic data (IMO SN.1/Circ.289 layout).
    MetHydro31(Box<MetHydro>),
    /// DAC 200 FI 10: inland ship static and voyage related data.
    InlandStatic(Box<InlandStatic>),
}

/// Decodes the application data of a binary message, for the DAC/FI pairs
/// Seawarden knows; `None` for others or for data too short for the layout.
/// `addressed` is true for type 6, false for type 8.
pub fn decode_application(app: AppId, data: &Payload, addressed: bool) -> Option<Application> {
    match (app.dac, app.fid, addressed) {
        (1, 0, _) => TextTelegram::decode(data).map(|t| Application::TextTelegram(Box::new(t))),
        (1, 11, false) => MetHydro::decode_fi11(data).map(|m| Application::MetHydro11(Box::new(m))),
        (1, 22, false) | (1, 23, true) => AreaNotice::decode(data).map(|a| Application::AreaNotice(Box::new(a))),
        (1, 31, false) => MetHydro::decode_fi31(data).map(|m| Application::MetHydro31(Box::new(m))),
        (200, 10, false) => InlandStatic::decode(data).map(|s| Application::InlandStatic(Box::new(s))),
        _ => None,
    }
}

impl Application {
    /// Writes the decoded fields as JSON object members (gpsd-style names).
    pub fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Application::TextTelegram(t) => t.write_json(w),
            Application::MetHydro11(m) | Application::MetHydro31(m) => m.write_json(w),
            Application::AreaNotice(a) => a.write_json(w),
            Application::InlandStatic(s) => s.write_json(w),
        }
    }
}

// ---- shared field conversions -------------------------------------------------

/// `raw` if it lies in `lo..=hi`, else `None` ("not available" or reserved).
#[inline]
fn within<T: PartialOrd>(raw: T, lo: T, hi: T) -> Option<T> {
    (lo <= raw && raw <= hi).then_some(raw)
}

/// Longitude in 1/1,000 minute; anything beyond ±180° (181° is the
/// "not available" value) is `None`.
#[inline]
fn lon_milli(raw: i64) -> Option<f64> {
    within(raw, -10_800_000, 10_800_000).map(|v| v as f64 / 60_000.0)
}

/// Latitude in 1/1,000 minute; anything beyond ±90° (91° is the
/// "not available" value) is `None`.
#[inline]
fn lat_milli(raw: i64) -> Option<f64> {
    within(raw, -5_400_000, 5_400_000).map(|v| v as f64 / 60_000.0)
}

/// A UTC month, 1-12; 0 is "not available".
#[inline]
fn month(raw: u8) -> Option<u8> {
    within(raw, 1, 12)
}

/// A UTC day of month, 1-31; 0 is "not available".
#[inline]
fn day(raw: u8) -> Option<u8> {
    within(raw, 1, 31)
}

/// A UTC hour, 0-23; 24 is "not available".
#[inline]
fn hour(raw: u8) -> Option<u8> {
    within(raw, 0, 23)
}

/// A UTC minute, 0-59; 60 is "not available".
#[inline]
fn minute(raw: u8) -> Option<u8> {
    within(raw, 0, 59)
}

/// A bearing in whole degrees, 0-359; 360 and up are "not available".
#[inline]
fn degrees(raw: u16) -> Option<u16> {
    within(raw, 0, 359)
}

/// Writes gpsd's `"timestamp":"DDTHH:MMZ"` when all three parts are known, and
/// each known part as `day`, `hour`, `minute`.
fn write_day_time(w: &mut JsonWriter<'_>, day: Option<u8>, hour: Option<u8>, minute: Option<u8>) {
    if let (Some(d), Some(h), Some(m)) = (day, hour, minute) {
        let two = |v: u8| [b'0' + v / 10 % 10, b'0' + v % 10];
        let ([d0, d1], [h0, h1], [m0, m1]) = (two(d), two(h), two(m));
        let stamp = [d0, d1, b'T', h0, h1, b':', m0, m1, b'Z'];
        w.str("timestamp", std::str::from_utf8(&stamp).unwrap_or(""));
    }
    w.opt_uint("day", day).opt_uint("hour", hour).opt_uint("minute", minute);
}

/// Writes `key` with its numeric code and `key_text` beside it, when known.
fn write_coded(w: &mut JsonWriter<'_>, key: &str, text_key: &str, code: Option<u8>, text: fn(u8) -> &'static str) {
    if let Some(c) = code {
        w.uint(key, c as u64).str(text_key, text(c));
    }
}

#[cfg(test)]
mod test_util {
    use crate::bits::Payload;

    /// Joins the armored payloads of a (possibly multi-part) message and
    /// returns its application data: the bits after the DAC/FI.
    pub fn app_data(armored: &[&str], fill: u8) -> Payload {
        let mut p = Payload::new();
        for a in armored {
            p.push_armored(a.as_bytes()).unwrap();
        }
        p.truncate_fill(fill).unwrap();
        let start = match p.bits(0, 6) {
            6 => 88,
            _ => 56,
        };
        p.slice(start, p.len() - start)
    }

    /// Renders an application's JSON members as a complete object and parses it.
    pub fn json_of(app: &super::Application) -> serde_json::Value {
        let mut out = Vec::new();
        let mut w = crate::json::JsonWriter::object(&mut out);
        app.write_json(&mut w);
        w.finish();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits::BitWriter;

    #[test]
    fn unknown_pairs_and_wrong_direction_are_not_decoded() {
        let data = {
            let mut w = BitWriter::new();
            for _ in 0..16 {
                w.u(60, 0x0123_4567_89ab_cdef);
            }
            w.finish()
        };
        assert!(decode_application(AppId { dac: 1, fid: 31 }, &data, false).is_some());
        assert!(decode_application(AppId { dac: 1, fid: 31 }, &data, true).is_none());
        assert!(decode_application(AppId { dac: 1, fid: 11 }, &data, true).is_none());
        assert!(decode_application(AppId { dac: 1, fid: 22 }, &data, true).is_none());
        assert!(decode_application(AppId { dac: 1, fid: 23 }, &data, false).is_none());
        assert!(decode_application(AppId { dac: 200, fid: 10 }, &data, true).is_none());
        assert!(decode_application(AppId { dac: 366, fid: 56 }, &data, false).is_none());
        assert!(decode_application(AppId { dac: 2, fid: 31 }, &data, false).is_none());
    }

    #[test]
    fn never_panics_on_any_length() {
        // All-ones and alternating data at every length up to the longest
        // payload: every decoder must either decline or decode, and its JSON
        // must stay valid.
        let apps = [(1, 0), (1, 11), (1, 22), (1, 23), (1, 31), (200, 10)];
        for len in 0..=1000usize {
            for pattern in [u64::MAX, 0x5555_5555_5555_5555, 0] {
                let mut w = BitWriter::new();
                let mut left = len;
                while left > 0 {
                    let n = left.min(64) as u32;
                    w.u(n, pattern);
                    left -= n as usize;
                }
                let data = w.finish();
                for &(dac, fid) in &apps {
                    for addressed in [false, true] {
                        if let Some(a) = decode_application(AppId { dac, fid }, &data, addressed) {
                            test_util::json_of(&a);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn application_stays_small() {
        // Every decoded message carries an `Option<Application>` slot, used or not.
        assert!(std::mem::size_of::<Option<Application>>() <= 16);
    }

    #[test]
    fn day_time_stamp_format() {
        let mut out = Vec::new();
        let mut w = JsonWriter::object(&mut out);
        write_day_time(&mut w, Some(7), Some(9), Some(5));
        write_day_time(&mut w, None, Some(23), Some(59));
        w.finish();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"timestamp":"07T09:05Z","day":7,"hour":9,"minute":5,"hour":23,"minute":59}"#
        );
    }
}
