//! Differential test: Seawarden's gpsd-style JSON against gpsd's own decoder.
//!
//! For every real AIS log under `../shared/data/ais` (relative to the
//! repository root; every file but licences, notices, READMEs and `*.json`),
//! the `!xxVDM` / `!xxVDO` sentences (`!` to `*hh`, two per line where a line
//! holds two) are extracted in order, and that same plain sentence stream, one
//! sentence per line, is fed to gpsd's `gpsdecode` (3.22) and to
//! `seawarden decode - --format json --show-rejects`.
//!
//! Alignment. Both decoders emit a message when its last fragment arrives,
//! so both output streams are ordered subsequences of the messages the
//! sentence stream can yield. The test rebuilds those candidate messages
//! itself, twice: once with gpsd's assembly rules (one context per radio
//! channel, consecutive fragment numbers, sequence ids ignored, gpsd's talker
//! and channel filters) and once with Seawarden's (fragments grouped by
//! channel, sequence id and count). Each decoder's output is walked in order
//! and matched to its candidate list by message type + MMSI with a bounded
//! look-ahead (the candidates skipped are that decoder's rejections). That
//! gives every message its input line(s) and raw payload bits; gpsd and
//! Seawarden messages built from the same sentences are then paired. Type 24
//! parts are merged per MMSI the way gpsd does (a ring of 8 part-A names per
//! channel, `gpsdecode` printing only merged part-B objects).
//!
//! Comparison. For every pair, every member gpsd prints (but `class` and
//! `device`) must agree with Seawarden's: numbers within the printed
//! precision, text exactly. Seawarden may omit a member only where gpsd's
//! value is the ITU-R M.1371-5 "not available" value for that field (or a
//! value outside the field's defined range) — see [`not_available`]. Every
//! other disagreement must be one of the deliberate differences of
//! [`Deliberate`], each checked against the raw payload bits where it
//! concerns a field layout. Messages only one decoder produces must each be
//! explained by an [`Unmatched`] reason, and the totals are asserted
//! ([`EXPECTED_UNMATCHED`]). `docs/gpsd-differences.md` documents all of it.
//!
//! Without `gpsdecode` the test is skipped, loudly, unless
//! `SEAWARDEN_REQUIRE_GPSD=1` (set by `.ci/run`, which installs it).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

type Obj = Map<String, Value>;

// ---------------------------------------------------------------------------
// Inputs

/// `../shared/data/ais`, relative to the repository root.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join("../shared/data/ais")
}

/// Every real log: all files but licences, notices, READMEs and JSON.
fn logs() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read data dir").filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if p.is_dir() {
                walk(&p, out);
            } else if !(name.starts_with("LICENSE") || name.starts_with("NOTICE") || name.starts_with("README") || name.ends_with(".json")) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&data_dir(), &mut out);
    out
}

fn read_log(path: &Path) -> Vec<u8> {
    let mut raw = Vec::new();
    File::open(path).and_then(|mut f| f.read_to_end(&mut raw)).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out).unwrap_or_else(|e| panic!("cannot gunzip {}: {e}", path.display()));
        out
    } else {
        raw
    }
}

// ---------------------------------------------------------------------------
// Sentences

/// One extracted `!xxVDM` / `!xxVDO` sentence.
#[derive(Debug, Clone)]
struct Sentence {
    /// 1-based line number in the log.
    line: usize,
    /// The sentence, `!` through the two checksum digits.
    text: String,
    talker: String,
    own_ship: bool,
    total: u32,
    number: u32,
    seq: String,
    channel: String,
    payload: String,
    fill: usize,
    /// At least the 7 fields gpsd requires.
    well_formed: bool,
    checksum_ok: bool,
}

/// Every `!xxVDM` / `!xxVDO ... *hh` on every line, in order (`xx`: any
/// two printable characters).
fn extract(data: &[u8]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (i, line) in data.split(|&c| c == b'\n').enumerate() {
        let mut pos = 0;
        while pos + 7 <= line.len() {
            let rest = &line[pos..];
            // Any two-character talker: corrupted ones (`!=IVDM`, `!--VDM`)
            // occur in real logs and Seawarden accepts them.
            let talker_char = |c: u8| c.is_ascii_graphic() && !matches!(c, b',' | b'*' | b'!' | b'\\' | b'$');
            let is_start = rest[0] == b'!'
                && talker_char(rest[1])
                && talker_char(rest[2])
                && (&rest[3..6] == b"VDM" || &rest[3..6] == b"VDO")
                && rest[6] == b',';
            if !is_start {
                pos += 1;
                continue;
            }
            // Up to '*' and two hex digits; give up at the next sentence start.
            let mut end = None;
            let mut j = 1;
            while j < rest.len() {
                match rest[j] {
                    b'*' if rest.len() >= j + 3 && rest[j + 1].is_ascii_hexdigit() && rest[j + 2].is_ascii_hexdigit() => {
                        end = Some(j + 3);
                        break;
                    }
                    b'!' | b'\\' => break,
                    _ => j += 1,
                }
            }
            match end {
                Some(e) => {
                    out.push(parse_sentence(i + 1, String::from_utf8_lossy(&rest[..e]).into_owned()));
                    pos += e;
                }
                None => pos += j.max(1),
            }
        }
    }
    out
}

fn parse_sentence(line: usize, text: String) -> Sentence {
    let star = text.rfind('*').unwrap_or(text.len());
    let body = &text[1..star];
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    let checksum_ok = u8::from_str_radix(&text[star + 1..], 16).ok() == Some(sum);
    let f: Vec<&str> = body.split(',').collect();
    let field = |i: usize| f.get(i).copied().unwrap_or("");
    let atoi = |s: &str| s.bytes().take_while(u8::is_ascii_digit).fold(0u32, |a, d| a.saturating_mul(10).saturating_add((d - b'0') as u32));
    Sentence {
        line,
        talker: text[1..3].to_string(),
        own_ship: &text[3..6] == "VDO",
        total: atoi(field(1)),
        number: atoi(field(2)),
        seq: field(3).to_string(),
        channel: field(4).to_string(),
        payload: field(5).to_string(),
        fill: field(6).bytes().next().filter(u8::is_ascii_digit).map_or(0, |d| (d - b'0') as usize),
        well_formed: f.len() >= 7,
        checksum_ok,
        text,
    }
}

/// Unarmours 6-bit characters, one bit per byte (as gpsd does: no validation).
fn unarmor(bits: &mut Vec<u8>, payload: &str) {
    for c in payload.bytes() {
        let mut v = c.wrapping_sub(48);
        if v >= 40 {
            v = v.wrapping_sub(8);
        }
        for i in (0..6).rev() {
            bits.push((v >> i) & 1);
        }
    }
}

/// `len` bits from `start`, big-endian; bits past the end read as zero.
fn ubits(bits: &[u8], start: usize, len: usize) -> u64 {
    (0..len).fold(0u64, |a, i| a << 1 | bits.get(start + i).copied().unwrap_or(0) as u64)
}

/// Talker ids gpsd 3.22's packet lexer accepts after `!` (found by feeding
/// every two-letter id to `gpsdecode`): other sentences never reach its AIS
/// driver.
const GPSD_TALKERS: [&str; 10] = ["AB", "AD", "AI", "AN", "AR", "AS", "AT", "AX", "BS", "SA"];

/// gpsd's assembly context for a channel field: A, 1 and empty share one,
/// B and 2 another; C ("secure AIS"), `12` and anything else are dropped.
fn gpsd_context(channel: &str) -> Option<usize> {
    match channel.as_bytes().first() {
        None => Some(0),
        Some(b'1') if channel == "12" => None,
        Some(b'1' | b'A') => Some(0),
        Some(b'2' | b'B') => Some(1),
        _ => None,
    }
}

/// gpsd 3.22's length checks (driver_ais.c `ais_binary_decode`, as observed
/// with `gpsdecode`: e.g. 3.22 accepts types 1-3 of any length from 168
/// bits, later versions only up to 204): why it rejects a payload, if it does.
fn gpsd_rejects(c: &Candidate) -> Option<&'static str> {
    let n = c.bits.len();
    let range = |lo: usize, hi: usize| !(lo..=hi).contains(&n);
    let reject = match c.msg_type {
        1..=4 | 9 | 11 | 18 | 22 => n < 168,
        5 => n < 420,
        6 => range(88, 1008),
        7 | 13 => range(72, 168),
        8 => range(56, 1008),
        10 => n < 72,
        12 => range(72, 1008),
        14 => range(40, 1008),
        15 => range(88, 168),
        16 => range(96, 168),
        17 => range(80, 816),
        19 => n < 312,
        20 => range(72, 186),
        21 => range(272, 368),
        23 => n < 160,
        24 => match ubits(&c.bits, 38, 2) {
            0 => return range(160, 168).then_some("type 24 part A must have 160-168 bits"),
            1 => return (n < 168).then_some("type 24 part B must have at least 168 bits"),
            _ => return Some("type 24 part number 2 or 3"),
        },
        25 | 26 => {
            let mode = 40 + 16 * ubits(&c.bits, 39, 1) as usize + 30 * ubits(&c.bits, 38, 1) as usize;
            let radio = if c.msg_type == 26 { 20 } else { 0 };
            let (lo, hi) = if c.msg_type == 25 { (40, 168) } else { (60, 1004) };
            range(lo, hi) || n < mode + radio
        }
        27 => return (n != 96 && n != 168).then_some("type 27 must have 96 or 168 bits"),
        _ => return Some("unknown message type"),
    };
    reject.then_some("gpsd length check")
}

/// Which of gpsd's candidates `gpsdecode` prints: those its length checks
/// accept, type 24 part B only when merged with a part A (see
/// [`merge_type24`]), part A never.
fn gpsd_prints(cands: &[Candidate], sents: &[Sentence]) -> Vec<bool> {
    let mut rings = [[0u64; 8]; 2];
    let mut next = [0usize; 2];
    cands
        .iter()
        .map(|c| {
            if gpsd_rejects(c).is_some() {
                return false;
            }
            if c.msg_type != 24 {
                return true;
            }
            let Some(ctx) = gpsd_context(&sents[c.span().1].channel) else { return false };
            if ubits(&c.bits, 38, 2) == 0 {
                rings[ctx][next[ctx]] = c.mmsi;
                next[ctx] = (next[ctx] + 1) % 8;
                return false;
            }
            match rings[ctx].iter_mut().find(|m| **m == c.mmsi) {
                Some(m) => {
                    *m = 0;
                    true
                }
                None => false,
            }
        })
        .collect()
}

/// A message the sentence stream can yield: its sentences (indices, in
/// fragment order) and payload bits.
#[derive(Debug, Clone)]
struct Candidate {
    sentences: Vec<usize>,
    bits: Vec<u8>,
    msg_type: u64,
    mmsi: u64,
}

impl Candidate {
    fn new(sentences: Vec<usize>, bits: Vec<u8>) -> Self {
        Candidate { msg_type: ubits(&bits, 0, 6), mmsi: ubits(&bits, 8, 30), sentences, bits }
    }
    fn span(&self) -> (usize, usize) {
        (self.sentences[0], *self.sentences.last().unwrap_or(&self.sentences[0]))
    }
}

/// The messages gpsd 3.22's AIVDM driver assembles (driver_aivdm.c): one
/// context per channel, fragments must come in order (a fragment 1 restarts),
/// sequence ids and the fragment count of earlier fragments are ignored, the
/// pad of every fragment is removed.
fn gpsd_candidates(sents: &[Sentence]) -> Vec<Candidate> {
    #[derive(Default)]
    struct Ctx {
        decoded: u32,
        bits: Vec<u8>,
        idx: Vec<usize>,
    }
    let mut ctx: [Ctx; 2] = Default::default();
    let mut out = Vec::new();
    for (i, s) in sents.iter().enumerate() {
        if !s.checksum_ok || !s.well_formed || !GPSD_TALKERS.contains(&s.talker.as_str()) {
            continue;
        }
        let Some(c) = gpsd_context(&s.channel) else { continue };
        let c = &mut ctx[c];
        if s.number != c.decoded + 1 {
            if s.number != 1 {
                continue;
            }
            c.decoded = 0;
        }
        if s.number == 1 {
            c.bits.clear();
            c.idx.clear();
        }
        unarmor(&mut c.bits, &s.payload);
        let keep = c.bits.len().saturating_sub(s.fill);
        c.bits.truncate(keep);
        c.idx.push(i);
        if s.number == s.total {
            c.decoded = 0;
            out.push(Candidate::new(c.idx.clone(), c.bits.clone()));
        } else {
            c.decoded += 1;
        }
    }
    out
}

/// The messages Seawarden's assembler builds from a plain sentence stream:
/// fragments grouped by channel, sequence id, count and VDM/VDO; a new
/// fragment 1 (or a repeated number) restarts a group.
fn seawarden_candidates(sents: &[Sentence]) -> Vec<Candidate> {
    struct Group {
        key: (String, String, u32, bool),
        parts: Vec<Option<usize>>,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut out = Vec::new();
    for (i, s) in sents.iter().enumerate() {
        if !s.checksum_ok || !s.well_formed || s.total == 0 || s.number == 0 || s.number > s.total || s.total > 9 {
            continue;
        }
        if s.total == 1 {
            let mut bits = Vec::new();
            unarmor(&mut bits, &s.payload);
            let keep = bits.len().saturating_sub(s.fill);
            bits.truncate(keep);
            out.push(Candidate::new(vec![i], bits));
            continue;
        }
        let key = (s.channel.chars().next().map(String::from).unwrap_or_default(), s.seq.clone(), s.total, s.own_ship);
        let n = s.number as usize - 1;
        let gi = match groups.iter().position(|g| g.key == key) {
            Some(gi) if s.number == 1 || groups[gi].parts[n].is_some() => {
                groups.remove(gi);
                None
            }
            other => other,
        };
        let gi = gi.unwrap_or_else(|| {
            groups.push(Group { key, parts: vec![None; s.total as usize] });
            groups.len() - 1
        });
        groups[gi].parts[n] = Some(i);
        if groups[gi].parts.iter().all(Option::is_some) {
            let g = groups.remove(gi);
            let idx: Vec<usize> = g.parts.into_iter().flatten().collect();
            let mut bits = Vec::new();
            for &k in &idx {
                unarmor(&mut bits, &sents[k].payload);
            }
            let keep = bits.len().saturating_sub(sents[*idx.last().unwrap_or(&i)].fill);
            bits.truncate(keep);
            out.push(Candidate::new(idx, bits));
        }
    }
    out
}

/// Matches each output message, in order, to the first candidate at or after
/// the previous match with the same type and MMSI that the decoder can have
/// accepted, looking at most `WINDOW` candidates ahead.
fn attribute(msgs: &[Obj], cands: &[Candidate], accepts: impl Fn(usize) -> bool) -> Vec<Option<usize>> {
    const WINDOW: usize = 4096;
    let mut p = 0;
    msgs.iter()
        .map(|m| {
            let (t, mmsi) = (uint(m, "type"), uint(m, "mmsi"));
            // Type 24: gpsd prints merged objects at part B, Seawarden each part.
            let part_a = t == 24 && m.get("part").and_then(Value::as_str) == Some("A");
            let end = (p + WINDOW).min(cands.len());
            let q = (p..end).find(|&q| {
                let c = &cands[q];
                c.msg_type == t && c.mmsi == mmsi && (t != 24 || (ubits(&c.bits, 38, 2) == 0) == part_a) && accepts(q)
            })?;
            p = q + 1;
            Some(q)
        })
        .collect()
}

fn uint(m: &Obj, k: &str) -> u64 {
    m.get(k).and_then(Value::as_u64).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------
// Running the decoders

struct Outputs {
    gpsd: Vec<Obj>,
    seawarden: Vec<Obj>,
    /// Seawarden's rejections: sentence text -> reason.
    rejects: HashMap<String, String>,
}

fn parse_lines(out: &[u8], who: &str) -> Vec<Obj> {
    out.split(|&c| c == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| match serde_json::from_slice::<Value>(l) {
            Ok(Value::Object(o)) => o,
            other => panic!("{who} printed a line that is not a JSON object: {other:?}: {}", String::from_utf8_lossy(l)),
        })
        .collect()
}

fn run_decoders(input: &Path) -> Outputs {
    let gpsd = Command::new("gpsdecode")
        .stdin(File::open(input).expect("input"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .expect("run gpsdecode");
    assert!(gpsd.status.success(), "gpsdecode failed: {:?}", gpsd.status);
    let sw = Command::new(env!("CARGO_BIN_EXE_seawarden"))
        .args(["decode", "-", "--format", "json", "--show-rejects"])
        .stdin(File::open(input).expect("input"))
        .output()
        .expect("run seawarden");
    assert!(sw.status.success(), "seawarden failed: {}", String::from_utf8_lossy(&sw.stderr));
    let mut rejects = HashMap::new();
    for l in String::from_utf8_lossy(&sw.stderr).lines() {
        // "rejected (reason, n sentence[s]): line"
        if let Some(rest) = l.strip_prefix("rejected (") {
            let reason = rest.split(',').next().unwrap_or("").to_string();
            if let Some((_, line)) = rest.split_once("): ") {
                rejects.insert(line.trim().to_string(), reason);
            }
        }
    }
    Outputs { gpsd: parse_lines(&gpsd.stdout, "gpsdecode"), seawarden: parse_lines(&sw.stdout, "seawarden"), rejects }
}

// ---------------------------------------------------------------------------
// Type 24: merge Seawarden's parts as gpsd does

/// A Seawarden message (possibly a merged type 24) with its candidates.
struct SwMsg {
    obj: Obj,
    cand: Option<usize>,
    /// For a merged type 24: part A's candidate.
    part_a: Option<usize>,
}

/// gpsd keeps the last 8 part-A names per channel context (A/1/empty, B/2);
/// a part B whose MMSI is in its channel's ring takes the name (and clears
/// the slot's MMSI, not its name; the ring starts with MMSI 0 everywhere);
/// only such merged objects are printed by `gpsdecode` (without `-s`).
///
/// Parts gpsd never sees (a talker or channel its lexer or driver drops)
/// stay out of the rings, so that the rings hold what gpsd's hold; they are
/// counted by reason in `hidden`. Returns the merged stream and the number of
/// parts left unpaired.
fn merge_type24(
    msgs: Vec<Obj>,
    cands: Vec<Option<usize>>,
    channel_of: impl Fn(usize) -> Option<usize>,
    never_seen: impl Fn(usize) -> Option<Unmatched>,
    hidden: &mut BTreeMap<String, usize>,
) -> (Vec<SwMsg>, usize) {
    /// A remembered part A: MMSI, name, candidate, not yet paired.
    type Slot = (u64, Option<Value>, Option<usize>, bool);
    let mut rings: [[Slot; 8]; 2] = Default::default();
    let mut next = [0usize; 2];
    let mut out = Vec::new();
    let mut unpaired = 0;
    for (obj, cand) in msgs.into_iter().zip(cands) {
        if uint(&obj, "type") != 24 {
            out.push(SwMsg { obj, cand, part_a: None });
            continue;
        }
        if let Some(r) = cand.and_then(&never_seen) {
            *hidden.entry(format!("{r:?}")).or_default() += 1;
            continue;
        }
        let Some(c) = cand.and_then(&channel_of) else {
            unpaired += 1;
            continue;
        };
        let mmsi = uint(&obj, "mmsi");
        match obj.get("part").and_then(Value::as_str) {
            Some("A") => {
                let slot = &mut rings[c][next[c]];
                if slot.3 {
                    unpaired += 1;
                }
                *slot = (mmsi, obj.get("shipname").cloned(), cand, true);
                next[c] = (next[c] + 1) % 8;
            }
            _ => match rings[c].iter_mut().find(|s| s.0 == mmsi) {
                Some(slot) => {
                    let mut merged = obj.clone();
                    merged.remove("part");
                    if let Some(name) = slot.1.clone() {
                        merged.insert("shipname".into(), name);
                    }
                    slot.0 = 0;
                    slot.3 = false;
                    out.push(SwMsg { obj: merged, cand, part_a: slot.2 });
                }
                None => unpaired += 1,
            },
        }
    }
    unpaired += rings.iter().flatten().filter(|s| s.3).count();
    (out, unpaired)
}

// ---------------------------------------------------------------------------
// Field comparison

/// Deliberate differences between gpsd 3.22's JSON and Seawarden's, each
/// documented in docs/gpsd-differences.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Deliberate {
    /// Rate of turn: gpsd prints the magnitude only, rounded to a whole
    /// °/min (`round((ROT/4.733)²)`); Seawarden keeps the sign (left turns
    /// negative) and one decimal.
    TurnSign,
    /// Speed 1022 (102.2 kn or more): gpsd prints `"fast"`.
    SpeedFast,
    /// Text legends (`status_text`, `shiptype_text`, `epfd_text`, ...):
    /// Seawarden uses ITU-R M.1371-5 / IMO / ERI wording; gpsd 3.22 has older
    /// or placeholder legends ("Reserved", "INVALID EPFD", " - " separators).
    Legend,
    /// Type 27 `status`: gpsd prints the legend under `status`; Seawarden
    /// prints the code, with the legend in `status_text`.
    StatusAsText,
    /// Types 22/23 corners: gpsd prints strings, Seawarden numbers.
    CornersAsNumbers,
    /// Type 24 `vendorid`: gpsd prints the 7-character M.1371-3 field;
    /// Seawarden the 3-character M.1371-4/5 manufacturer id (model and serial
    /// are separate).
    VendorId,
    /// Type 9 `regional`: gpsd reads 8 bits from bit 134, which since
    /// M.1371-4 is the altitude-sensor flag followed by 7 regional bits.
    RegionalAltitudeSensor,
    /// Types 7/13/15/20: gpsd decodes an entry that the payload cuts off
    /// (reading past the end); Seawarden decodes only complete entries.
    TruncatedEntry,
    /// Types 25/26 addressed: ITU-R M.1371-5 Tables 80/82 put 2 spare bits
    /// after the 30-bit destination; gpsd reads the application id and data
    /// from bit 70, Seawarden from bit 72.
    SpareAfterDestination,
    /// Type 26 `radio`: gpsd 3.22 never decodes it (prints 0).
    Type26Radio,
    /// Binary data (types 6/8/17/25/26): gpsd's hex includes whole bytes
    /// past the bit count; only the counted bits are compared.
    DataPadding,
    /// Application fields gpsd decodes for a DAC/FI Seawarden leaves as raw
    /// `data` (DAC 235/250 FI 10, GLA AtoN monitoring).
    ApplicationNotDecoded,
    /// DAC 200 FI 10 (inland static): gpsd prints length and beam in
    /// decimetres and draught in centimetres, Seawarden in metres.
    InlandUnits,
    /// DAC 1 FI 11 (met/hydro): gpsd's tendency legends swap 1 and 2
    /// ("increasing"/"decreasing"); IMO SN/Circ.236 has 1 decreasing,
    /// 2 increasing. Seawarden prints the code and `*_text`.
    TendencyLegend,
    /// Date/time strings (type 4/11 `timestamp`, type 5 `eta`) with a
    /// "not available" or out-of-range part: gpsd prints the raw numbers,
    /// Seawarden omits the string and prints the valid parts separately.
    PartialTime,
}

/// Why Seawarden may omit a member gpsd prints: gpsd's value is the field's
/// "not available" value, or outside its defined range.
fn not_available(t: u64, key: &str, g: &Value, gobj: &Obj) -> Option<&'static str> {
    let n = g.as_f64();
    let s = g.as_str();
    let pos = matches!(t, 1..=3 | 4 | 9 | 11 | 18 | 19 | 21);
    Some(match key {
        "heading" if n == Some(511.0) => "heading 511",
        "heading" if n.is_some_and(|v| v >= 360.0) => "heading 360-510 (undefined)",
        "turn" if s == Some("nan") => "turn -128",
        "speed" if s == Some("nan") => "speed 1023 (nan)",
        "speed" if matches!(t, 18 | 19) && n == Some(102.3) => "speed 1023",
        "speed" if t == 27 && n == Some(63.0) => "speed 63",
        "course" if t == 27 && n == Some(511.0) => "course 511",
        "course" if t == 27 && n.is_some_and(|v| v >= 360.0) => "course 360-510 (undefined)",
        "course" if n == Some(360.0) => "course 3600",
        "course" if n.is_some_and(|v| v > 360.0) => "course 3601-4095 (undefined)",
        "lon" if (pos || t == 17 || t == 27) && n == Some(181.0) => "lon 181",
        "lat" if (pos || t == 17 || t == 27) && n == Some(91.0) => "lat 91",
        "lon" if n.is_some_and(|v| v.abs() > 180.0) => "lon beyond ±180",
        "lat" if n.is_some_and(|v| v.abs() > 90.0) => "lat beyond ±90",
        "second" if n == Some(60.0) => "second 60",
        "status" if n == Some(15.0) || s == Some("Not defined") => "status 15",
        "status_text" if gobj.get("status").and_then(Value::as_u64) == Some(15) => "status 15",
        "maneuver" if n == Some(0.0) => "maneuver 0",
        "imo" if n == Some(0.0) => "imo 0",
        "shiptype" if n == Some(0.0) => "shiptype 0",
        "shiptype_text" if gobj.get("shiptype").and_then(Value::as_u64) == Some(0) => "shiptype 0",
        "to_bow" | "to_stern" | "to_port" | "to_starboard" if n == Some(0.0) => "dimension 0",
        "draught" if n == Some(0.0) => "draught 0",
        "epfd" if n == Some(0.0) => "epfd 0",
        "epfd_text" if gobj.get("epfd").and_then(Value::as_u64) == Some(0) => "epfd 0",
        "aid_type" if n == Some(0.0) => "aid_type 0",
        "aid_type_text" if gobj.get("aid_type").and_then(Value::as_u64) == Some(0) => "aid_type 0",
        "alt" if s == Some("nan") => "alt 4095",
        "dest_mmsi" if matches!(t, 25 | 26) && n == Some(0.0) => "dest_mmsi (not addressed)",
        "app_id" if matches!(t, 25 | 26) && n == Some(0.0) => "app_id (unstructured)",
        _ if s == Some("") => "empty text",
        _ => return None,
    })
}

/// Not-available values of the application fields gpsd decodes (raw
/// all-ones or reserved codes, through gpsd's scaling).
fn app_not_available(dac: u64, fid: u64, key: &str, g: &Value) -> Option<&'static str> {
    let n = g.as_f64();
    let s = g.as_str();
    Some(match (dac, fid, key) {
        (1, 11, "wspeed" | "wgust" | "humidity") if n == Some(127.0) => "met/hydro 127",
        (1, 11, "wdir" | "wgustdir" | "cdir" | "cdir2" | "cdir3" | "wavedir" | "swelldir") if n.is_some_and(|v| v >= 360.0) => "met/hydro direction 360-511",
        (1, 11, "airtemp") if n == Some(144.7) => "met/hydro airtemp 2047",
        (1, 11, "dewpoint") if n == Some(82.3) => "met/hydro dewpoint 1023",
        (1, 11, "pressure") if n == Some(1311.0) => "met/hydro pressure 511",
        (1, 11, "visibility" | "cspeed" | "cspeed2" | "cspeed3" | "waveheight" | "swellheight") if n == Some(25.5) => "met/hydro 255",
        (1, 11, "waterlevel") if n == Some(41.1) => "met/hydro waterlevel 511",
        (1, 11, "cdepth2" | "cdepth3") if n == Some(31.0) => "met/hydro depth 31",
        (1, 11, "waveperiod" | "swellperiod") if n == Some(63.0) => "met/hydro period 63",
        (1, 11, "seastate") if n.is_some_and(|v| v >= 13.0) => "met/hydro sea state 13-15",
        (1, 11, "watertemp") if n == Some(92.3) => "met/hydro watertemp 1023",
        (1, 11, "preciptype") if n == Some(7.0) => "met/hydro precipitation 7",
        (1, 11, "salinity") if n.is_some_and(|v| v >= 50.1) => "met/hydro salinity 501-511",
        (1, 11, "ice") if n == Some(3.0) => "met/hydro ice 3",
        (1, 11, "pressuretend" | "leveltrend" | "preciptype_text" | "ice_text") if s == Some("N/A") => "met/hydro N/A",
        (200, 10, "hazard") if n == Some(5.0) => "inland hazard 5",
        (200, 10, "hazard_text") if s == Some("Unknown") => "inland hazard 5",
        (200, 10, "loaded") if n == Some(0.0) => "inland loaded 0",
        (200, 10, "loaded_text") if s == Some("N/A (default)") => "inland loaded 0",
        (200, 10, "draught" | "length" | "beam") if n == Some(0.0) => "inland dimension 0",
        _ if s == Some("") => "empty text",
        _ => return None,
    })
}

/// The outcome of comparing one member.
enum Verdict {
    Equal,
    Omitted(&'static str),
    Deliberate(Deliberate),
    Mismatch(String),
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol + 1e-9
}

/// gpsd's `"bits:hex"` data as bits.
fn data_bits(v: &Value) -> Option<(usize, Vec<u8>)> {
    let (n, hex) = v.as_str()?.split_once(':')?;
    let n: usize = n.parse().ok()?;
    let mut bits = Vec::with_capacity(hex.len() * 4);
    for c in hex.chars() {
        let d = c.to_digit(16)? as u8;
        bits.extend((0..4).rev().map(|i| (d >> i) & 1));
    }
    Some((n, bits))
}

/// Both data members hold the same first `n` bits (gpsd prints whole bytes).
fn same_data(g: &Value, s: &Value) -> Option<bool> {
    let (gn, gb) = data_bits(g)?;
    let (sn, sb) = data_bits(s)?;
    Some(gn == sn && gb.len() >= gn && sb.len() >= sn && gb[..gn] == sb[..sn])
}

/// `data` equals `raw[start..]` for its bit count.
fn data_is(v: &Value, raw: &[u8], start: usize, count: usize) -> bool {
    data_bits(v).is_some_and(|(n, b)| n == count && b.len() >= n && raw.get(start..start + n).is_some_and(|r| r == &b[..n]))
}

/// Normalises a legend for comparison: gpsd separates categories with " - ".
fn legend(s: &str) -> String {
    s.replace(" - ", ", ").to_ascii_lowercase()
}

/// gpsd 3.22's legends that differ from Seawarden's on purpose, by member,
/// code and gpsd text:
/// - navigational status 11, 12 and 14: gpsd "Reserved", M.1371-5 Table 50
///   defines them (towing astern, pushing ahead, AIS-SART active);
/// - EPFD 9-15: gpsd "INVALID EPFD", M.1371-5 "Reserved" / 15 "Internal GNSS";
/// - ship type 100-255: gpsd "INVALID SHIP TYPE", Seawarden "Unknown";
/// - ship type 59: gpsd "Ship according to RR Resolution No. 18", M.1371-5
///   "Noncombatant ship according to RR Resolution No. 18";
/// - inland (ERI) ship types missing from gpsd's table: "Illegal ship type value.";
/// - inland hazard: gpsd prefixes the number of cones ("4 B-Flag").
fn legend_difference(key: &str, code: Option<u64>, g: &str, s: &str) -> bool {
    match key {
        "status_text" | "status" => g == "Reserved" && matches!(code, Some(11 | 12 | 14)),
        "epfd_text" => g == "INVALID EPFD" && matches!(code, Some(9..=15)),
        "shiptype_text" => {
            (g == "INVALID SHIP TYPE" && code.is_some_and(|c| c >= 100))
                || (code == Some(59) && legend(s).contains(&legend(g)))
                || g == "Illegal ship type value."
        }
        "hazard_text" => g.ends_with(s) && g.len() > s.len(),
        _ => false,
    }
}

/// The code beside a `*_text` legend.
fn legend_code(key: &str, gobj: &Obj) -> Option<u64> {
    gobj.get(key.strip_suffix("_text").unwrap_or(key)).and_then(Value::as_u64)
}

const BASE_KEYS: [&str; 15] =
    ["class", "channel", "rx_time", "source", "type", "repeat", "mmsi", "scaled", "seqno", "dest_mmsi", "retransmit", "dac", "fid", "data", "device"];

/// Compares one member gpsd printed.
fn compare(key: &str, gobj: &Obj, sobj: &Obj, raw: &[u8]) -> Verdict {
    let t = uint(gobj, "type");
    let g = &gobj[key];
    let s = sobj.get(key);
    let mismatch = |why: &str| Verdict::Mismatch(why.to_string());

    // Binary application members (types 6/8 with a DAC/FI gpsd decodes).
    if matches!(t, 6 | 8) && !gobj.contains_key("data") && !BASE_KEYS.contains(&key) {
        let (dac, fid) = (uint(gobj, "dac"), uint(gobj, "fid"));
        let decoded = sobj.keys().any(|k| !BASE_KEYS.contains(&k.as_str()));
        if !decoded {
            return Verdict::Deliberate(Deliberate::ApplicationNotDecoded);
        }
        return compare_app(dac, fid, key, g, sobj, raw);
    }

    match (key, t) {
        ("turn", 1..=3) => {
            let raw_rot = ubits(raw, 42, 8) as u8 as i8;
            return match (g, s) {
                (Value::String(a), None) if a == "nan" => Verdict::Omitted("turn -128"),
                (Value::String(a), Some(Value::String(b))) if a == b => Verdict::Equal,
                (Value::Number(a), Some(Value::Number(b))) => {
                    let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                    let x = (raw_rot as f64 / 4.733).powi(2);
                    let signed = x * (raw_rot as f64).signum();
                    if !close(b, signed, 0.05) {
                        mismatch("seawarden's turn is not ±(ROT/4.733)² of the raw bits")
                    } else if close(a, b, 0.5) {
                        Verdict::Equal
                    } else if raw_rot < 0 && close(a, b.abs(), 0.5) {
                        Verdict::Deliberate(Deliberate::TurnSign)
                    } else {
                        mismatch("turn")
                    }
                }
                _ => mismatch("turn"),
            };
        }
        ("speed", 1..=3) if g.as_str() == Some("fast") => {
            return if num(s) == Some(102.2) { Verdict::Deliberate(Deliberate::SpeedFast) } else { mismatch("speed") };
        }
        ("status", 27) if g.is_string() => {
            let text = sobj.get("status_text").and_then(Value::as_str);
            return match text {
                None if g.as_str() == Some("Not defined") && s.is_none() => Verdict::Omitted("status 15"),
                Some(text) if legend(text) == legend(g.as_str().unwrap_or("")) => Verdict::Deliberate(Deliberate::StatusAsText),
                Some(text) if legend_difference("status", s.and_then(Value::as_u64), g.as_str().unwrap_or(""), text) => {
                    Verdict::Deliberate(Deliberate::Legend)
                }
                _ => mismatch("type 27 status"),
            };
        }
        ("ne_lon" | "ne_lat" | "sw_lon" | "sw_lat", 22 | 23) if g.is_string() => {
            return match (num(Some(g)), num(s)) {
                (Some(a), Some(b)) if close(a, b, 0.5e-4 + 0.5e-6) => Verdict::Deliberate(Deliberate::CornersAsNumbers),
                _ => mismatch("corner"),
            };
        }
        ("vendorid", 24) => {
            let gv = g.as_str().unwrap_or("");
            let head: String = gv.chars().take(3).collect();
            let head = head.trim_end();
            let sv = s.and_then(Value::as_str).unwrap_or("");
            return if head != sv {
                mismatch("vendorid (first 3 characters)")
            } else if gv.chars().count() > 3 {
                Verdict::Deliberate(Deliberate::VendorId)
            } else if s.is_none() {
                Verdict::Omitted("empty text")
            } else {
                Verdict::Equal
            };
        }
        ("regional", 9) => {
            let (a, b) = (g.as_u64(), s.and_then(Value::as_u64));
            return match (a, b) {
                (Some(a), Some(b)) if a == b => Verdict::Equal,
                (Some(a), Some(b)) if a == (ubits(raw, 134, 1) << 7 | b) && ubits(raw, 135, 7) == b => {
                    Verdict::Deliberate(Deliberate::RegionalAltitudeSensor)
                }
                _ => mismatch("regional"),
            };
        }
        ("radio", 26) => {
            let b = s.and_then(Value::as_u64);
            return if g.as_u64() == Some(0) && b == Some(ubits(raw, raw.len().saturating_sub(20), 20)) {
                if b == Some(0) {
                    Verdict::Equal
                } else {
                    Verdict::Deliberate(Deliberate::Type26Radio)
                }
            } else {
                mismatch("type 26 radio")
            };
        }
        ("app_id" | "data", 25 | 26) => {
            let addressed = ubits(raw, 38, 1) as usize;
            let structured = ubits(raw, 39, 1) as usize;
            let radio = if t == 26 { 20 } else { 0 };
            if key == "app_id" {
                if structured == 0 {
                    return if g.as_u64() == Some(0) && s.is_none() { Verdict::Omitted("app_id (unstructured)") } else { mismatch("app_id") };
                }
                let (gs, ss) = (40 + 30 * addressed, 40 + 32 * addressed);
                let ok = g.as_u64() == Some(ubits(raw, gs, 16)) && s.and_then(Value::as_u64) == Some(ubits(raw, ss, 16));
                return match ok {
                    true if g.as_u64() == s.and_then(Value::as_u64) => Verdict::Equal,
                    true if addressed == 1 => Verdict::Deliberate(Deliberate::SpareAfterDestination),
                    _ => mismatch("app_id"),
                };
            }
            let (gs, ss) = (40 + 30 * addressed + 16 * structured, 40 + 32 * addressed + 16 * structured);
            let gn = raw.len().saturating_sub(gs + radio);
            let sn = raw.len().saturating_sub(ss + radio);
            let ok = data_is(g, raw, gs, gn) && s.is_some_and(|s| data_is(s, raw, ss, sn));
            return match (ok, s.and_then(|s| same_data(g, s))) {
                (true, Some(true)) if g == s.unwrap_or(&Value::Null) => Verdict::Equal,
                (true, Some(true)) => Verdict::Deliberate(Deliberate::DataPadding),
                (true, _) if addressed == 1 => Verdict::Deliberate(Deliberate::SpareAfterDestination),
                _ => mismatch("binary data"),
            };
        }
        ("data", _) => {
            return match s.and_then(|s| same_data(g, s)) {
                Some(true) if Some(g) == s => Verdict::Equal,
                Some(true) => Verdict::Deliberate(Deliberate::DataPadding),
                _ => mismatch("binary data"),
            };
        }
        ("timestamp", 4 | 11) | ("eta", 5) => return compare_time(key, g, s, sobj),
        _ => {}
    }

    // Entries a short payload cuts off: gpsd reads past the end.
    if let Some(end) = entry_end(t, key) {
        if end > raw.len() {
            let sv = s.and_then(Value::as_u64);
            return if sv.is_none() || sv == Some(0) {
                if g.as_u64() == Some(0) {
                    Verdict::Equal
                } else {
                    Verdict::Deliberate(Deliberate::TruncatedEntry)
                }
            } else {
                mismatch("truncated entry")
            };
        }
    }

    let Some(s) = s else {
        return match not_available(t, key, g, gobj) {
            Some(why) => Verdict::Omitted(why),
            None => mismatch("seawarden omits it"),
        };
    };
    if key.ends_with("_text") {
        let (a, b) = (g.as_str().unwrap_or(""), s.as_str().unwrap_or(""));
        return if legend(a) == legend(b) {
            Verdict::Equal
        } else if legend_difference(key, legend_code(key, gobj), a, b) {
            Verdict::Deliberate(Deliberate::Legend)
        } else {
            mismatch("legend")
        };
    }
    compare_values(key, t, g, s)
}

/// Plain comparison: numbers within the printed precision, the rest exactly.
fn compare_values(key: &str, t: u64, g: &Value, s: &Value) -> Verdict {
    match (g, s) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            // gpsd prints 1/10000-minute positions with 6 decimals, 1/10-minute
            // ones (types 17, 27) with 1; everything else exactly as decoded.
            let tol = match (key, t) {
                ("lat" | "lon", 17 | 27) => 0.05,
                ("lat" | "lon", _) => 0.5e-6,
                _ => 1e-6,
            };
            if close(a, b, tol) {
                Verdict::Equal
            } else {
                Verdict::Mismatch("value".into())
            }
        }
        _ if g == s => Verdict::Equal,
        _ => Verdict::Mismatch("value".into()),
    }
}

/// A type 4/11 `timestamp` or type 5 `eta`: equal strings, or Seawarden
/// omits the string and every part is either equal to its separate member
/// or not available / out of range.
fn compare_time(key: &str, g: &Value, s: Option<&Value>, sobj: &Obj) -> Verdict {
    if s.is_some() {
        return if Some(g) == s { Verdict::Equal } else { Verdict::Mismatch("time".into()) };
    }
    let text = g.as_str().unwrap_or("");
    let nums: Vec<u64> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    // (member, valid range) per part.
    let parts: &[(&str, u64, u64)] = if key == "eta" {
        &[("eta_month", 1, 12), ("eta_day", 1, 31), ("eta_hour", 0, 23), ("eta_minute", 0, 59)]
    } else {
        &[("year", 1, 9999), ("month", 1, 12), ("day", 1, 31), ("hour", 0, 23), ("minute", 0, 59), ("second", 0, 59)]
    };
    if nums.len() != parts.len() {
        return Verdict::Mismatch("time format".into());
    }
    let mut missing = false;
    for (&v, &(member, lo, hi)) in nums.iter().zip(parts) {
        match sobj.get(member).and_then(Value::as_u64) {
            Some(x) if x == v => {}
            None if v < lo || v > hi => missing = true,
            // Seawarden keeps ETA months 13-15 and days beyond 31 as sent (not
            // "not available" values); only the string is omitted then.
            _ => return Verdict::Mismatch(format!("time part {member}")),
        }
    }
    if missing {
        Verdict::Deliberate(Deliberate::PartialTime)
    } else {
        Verdict::Mismatch("time string omitted".into())
    }
}

/// Last bit (exclusive) of entries that short payloads may cut off.
fn entry_end(t: u64, key: &str) -> Option<usize> {
    let digit = key.chars().last()?.to_digit(10)? as usize;
    // An entry is complete when all of its bits are present: an acknowledged
    // station (30-bit MMSI; the 2-bit sequence number may be padding), a
    // request (type 15), a reservation (type 20).
    match (t, key.trim_end_matches(char::is_numeric)) {
        (7 | 13, "mmsi" | "seqno") => Some(40 + 32 * (digit - 1) + 30),
        (15, _) => match key {
            "type1_2" | "offset1_2" => Some(108),
            "mmsi2" | "type2_1" | "offset2_1" => Some(158),
            _ => None,
        },
        (20, "offset" | "number" | "timeout" | "increment") => Some(40 + 30 * digit),
        _ => None,
    }
}

/// Members of the binary applications both decoders decode.
fn compare_app(dac: u64, fid: u64, key: &str, g: &Value, sobj: &Obj, raw: &[u8]) -> Verdict {
    let s = sobj.get(key);
    match (dac, fid, key) {
        // The FI 11 ice field (application bits 288-289, message bits
        // 344-345) is missing from stations that send the message 8 bits short.
        (1, 11, "ice" | "ice_text") if raw.len() < 346 => {
            return if s.is_none() { Verdict::Deliberate(Deliberate::TruncatedEntry) } else { Verdict::Mismatch("ice".into()) };
        }
        (1, 11, "pressuretend" | "leveltrend") if g.as_str() != Some("N/A") => {
            // gpsd: 0 steady, 1 increasing, 2 decreasing, 3 N/A.
            const GPSD: [&str; 4] = ["steady", "increasing", "decreasing", "N/A"];
            let code = s.and_then(Value::as_u64);
            return match code {
                Some(c) if GPSD.get(c as usize) == g.as_str().as_ref() => {
                    if matches!(c, 1 | 2) {
                        Verdict::Deliberate(Deliberate::TendencyLegend)
                    } else {
                        Verdict::Equal
                    }
                }
                _ => Verdict::Mismatch("tendency".into()),
            };
        }
        (1, 11, "lat" | "lon") => {
            // gpsd prints 4 decimals of a 1/1000-minute position.
            return match (num(Some(g)), num(s)) {
                (Some(a), Some(b)) if close(a, b, 0.5e-4 + 0.5e-6) => Verdict::Equal,
                (Some(_), None) if app_not_available(dac, fid, key, g).is_some() => Verdict::Omitted("met/hydro position"),
                _ => Verdict::Mismatch("met/hydro position".into()),
            };
        }
        (200, 10, "length" | "beam" | "draught") if s.is_some() => {
            let scale = if key == "draught" { 100.0 } else { 10.0 };
            return match (num(Some(g)), num(s)) {
                (Some(a), Some(b)) if close(a, b * scale, 1e-6) => Verdict::Deliberate(Deliberate::InlandUnits),
                _ => Verdict::Mismatch("inland dimension".into()),
            };
        }
        _ => {}
    }
    let Some(s) = s else {
        return match app_not_available(dac, fid, key, g) {
            Some(why) => Verdict::Omitted(why),
            None => Verdict::Mismatch("seawarden omits it".into()),
        };
    };
    if key.ends_with("_text") {
        let (a, b) = (g.as_str().unwrap_or(""), s.as_str().unwrap_or(""));
        return if legend(a) == legend(b) {
            Verdict::Equal
        } else if legend_difference(key, legend_code(key, sobj), a, b) {
            Verdict::Deliberate(Deliberate::Legend)
        } else {
            Verdict::Mismatch("legend".into())
        };
    }
    compare_values(key, 8, g, s)
}

// ---------------------------------------------------------------------------
// Unmatched messages

/// Why a message is printed by one decoder only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Unmatched {
    /// gpsd only: the payload is longer than the type's ITU-R M.1371-5
    /// layout (plus padding); gpsd's length checks are permissive, Seawarden
    /// rejects it (`payload_too_long`), e.g. GFW's type1-bad-bitcount.nmea.
    OverlongPayload,
    /// Seawarden only: the talker id is not one gpsd's lexer accepts (`!WSVDM`, `!BYVDM`, ...).
    GpsdTalker,
    /// Seawarden only: channel C/D or another code gpsd drops.
    GpsdChannel,
    /// Seawarden only: fragments interleaved with another multi-part message
    /// on the same channel (or spread over channels); gpsd's one-context-per-
    /// channel assembler loses them, Seawarden groups by sequence id.
    GpsdInterleaved,
    /// Seawarden only: type 27 whose length is not 96 or 168 bits (gpsd accepts only those).
    GpsdType27Length,
    /// Seawarden only: type 24 part B shorter than 168 bits (gpsd requires 168).
    GpsdType24Length,
}

/// Nominal payload lengths of ITU-R M.1371-5 (maximum, in bits) per type.
const ITU_MAX_BITS: [usize; 28] =
    [0, 168, 168, 168, 168, 424, 1008, 168, 1008, 168, 72, 168, 1008, 168, 1008, 160, 144, 816, 168, 312, 160, 360, 168, 160, 168, 168, 1064, 96];

fn explain_gpsd_only(c: &Candidate, sents: &[Sentence], rejects: &HashMap<String, String>) -> Option<Unmatched> {
    let last = &sents[c.span().1];
    let reason = rejects.get(&last.text).map(String::as_str);
    let t = c.msg_type as usize;
    match reason {
        Some("payload_too_long") if t < ITU_MAX_BITS.len() && c.bits.len() > ITU_MAX_BITS[t] => Some(Unmatched::OverlongPayload),
        _ => None,
    }
}

/// A talker or channel gpsd drops before decoding.
fn gpsd_never_sees(c: &Candidate, sents: &[Sentence]) -> Option<Unmatched> {
    let ss = || c.sentences.iter().map(|&i| &sents[i]);
    if ss().any(|s| !GPSD_TALKERS.contains(&s.talker.as_str())) {
        return Some(Unmatched::GpsdTalker);
    }
    if ss().any(|s| gpsd_context(&s.channel).is_none()) {
        return Some(Unmatched::GpsdChannel);
    }
    None
}

fn explain_seawarden_only(c: &Candidate, sents: &[Sentence], gpsd_spans: &HashMap<(usize, usize), usize>) -> Option<Unmatched> {
    if let Some(r) = gpsd_never_sees(c, sents) {
        return Some(r);
    }
    let ss: Vec<&Sentence> = c.sentences.iter().map(|&i| &sents[i]).collect();
    if !gpsd_spans.contains_key(&c.span()) {
        // gpsd never assembled these sentences into one message: check that
        // they were indeed not consecutive fragments on one gpsd context.
        let ctx = gpsd_context(&ss[0].channel);
        let interleaved = ss.iter().any(|s| gpsd_context(&s.channel) != ctx)
            || sents[c.span().0..=c.span().1]
                .iter()
                .enumerate()
                .any(|(k, s)| !c.sentences.contains(&(c.span().0 + k)) && s.checksum_ok && gpsd_context(&s.channel) == ctx && s.total > 1);
        return interleaved.then_some(Unmatched::GpsdInterleaved);
    }
    let bits = c.bits.len();
    match c.msg_type {
        27 if bits != 96 && bits != 168 => Some(Unmatched::GpsdType27Length),
        24 if ubits(&c.bits, 38, 2) == 1 && bits < 168 => Some(Unmatched::GpsdType24Length),
        _ => None,
    }
}

/// Totals over all logs of the messages one decoder only prints, by reason.
/// A change here means a decoder changed: check the new cases, then update.
const EXPECTED_UNMATCHED: &[(&str, usize)] = &[("GpsdChannel", 67), ("GpsdTalker", 1870), ("GpsdType27Length", 2), ("OverlongPayload", 34)];

/// Type 24 parts Seawarden prints that gpsd's merge (see [`merge_type24`])
/// leaves unprinted, over all logs.
const EXPECTED_TYPE24_UNPAIRED: usize = 371;

// ---------------------------------------------------------------------------
// The test

#[derive(Default)]
struct Summary {
    messages: usize,
    fields: usize,
    equal: usize,
    omitted: BTreeMap<&'static str, usize>,
    deliberate: BTreeMap<Deliberate, usize>,
    unmatched: BTreeMap<String, usize>,
    type24_unpaired: usize,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.messages += o.messages;
        self.fields += o.fields;
        self.equal += o.equal;
        self.type24_unpaired += o.type24_unpaired;
        for (k, v) in &o.omitted {
            *self.omitted.entry(k).or_default() += v;
        }
        for (k, v) in &o.deliberate {
            *self.deliberate.entry(*k).or_default() += v;
        }
        for (k, v) in &o.unmatched {
            *self.unmatched.entry(k.clone()).or_default() += v;
        }
    }
}

fn gpsdecode_available() -> bool {
    Command::new("gpsdecode").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn seawarden_agrees_with_gpsd() {
    if !gpsdecode_available() {
        if std::env::var("SEAWARDEN_REQUIRE_GPSD").as_deref() == Ok("1") {
            panic!("gpsdecode (gpsd 3.22, Debian package gpsd-clients) is not installed and SEAWARDEN_REQUIRE_GPSD=1");
        }
        eprintln!(
            "\n\n!!!!!!!! SKIPPED: the differential test needs gpsd's gpsdecode (Debian package gpsd-clients).\n\
             !!!!!!!! Install it with: apt-get install gpsd-clients (.ci/run does).\n\n"
        );
        return;
    }
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gpsd_differential");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let root = data_dir();
    let files = logs();
    assert!(files.len() >= 40, "expected the AIS logs under {}, found {}", root.display(), files.len());

    let mut total = Summary::default();
    let mut failures: Vec<String> = Vec::new();
    let mut failure_count = 0usize;
    let mut report = String::new();
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let sents = extract(&read_log(path));
        let input = tmp.join("input.nmea");
        let mut text = String::new();
        for s in &sents {
            text.push_str(&s.text);
            text.push_str("\r\n");
        }
        std::fs::write(&input, &text).expect("write input");
        let out = run_decoders(&input);

        let gc = gpsd_candidates(&sents);
        let sc = seawarden_candidates(&sents);
        let printed = gpsd_prints(&gc, &sents);
        let g_att = attribute(&out.gpsd, &gc, |q| printed[q]);
        // Seawarden's own rejections (by the text of the message's last sentence).
        let s_att = attribute(&out.seawarden, &sc, |q| {
            !matches!(
                out.rejects.get(&sents[sc[q].span().1].text).map(String::as_str),
                Some("payload_too_long" | "payload_too_short" | "unknown_type" | "bad_fill_bits" | "bad_payload_character")
            )
        });
        let mut hidden = BTreeMap::new();
        let (sw, unpaired) = merge_type24(
            out.seawarden,
            s_att,
            |c| gpsd_context(&sents[sc[c].span().1].channel),
            |c| gpsd_never_sees(&sc[c], &sents),
            &mut hidden,
        );

        let mut sum = Summary { type24_unpaired: unpaired, unmatched: hidden, ..Summary::default() };
        let mut fail = |failures: &mut Vec<String>, msg: String| {
            failure_count += 1;
            if failures.len() < 200 {
                failures.push(msg);
            }
        };
        for (i, a) in g_att.iter().enumerate() {
            if a.is_none() {
                fail(&mut failures, format!("{name}: gpsd message #{i} matches no candidate sentence: {:?}", out.gpsd[i]));
            }
        }
        for (i, m) in sw.iter().enumerate() {
            if m.cand.is_none() {
                fail(&mut failures, format!("{name}: seawarden message #{i} matches no candidate sentence: {:?}", m.obj));
            }
        }

        // Pair by the sentences the message was built from.
        let mut by_span: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (i, m) in sw.iter().enumerate() {
            if let Some(c) = m.cand {
                by_span.entry(sc[c].span()).or_default().push(i);
            }
        }
        let gpsd_spans: HashMap<(usize, usize), usize> = gc.iter().enumerate().map(|(i, c)| (c.span(), i)).collect();
        let mut s_used = vec![false; sw.len()];
        for (gi, gobj) in out.gpsd.iter().enumerate() {
            let Some(c) = g_att[gi] else { continue };
            let cand = &gc[c];
            let si = by_span.get(&cand.span()).and_then(|v| v.iter().copied().find(|&i| !s_used[i] && uint(&sw[i].obj, "type") == cand.msg_type));
            let Some(si) = si else {
                match explain_gpsd_only(cand, &sents, &out.rejects) {
                    Some(r) => *sum.unmatched.entry(format!("{r:?}")).or_default() += 1,
                    None => {
                        let s = &sents[cand.span().1];
                        fail(
                            &mut failures,
                            format!(
                                "{name}:{}: gpsd decodes a type {} from MMSI {} ({} bits) that seawarden does not print (seawarden: {}): {}",
                                s.line,
                                cand.msg_type,
                                cand.mmsi,
                                cand.bits.len(),
                                out.rejects.get(&s.text).map_or("not rejected", String::as_str),
                                s.text
                            ),
                        )
                    }
                }
                continue;
            };
            s_used[si] = true;
            let sobj = &sw[si].obj;
            sum.messages += 1;
            for key in gobj.keys() {
                if key == "class" || key == "device" {
                    continue;
                }
                sum.fields += 1;
                match compare(key, gobj, sobj, &cand.bits) {
                    Verdict::Equal => sum.equal += 1,
                    Verdict::Omitted(why) => *sum.omitted.entry(why).or_default() += 1,
                    Verdict::Deliberate(d) => *sum.deliberate.entry(d).or_default() += 1,
                    Verdict::Mismatch(why) => {
                        let s = &sents[cand.span().1];
                        fail(
                            &mut failures,
                            format!(
                                "{name}:{}: type {} MMSI {}: field `{key}` disagrees ({why}): gpsd {} vs seawarden {}\n    sentence: {}",
                                s.line,
                                cand.msg_type,
                                cand.mmsi,
                                gobj[key],
                                sobj.get(key).map_or("(omitted)".to_string(), Value::to_string),
                                s.text
                            ),
                        );
                    }
                }
            }
        }
        for (si, m) in sw.iter().enumerate() {
            if s_used[si] {
                continue;
            }
            let Some(c) = m.cand else { continue };
            let parts = [Some(c), m.part_a];
            let reason = parts.iter().flatten().find_map(|&k| explain_seawarden_only(&sc[k], &sents, &gpsd_spans));
            match reason {
                Some(r) => *sum.unmatched.entry(format!("{r:?}")).or_default() += 1,
                None => {
                    let s = &sents[sc[c].span().1];
                    fail(
                        &mut failures,
                        format!(
                            "{name}:{}: seawarden decodes a type {} from MMSI {} ({} bits) that gpsd does not print: {}",
                            s.line,
                            sc[c].msg_type,
                            sc[c].mmsi,
                            sc[c].bits.len(),
                            s.text
                        ),
                    )
                }
            }
        }

        let _ = write!(report, "{name}: {} sentences, {} messages compared, {} fields compared", sents.len(), sum.messages, sum.fields);
        let omitted: usize = sum.omitted.values().sum();
        let _ = write!(report, "; {} equal, {omitted} omitted as not available", sum.equal);
        if !sum.deliberate.is_empty() {
            let _ = write!(report, "; deliberate: {:?}", sum.deliberate);
        }
        if !sum.unmatched.is_empty() {
            let _ = write!(report, "; one side only: {:?}", sum.unmatched);
        }
        if sum.type24_unpaired > 0 {
            let _ = write!(report, "; unpaired type 24 parts: {}", sum.type24_unpaired);
        }
        report.push('\n');
        total.add(&sum);
    }

    println!("{report}");
    println!(
        "TOTAL: {} files, {} messages compared, {} fields compared: {} equal, {} omitted as not available, {} deliberate differences",
        files.len(),
        total.messages,
        total.fields,
        total.equal,
        total.omitted.values().sum::<usize>(),
        total.deliberate.values().sum::<usize>()
    );
    println!("omitted (not available) by reason: {:#?}", total.omitted);
    println!("deliberate differences by reason: {:#?}", total.deliberate);
    println!("messages printed by one decoder only: {:#?}", total.unmatched);
    println!("type 24 parts left unpaired by gpsd's merge: {}", total.type24_unpaired);

    assert!(failures.is_empty(), "{failure_count} disagreement(s) with gpsd (first {} shown):\n{}", failures.len(), failures.join("\n"));
    let expected: BTreeMap<String, usize> = EXPECTED_UNMATCHED.iter().map(|&(k, v)| (k.to_string(), v)).collect();
    assert_eq!(total.unmatched, expected, "messages printed by one decoder only changed: check the new cases, then update EXPECTED_UNMATCHED");
    assert_eq!(total.type24_unpaired, EXPECTED_TYPE24_UNPAIRED, "type 24 parts left unpaired changed: check, then update EXPECTED_TYPE24_UNPAIRED");
    assert!(total.messages > 50_000 && total.fields > 500_000, "too little compared: {} messages, {} fields", total.messages, total.fields);
}
