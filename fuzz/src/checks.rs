//! The checks of the fuzz targets, shared with the corpus replay test.
//!
//! This file is compiled twice: as a module of the `seawarden-ais-fuzz` crate
//! (the libFuzzer targets in `fuzz/fuzz_targets/`), and by
//! `crates/seawarden-ais/tests/fuzz_corpus.rs` through `#[path]`, so that
//! `cargo test` replays `fuzz/corpus-seed/` and `fuzz/regressions/` through
//! exactly the same assertions. It may only use `seawarden_ais`, `serde_json`
//! and `std`.

use seawarden_ais::assemble::AssemblyLimits;
use seawarden_ais::{gpsd_json, AisMessage, Decoded, Decoder, DecoderConfig, Event, Meta, Payload, RejectReason, Source, Stats};

/// The two conservation laws of [`Stats`].
pub fn check_stats(s: &Stats) {
    assert_eq!(s.lines, s.blank + s.non_ais + s.wrappers + s.ais_lines, "line accounting broken: {s:?}");
    assert_eq!(s.sentences, s.decoded_sentences + s.rejected_total() + s.pending, "sentence accounting broken: {s:?}");
    assert!(s.bad_wrappers <= s.wrappers, "{s:?}");
}

/// Decoder settings every line input is run with: the default ones, and tight
/// limits that make eviction and expiry happen on small inputs.
pub fn configs() -> [DecoderConfig; 2] {
    [
        DecoderConfig::default(),
        DecoderConfig { assembly: AssemblyLimits { max_groups: 2, timeout_lines: 3, timeout_ms: 1_000 } },
    ]
}

/// The `decode_lines` target: `data` split into lines on `\n`, as is and with
/// every `*hh` checksum recomputed (so that the fuzzer gets past checksums),
/// each fed to fresh decoders (default and tight assembly limits).
pub fn check_lines(data: &[u8]) {
    let [default, tight] = configs();
    check_lines_with(data, default);
    if let Some(fixed) = fix_checksums(data) {
        check_lines_with(&fixed, default);
        check_lines_with(&fixed, tight);
    } else {
        check_lines_with(data, tight);
    }
}

/// Feeds `data` line by line to one decoder with `config`, then finishes it,
/// checking after every line: the stats invariants, bounded pending
/// fragments, and that events and counters agree; for every message: valid
/// gpsd JSON and `decode(encode(m)) == m`; after `finish`: nothing pending.
/// Returns the final stats.
pub fn check_lines_with(data: &[u8], config: DecoderConfig) -> Stats {
    let mut decoder = Decoder::with_config(config);
    let max_pending = config.assembly.max_groups.max(1) as u64 * 8;
    let mut messages = 0u64;
    let mut rejected = [0u64; RejectReason::ALL.len()];
    let mut json = Vec::new();
    let mut fed = 0u64;
    {
        let mut sink = |e: Event<'_>| match e {
            Event::Message(d) => {
                messages += 1;
                check_decoded(d, &mut json);
            }
            Event::Rejected { reason, count, line } => {
                assert!(count > 0, "rejection of zero sentences ({reason})");
                assert_eq!(reason == RejectReason::OrphanFragment, line.is_none(), "{reason}: line {line:?}");
                rejected[reason_index(reason)] += count;
            }
        };
        for line in data.split(|&c| c == b'\n') {
            decoder.feed(line, &mut sink);
            fed += 1;
            let s = decoder.stats();
            check_stats(s);
            assert_eq!(s.lines, fed);
            assert!(s.pending <= max_pending, "{} sentences pending with max_groups {}", s.pending, config.assembly.max_groups);
        }
        decoder.finish(&mut sink);
    }
    let s = decoder.stats().clone();
    check_stats(&s);
    assert_eq!(s.pending, 0, "fragments still pending after finish: {s:?}");
    assert_eq!(messages, s.messages(), "message events vs stats: {s:?}");
    assert_eq!(messages, s.messages_by_type.iter().sum::<u64>());
    assert_eq!(s.messages_by_type[0], 0, "type 0 counted as decoded");
    for r in RejectReason::ALL {
        assert_eq!(rejected[reason_index(r)], s.rejected(r), "rejection events vs stats for {r}: {s:?}");
    }
    assert!(s.decoded_sentences >= s.messages());
    s
}

fn reason_index(r: RejectReason) -> usize {
    RejectReason::ALL.iter().position(|&x| x == r).expect("reason listed in ALL")
}

/// Checks one decoded message: header consistency, gpsd JSON, re-encoding.
pub fn check_decoded(d: &Decoded, json: &mut Vec<u8>) {
    let m = &d.message;
    assert!((1..=27).contains(&m.msg_type()), "{m:?}");
    assert!(m.mmsi() < 1 << 30);
    assert_eq!(m.header().msg_type, m.msg_type());
    if let Some(fix) = m.position() {
        assert!(fix.lat.is_finite() && fix.lon.is_finite(), "{fix:?}");
    }
    check_json(d, json);
    check_roundtrip(m);
}

/// `gpsd_json` writes one JSON object that serde_json parses, with no
/// duplicate keys, and whose `class`, `type` and `mmsi` are right.
pub fn check_json(d: &Decoded, out: &mut Vec<u8>) {
    out.clear();
    gpsd_json(d, out);
    let text = String::from_utf8_lossy(out);
    let v: serde_json::Value = serde_json::from_slice(out).unwrap_or_else(|e| panic!("invalid JSON ({e}): {text}"));
    let obj = v.as_object().unwrap_or_else(|| panic!("not an object: {text}"));
    assert_eq!(obj.get("class").and_then(|v| v.as_str()), Some("AIS"), "{text}");
    assert_eq!(obj.get("type").and_then(|v| v.as_u64()), Some(d.message.msg_type() as u64), "{text}");
    assert_eq!(obj.get("mmsi").and_then(|v| v.as_u64()), Some(d.message.mmsi() as u64), "{text}");
    assert_eq!(count_keys(&v), count_raw_keys(out), "duplicate keys in {text}");
}

/// Keys of every object in a parsed value (duplicates already merged).
fn count_keys(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => m.len() + m.values().map(count_keys).sum::<usize>(),
        serde_json::Value::Array(a) => a.iter().map(count_keys).sum(),
        _ => 0,
    }
}

/// Keys written in JSON text (a key is a string right after `{` or after a
/// `,` inside an object). The text is known to be valid JSON.
fn count_raw_keys(text: &[u8]) -> usize {
    let mut keys = 0;
    let mut stack: Vec<u8> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                if expect_key {
                    keys += 1;
                    expect_key = false;
                }
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            c @ (b'{' | b'[') => {
                stack.push(c);
                expect_key = c == b'{';
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => expect_key = stack.last() == Some(&b'{'),
            _ => {}
        }
        i += 1;
    }
    keys
}

/// For the types with an encoder: `decode(encode(m)) == m`.
pub fn check_roundtrip(m: &AisMessage) {
    let Some(p) = m.encode() else { return };
    let back = AisMessage::decode(&p).unwrap_or_else(|e| panic!("re-encoded message does not decode ({e:?}): {m:?} -> {p:?}"));
    assert_eq!(&back, m, "decode(encode(m)) != m; encoded {p:?}");
}

/// A message to decode over, to check that `decode_into` leaves nothing of
/// the previous message behind (and nothing changed on error).
fn previous_message() -> AisMessage {
    let p = Payload::from_armored(b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880", 2).expect("valid payload");
    AisMessage::decode(&p).expect("valid type 5")
}

/// The `payload` target: `data[0] - '0'` (wrapping) is the fill-bit count,
/// `data[1..]` the armored characters. Checks unpacking (length, re-armoring),
/// decoding (in place or not, same result), gpsd JSON and re-encoding.
pub fn check_payload(data: &[u8]) {
    let Some((&f, armored)) = data.split_first() else { return };
    let fill = f.wrapping_sub(b'0');
    let p = match Payload::from_armored(armored, fill) {
        Ok(p) => p,
        Err(_) => return,
    };
    assert!(fill <= 5);
    assert_eq!(p.len(), armored.len() * 6 - fill as usize);
    let (rearmored, refill) = p.to_armored();
    let again = Payload::from_armored(rearmored.as_bytes(), refill).expect("re-armored payload unpacks");
    assert_eq!(again, p);
    assert_eq!(again.hash64(), p.hash64());

    let decoded = AisMessage::decode(&p);
    let mut reused = previous_message();
    let before = reused.clone();
    let in_place = reused.decode_into(&p);
    assert_eq!(in_place.is_ok(), decoded.is_ok());
    let Ok(m) = decoded else {
        assert_eq!(reused, before, "decode_into changed the message on error");
        return;
    };
    assert_eq!(reused, m, "decode_into differs from decode");
    assert_eq!(m.msg_type() as u64, p.bits(0, 6));
    assert_eq!(m.mmsi() as u64, p.bits(8, 30));
    let mut json = Vec::new();
    check_decoded(&Decoded { message: m.clone(), meta: Meta::default() }, &mut json);
    // The metadata fields gpsd_json prints, including characters to escape.
    let meta = Meta {
        rx_time_ms: Some(p.hash64() as i64 >> (p.len() % 64)),
        source: Some(Source::new(&armored[..armored.len().min(Source::CAPACITY)])),
        channel: armored.first().copied().unwrap_or(b'A'),
        talker: *b"AI",
        own_ship: false,
        fragments: 1,
        payload_hash: p.hash64(),
    };
    check_json(&Decoded { message: m, meta }, &mut json);
}

/// The input with every `*hh` checksum rewritten to match the characters
/// since the last `!`, `$` or `\` (sentences, `$PGHP` headers, tag blocks);
/// `None` if nothing changed.
pub fn fix_checksums(data: &[u8]) -> Option<Vec<u8>> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = data.to_vec();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < out.len() {
        match out[i] {
            b'!' | b'$' | b'\\' => start = Some(i + 1),
            b'\n' => start = None,
            b'*' => {
                if let Some(s) = start.take() {
                    if i + 2 < out.len() && out[i + 1] != b'\n' && out[i + 2] != b'\n' {
                        let sum = out[s..i].iter().fold(0u8, |a, &b| a ^ b);
                        out[i + 1] = HEX[(sum >> 4) as usize];
                        out[i + 2] = HEX[(sum & 15) as usize];
                        i += 2;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    (out != data).then_some(out)
}
