//! Golden tests against libais's expected decodes, through the binary
//! (`seawarden decode FILE --format json`).
//!
//! - `../shared/data/ais/libais/typeexamples.nmea` vs `typeexamples.json`: one
//!   message of (nearly) every type, including random-bit payloads.
//! - `../shared/data/ais/libais/tagblock.nmea` vs `tagblock.json`: tag-block
//!   receive time and station, with a two-part message around a single one.
//!
//! libais's keys are mostly gpsd's. Every key libais prints is checked
//! ([`check`]) or skipped with a listed reason ([`LIBAIS_ONLY`]); libais's own
//! semantics (float32 values, 181/91/511 where Seawarden omits, the
//! communication state split into its sub-fields, a non-standard 6-bit
//! character table, inverted flags, the area-notice sub-structure) are mapped
//! explicitly, each checked against the raw payload bits where it concerns a
//! field layout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value};

type Obj = Map<String, Value>;

/// `../shared/data/ais/libais`, relative to the repository root.
fn libais_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join("../shared/data/ais/libais")
}

fn seawarden_json(nmea: &Path) -> Vec<Obj> {
    let out = Command::new(env!("CARGO_BIN_EXE_seawarden"))
        .args(["decode", "--format", "json"])
        .arg(nmea)
        .output()
        .expect("run seawarden");
    assert!(out.status.success(), "seawarden failed: {}", String::from_utf8_lossy(&out.stderr));
    json_lines(&String::from_utf8_lossy(&out.stdout))
}

fn json_lines(text: &str) -> Vec<Obj> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(o)) => o,
            other => panic!("not a JSON object: {other:?}: {l}"),
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The payload bits of each message in an NMEA file (fragments joined by
/// sequence id).
fn payloads(nmea: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pending: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for line in nmea.lines() {
        let Some(start) = line.find("!AIVDM") else { continue };
        let f: Vec<&str> = line[start..].split(',').collect();
        let (total, number, seq) = (f[1], f[2], f[3].to_string());
        let fill: usize = f[6].chars().next().and_then(|c| c.to_digit(10)).unwrap_or(0) as usize;
        let bits = pending.entry(seq.clone()).or_default();
        for c in f[5].bytes() {
            let mut v = c - 48;
            if v >= 40 {
                v -= 8;
            }
            bits.extend((0..6).rev().map(|i| (v >> i) & 1));
        }
        if number == total {
            let mut bits = pending.remove(&seq).unwrap_or_default();
            bits.truncate(bits.len() - fill);
            out.push(bits);
        }
    }
    out
}

fn ubits(bits: &[u8], start: usize, len: usize) -> u64 {
    (0..len).fold(0u64, |a, i| a << 1 | bits.get(start + i).copied().unwrap_or(0) as u64)
}

/// libais keys Seawarden does not print, and why. Checked nowhere else.
const LIBAIS_ONLY: &[(&str, &str)] = &[
    ("class", "JSON framing"),
    ("device", "gpsd framing copied by libais"),
    ("spare", "spare bits are not printed (libais prints them; type 9's \"spare\" is checked as `regional`)"),
    ("spare2", "spare bits are not printed"),
    ("spare3", "spare bits are not printed"),
    ("spare4", "spare bits are not printed"),
    ("transmission_ctl", "type 4/11 long-range transmission control bit: decoded (BaseStationReport::long_range_control), not in the gpsd-style JSON"),
    ("alt_sensor", "type 9 altitude sensor: decoded (SarAircraftReport::altitude_sensor), not in the gpsd-style JSON"),
    ("type2_2", "libais-only type 15 field (not in ITU-R M.1371-5 Table 64)"),
    ("offset2_2", "libais-only type 15 field (not in ITU-R M.1371-5 Table 64)"),
    ("slot_offset_2", "libais-only type 15 field"),
    ("msg_2", "libais-only type 15 field"),
    ("tagblock_q", "tag-block quality field: not used"),
    ("tagblock_group", "tag-block group: used for assembly, not printed"),
];

/// Why Seawarden may omit a member libais prints: "not available" values
/// (libais prints them as sent), or values outside the field's range.
fn not_available(t: u64, key: &str, v: &Value) -> Option<&'static str> {
    let n = v.as_f64();
    Some(match key {
        "lon" if n.is_some_and(|x| x.abs() > 180.0) => "lon 181 / beyond ±180",
        "lat" if n.is_some_and(|x| x.abs() > 90.0) => "lat 91 / beyond ±90",
        "heading" if n.is_some_and(|x| x >= 360.0) => "heading 511 / 360-510",
        "turn" if v.is_null() => "turn -128 (libais null)",
        "maneuver" if n == Some(0.0) => "maneuver 0",
        "imo" if v.as_str() == Some("0") => "imo 0",
        "shiptype" if n == Some(0.0) => "shiptype 0",
        "shiptype_text" if v.as_str() == Some("Not available") => "shiptype 0",
        "to_bow" | "to_stern" | "to_port" | "to_starboard" | "draught" if n == Some(0.0) => "zero dimension",
        "text" if v.as_str().is_some_and(|s| s.chars().all(|c| c == '@')) => "empty text (libais prints the @ padding)",
        "destination" | "callsign" | "shipname" | "name" if v.as_str() == Some("") => "empty text",
        "speed" if t == 27 && n == Some(63.0) => "speed 63",
        _ => return None,
    })
}

/// What a member check concluded.
enum Check {
    Equal,
    Omitted(&'static str),
    /// libais-specific semantics, mapped and verified.
    Mapped(&'static str),
    Skipped(&'static str),
    Mismatch(String),
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// libais's 6-bit character table has `-` at 31 and `` ` `` at 39 where
/// ITU-R M.1371-5 Table 47 has `_` and `'`.
fn libais_text(s: &str) -> String {
    s.chars().map(|c| if c == '_' { '-' } else if c == '\'' { '`' } else { c }).collect()
}

/// The SOTDMA/ITDMA sub-fields libais prints, from Seawarden's raw `radio`
/// (the last 19 bits; types 9, 18, 26 have a selector bit above them).
fn radio_field(t: u64, key: &str, radio: u64) -> Option<u64> {
    let state = radio & 0x7_FFFF;
    let sync = state >> 17;
    let sub = state & 0x3FFF;
    let timeout = (state >> 14) & 7;
    if t == 3 {
        // ITDMA: sync 2, slot increment 13, slots 3, keep flag 1.
        return match key {
            "sync_state" => Some(sync),
            "slot_increment" => Some((state >> 4) & 0x1FFF),
            "slots_to_allocate" => Some((state >> 1) & 7),
            "keep_flag" => Some(state & 1),
            _ => None,
        };
    }
    match key {
        "sync_state" => Some(sync),
        "slot_timeout" => Some(timeout),
        "slot_offset" if timeout == 0 => Some(sub),
        "utc_hour" if timeout == 1 => Some(sub >> 9),
        "utc_min" if timeout == 1 => Some((sub >> 2) & 0x7F),
        "utc_spare" if timeout == 1 => Some(sub & 3),
        "slot_number" if matches!(timeout, 2 | 4 | 6) => Some(sub),
        "received_stations" if matches!(timeout, 3 | 5 | 7) => Some(sub),
        // Type 9 (selector 0 = SOTDMA) reads the same; ITDMA fields of type 9:
        "slot_increment" => Some((state >> 4) & 0x1FFF),
        "slots_to_allocate" => Some((state >> 1) & 7),
        "keep_flag" => Some(state & 1),
        "commstate_cs_fill" => Some(state),
        _ => None,
    }
}

fn as_num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(*b as u8 as f64),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Compares one libais member with Seawarden's output.
fn check(key: &str, exp: &Value, exp_obj: &Obj, got: &Obj, raw: &[u8]) -> Check {
    let t = exp_obj["type"].as_u64().unwrap_or(0);
    if let Some((_, why)) = LIBAIS_ONLY.iter().find(|(k, _)| *k == key) {
        if !(key == "spare" && t == 9) {
            return Check::Skipped(why);
        }
    }
    let num = |k: &str| got.get(k).and_then(as_num);
    let exp_num = as_num(exp);
    let mismatch = |why: &str| Check::Mismatch(why.to_string());

    // Members libais names or encodes differently.
    match (t, key) {
        (_, "sync_state" | "slot_timeout" | "slot_offset" | "slot_number" | "received_stations" | "utc_hour" | "utc_min" | "utc_spare")
        | (_, "slot_increment" | "slots_to_allocate" | "keep_flag" | "commstate_cs_fill") => {
            let radio = got.get("radio").and_then(Value::as_u64);
            return match radio.and_then(|r| radio_field(t, key, r)) {
                Some(v) if Some(v as f64) == exp_num => Check::Mapped("communication state sub-field, from `radio`"),
                _ => mismatch("communication state"),
            };
        }
        (9, "spare") => {
            return if num("regional") == exp_num { Check::Mapped("type 9 regional bits: libais `spare`") } else { mismatch("regional") };
        }
        (9, "speed") => {
            // libais divides type 9's whole-knot speed by 10.
            return match (exp_num, num("speed")) {
                (Some(a), Some(b)) if close(a * 10.0, b, 1e-3) && b == ubits(raw, 50, 10) as f64 => {
                    Check::Mapped("type 9 speed: libais divides the whole knots by 10")
                }
                _ => mismatch("type 9 speed"),
            };
        }
        (18, "unit") => {
            let sel = got.get("radio").and_then(Value::as_u64).map(|r| r >> 19);
            return if sel.map(|s| s as f64) == exp_num { Check::Mapped("type 18 `unit`: the radio selector bit") } else { mismatch("unit") };
        }
        (18, "mode") => return if num("assigned") == exp_num { Check::Mapped("type 18 `mode`: `assigned`") } else { mismatch("mode") },
        (24, "part_num") => {
            let part = got.get("part").and_then(Value::as_str);
            let want = if exp_num == Some(0.0) { "A" } else { "B" };
            return if part == Some(want) { Check::Mapped("type 24 `part_num`: `part`") } else { mismatch("part") };
        }
        (27, "gnss") => {
            // ITU-R M.1371-5 Table 89 bit 94, position latency: 0 < 5 s. libais inverts it.
            let bit = ubits(raw, 94, 1) != 0;
            return match (exp.as_bool(), got.get("gnss").and_then(Value::as_bool)) {
                (Some(a), Some(b)) if b == bit && a != bit => Check::Mapped("type 27 `gnss`: libais inverts bit 94"),
                (Some(a), Some(b)) if a == b && b == bit => Check::Equal,
                _ => mismatch("gnss"),
            };
        }
        (6, "retransmit") => {
            let bit = ubits(raw, 70, 1) != 0;
            return match (exp.as_bool(), got.get("retransmit").and_then(Value::as_bool)) {
                (Some(a), Some(b)) if a == b && b == bit => Check::Equal,
                (Some(a), Some(b)) if b == bit && a != bit => Check::Mapped("type 6 `retransmit`: libais inverts bit 70"),
                _ => mismatch("retransmit"),
            };
        }
        (26, "dac" | "fid") => {
            // libais reads the application id right after the 30-bit
            // destination; M.1371-5 Table 82 has 2 spare bits first.
            let addressed = ubits(raw, 38, 1) as usize;
            let at = 40 + 30 * addressed;
            let (libais_v, ours) = if key == "dac" { (ubits(raw, at, 10), ubits(raw, at + 2, 10)) } else { (ubits(raw, at + 10, 6), ubits(raw, at + 12, 6)) };
            let app = got.get("app_id").and_then(Value::as_u64);
            let got_v = app.map(|a| if key == "dac" { a >> 6 } else { a & 63 });
            return if exp_num == Some(libais_v as f64) && got_v == Some(ours) {
                if addressed == 1 {
                    Check::Mapped("type 26 application id: 2 spare bits after the destination")
                } else {
                    Check::Equal
                }
            } else {
                mismatch("type 26 application id")
            };
        }
        (4 | 11, "timestamp") => return check_time(exp, got),
        (15, "type1_2" | "offset1_2") if raw.len() < 108 => {
            // Request 1.2 spans bits 90-107; libais reads it from a shorter payload.
            return if num(key) == Some(0.0) { Check::Mapped("type 15 request cut off by the end of the payload") } else { mismatch(key) };
        }
        (8, _) if exp_obj.get("fid").and_then(Value::as_u64) == Some(22) => return check_area_notice(key, exp, got),
        (_, "imo") => {
            return match (exp_num, num("imo")) {
                (Some(a), Some(b)) if a == b => Check::Equal,
                (Some(0.0), None) => Check::Omitted("imo 0"),
                _ => mismatch("imo"),
            };
        }
        _ => {}
    }

    let Some(g) = got.get(key) else {
        return match not_available(t, key, exp) {
            Some(why) => Check::Omitted(why),
            None => mismatch("seawarden omits it"),
        };
    };
    match (exp, g) {
        (Value::String(a), Value::String(b)) => {
            if a == b {
                Check::Equal
            } else if libais_text(b) == *a {
                Check::Mapped("6-bit text: libais's table has - and ` for _ and '")
            } else if key == "status_text" && a == "Reserved" && matches!(num("status"), Some(11.0 | 12.0 | 14.0)) {
                Check::Mapped("status 11/12/14 legend: libais \"Reserved\", ITU-R M.1371-5 names")
            } else {
                mismatch("text")
            }
        }
        _ => match (as_num(exp), as_num(g)) {
            // libais prints float32 values: positions to ~1e-5 degrees.
            (Some(a), Some(b)) => {
                // (float32 keeps ~7 significant digits; Seawarden prints 7
                // decimals of 1/10000-minute positions, 4 of 1/10-minute ones,
                // one decimal of turn rates.)
                let tol = match key {
                    "lat" | "lon" | "ne_lon" | "ne_lat" | "sw_lon" | "sw_lat" | "x" | "y" => 6e-5,
                    "turn" => 0.05 + 1e-4,
                    _ => (a.abs() * 1e-6).max(1e-4),
                };
                if close(a, b, tol) {
                    Check::Equal
                } else {
                    mismatch("value")
                }
            }
            _ => mismatch("value"),
        },
    }
}

/// A libais timestamp with "not available" parts: Seawarden prints the valid
/// parts separately and omits the string.
fn check_time(exp: &Value, got: &Obj) -> Check {
    let text = exp.as_str().unwrap_or("");
    if got.get("timestamp").and_then(Value::as_str) == Some(text) {
        return Check::Equal;
    }
    let nums: Vec<u64> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    let parts = [("year", 1, 9999), ("month", 1, 12), ("day", 1, 31), ("hour", 0, 23), ("minute", 0, 59), ("second", 0, 59)];
    if nums.len() != parts.len() {
        return Check::Mismatch("timestamp format".into());
    }
    for (&v, (member, lo, hi)) in nums.iter().zip(parts) {
        match got.get(member).and_then(Value::as_u64) {
            Some(x) if x == v => {}
            None if v < lo || v > hi => {}
            _ => return Check::Mismatch(format!("timestamp part {member}")),
        }
    }
    Check::Mapped("timestamp with unavailable parts: valid parts printed separately")
}

/// DAC 1 FI 22 area notice: libais's keys and sub-structure.
fn check_area_notice(key: &str, exp: &Value, got: &Obj) -> Check {
    let same = |k: &str| got.get(k) == Some(exp);
    match key {
        "type" | "repeat" | "mmsi" | "scaled" | "dac" | "fid" => {
            if same(key) {
                Check::Equal
            } else {
                Check::Mismatch("value".into())
            }
        }
        "link_id" => {
            if same("linkage") {
                Check::Mapped("area notice `link_id`: `linkage`")
            } else {
                Check::Mismatch("linkage".into())
            }
        }
        "notice_type" => {
            if same("notice") {
                Check::Mapped("area notice `notice_type`: `notice`")
            } else {
                Check::Mismatch("notice".into())
            }
        }
        "notice_type_str" => {
            // libais appends a parenthesised gloss to some IMO legends.
            let ours = got.get("notice_text").and_then(Value::as_str).unwrap_or("\u{0}");
            if exp.as_str().is_some_and(|e| e.starts_with(ours)) {
                Check::Mapped("area notice legend: libais adds a gloss")
            } else {
                Check::Mismatch("notice_text".into())
            }
        }
        "duration_minutes" => {
            // IMO SN.1/Circ.289: minute (6 bits) then duration (18 bits). The
            // payload holds minute 2, duration 20 (bits 37-54 of the
            // application data); libais reports the minute as the duration.
            if got.get("minute") == Some(exp) && got.get("duration").and_then(Value::as_u64).is_some() {
                Check::Skipped("area notice duration: libais prints the minute field (a libais bug); Seawarden's duration is checked in its unit tests")
            } else {
                Check::Mismatch("duration".into())
            }
        }
        "sub_areas" => {
            let (Some(exp), Some(ours)) = (exp.as_array(), got.get("subareas").and_then(Value::as_array)) else {
                return Check::Mismatch("sub-areas".into());
            };
            if exp.len() != ours.len() {
                return Check::Mismatch("sub-area count".into());
            }
            for (e, o) in exp.iter().zip(ours) {
                let pairs = [("sub_area_type", "shape"), ("sub_area_type_str", "shape_text"), ("precision", "precision"), ("radius", "radius")];
                for (ek, ok) in pairs {
                    if e.get(ek) != o.get(ok) {
                        return Check::Mismatch(format!("sub-area {ek}"));
                    }
                }
                for (ek, ok) in [("x", "lon"), ("y", "lat")] {
                    match (e.get(ek).and_then(Value::as_f64), o.get(ok).and_then(Value::as_f64)) {
                        (Some(a), Some(b)) if close(a, b, 1e-6) => {}
                        _ => return Check::Mismatch(format!("sub-area {ek}")),
                    }
                }
            }
            Check::Mapped("area notice sub-areas: libais's sub_areas (x/y, sub_area_type) mapped to subareas (lon/lat, shape)")
        }
        _ => Check::Mismatch("unexpected area notice member".into()),
    }
}

#[derive(Default)]
struct Tally {
    equal: usize,
    omitted: BTreeMap<&'static str, usize>,
    mapped: BTreeMap<&'static str, usize>,
    skipped: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, what: String, c: Check) {
        match c {
            Check::Equal => self.equal += 1,
            Check::Omitted(w) => *self.omitted.entry(w).or_default() += 1,
            Check::Mapped(w) => *self.mapped.entry(w).or_default() += 1,
            Check::Skipped(w) => *self.skipped.entry(w).or_default() += 1,
            Check::Mismatch(why) => self.failures.push(format!("{what} ({why})")),
        }
    }
    fn checked(&self) -> usize {
        self.equal + self.omitted.values().sum::<usize>() + self.mapped.values().sum::<usize>()
    }
    fn print(&self, name: &str) {
        println!("{name}: {} members checked ({} equal), {} skipped", self.checked(), self.equal, self.skipped.values().sum::<usize>());
        println!("  omitted as not available: {:?}", self.omitted);
        println!("  libais semantics mapped: {:#?}", self.mapped);
        println!("  skipped: {:#?}", self.skipped);
    }
}

fn compare_file(stem: &str, tally: &mut Tally) -> (Vec<Obj>, Vec<Obj>) {
    let dir = libais_dir();
    let nmea = dir.join(format!("{stem}.nmea"));
    let expected = json_lines(&read(&dir.join(format!("{stem}.json"))));
    let got = seawarden_json(&nmea);
    let raws = payloads(&read(&nmea));
    assert_eq!(got.len(), expected.len(), "{stem}: seawarden printed {} messages, libais {}", got.len(), expected.len());
    for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
        let t = e["type"].as_u64().unwrap_or(0);
        assert_eq!((e.get("type"), e.get("mmsi")), (g.get("type"), g.get("mmsi")), "{stem} message {}: different messages", i + 1);
        // Find the payload of this message (same type and MMSI).
        let raw = raws
            .iter()
            .find(|r| ubits(r, 0, 6) == t && Some(ubits(r, 8, 30)) == e["mmsi"].as_u64())
            .cloned()
            .unwrap_or_else(|| panic!("{stem} message {}: no payload of type {t} from MMSI {}", i + 1, e["mmsi"]));
        for (k, v) in e {
            if k.starts_with("tagblock_") || (stem == "tagblock" && k == "timestamp") {
                continue; // checked by the tag-block test
            }
            let c = check(k, v, e, g, &raw);
            let what = format!(
                "{stem} message {} (type {t}): `{k}`: libais {v} vs seawarden {}",
                i + 1,
                g.get(k).map_or("(omitted)".into(), Value::to_string)
            );
            tally.record(what, c);
        }
    }
    (expected, got)
}

#[test]
fn libais_type_examples() {
    let mut tally = Tally::default();
    compare_file("typeexamples", &mut tally);
    tally.print("typeexamples");
    assert!(tally.failures.is_empty(), "{} disagreement(s) with libais:\n{}", tally.failures.len(), tally.failures.join("\n"));
    assert!(tally.checked() >= 300, "too few members checked: {}", tally.checked());
}

#[test]
fn libais_tag_blocks() {
    let mut tally = Tally::default();
    let (expected, got) = compare_file("tagblock", &mut tally);
    for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
        let what = |k: &str| format!("tagblock message {}: `{k}`", i + 1);
        let rx_time = g.get("rx_time").and_then(Value::as_str).unwrap_or("(none)");
        // libais: "2014-12-10T00:41:53.000000Z" (from c:), and the T: text "2014-12-10 00.41.53".
        for k in ["tagblock_timestamp", "timestamp"] {
            let exp = e.get(k).and_then(Value::as_str).unwrap_or("");
            let exp = exp.replace(".000000Z", "Z");
            let c = if exp == rx_time { Check::Mapped("tag-block time: `rx_time` (RFC 3339, whole seconds)") } else { Check::Mismatch(format!("{exp} vs {rx_time}")) };
            tally.record(what(k), c);
        }
        let t_text = e.get("tagblock_T").and_then(Value::as_str).unwrap_or("");
        let t_rfc = format!("{}Z", t_text.replacen(' ', "T", 1).replace('.', ":"));
        let c = if t_rfc == rx_time { Check::Mapped("tag-block T: text: same instant as `rx_time` (c:)") } else { Check::Mismatch(format!("{t_rfc} vs {rx_time}")) };
        tally.record(what("tagblock_T"), c);
        let station = e.get("tagblock_station");
        let c = if station.is_some() && station == g.get("source") { Check::Mapped("tag-block station: `source`") } else { Check::Mismatch(format!("{station:?} vs {:?}", g.get("source"))) };
        tally.record(what("tagblock_station"), c);
        for k in ["tagblock_q", "tagblock_group"] {
            if e.contains_key(k) {
                let why = LIBAIS_ONLY.iter().find(|(n, _)| *n == k).map_or("", |(_, w)| w);
                tally.record(what(k), Check::Skipped(why));
            }
        }
    }
    tally.print("tagblock");
    assert!(tally.failures.is_empty(), "{} disagreement(s) with libais:\n{}", tally.failures.len(), tally.failures.join("\n"));
    assert_eq!(tally.mapped.get("tag-block station: `source`"), Some(&4));
}
