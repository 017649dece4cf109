//! Replays the fuzzing corpus in the normal test suite, and checks that the
//! memory held for incomplete multi-part messages stays bounded.
//!
//! Every file of `fuzz/corpus-seed/<target>/` and `fuzz/regressions/<target>/`
//! (at the repository root) goes through the same checks as the libFuzzer
//! target of that name: the checks are `fuzz/src/checks.rs`, included here
//! as a module, so the two cannot drift apart. See `fuzz/README.md`.

#[path = "../../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use seawarden_ais::assemble::AssemblyLimits;
use seawarden_ais::{Decoder, DecoderConfig, Event, RejectReason, Stats};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none if the folder is absent).
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = entries.map(|e| e.expect("directory entry").path()).filter(|p| p.is_file()).collect();
    v.sort();
    v
}

/// Runs `check` on every seed and regression file of `target`, and fails
/// listing every file that panicked. Returns how many seed files there were.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let seeds = files("corpus-seed", target);
    let regressions = files("regressions", target);
    let mut failed = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(format!("{} (hex {})", path.display(), hex(&data)));
        }
    }
    assert!(failed.is_empty(), "{} of {} `{target}` inputs failed the fuzz checks:\n{}", failed.len(), seeds.len() + regressions.len(), failed.join("\n"));
    seeds.len()
}

fn hex(data: &[u8]) -> String {
    let shown: String = data.iter().take(200).map(|b| format!("{b:02x}")).collect();
    if data.len() > 200 {
        shown + "..."
    } else {
        shown
    }
}

#[test]
fn decode_lines_corpus_replays_cleanly() {
    let seeds = replay("decode_lines", checks::check_lines);
    assert!(seeds >= 100, "only {seeds} seed files found under {}", fuzz_dir().display());
}

#[test]
fn payload_corpus_replays_cleanly() {
    let seeds = replay("payload", checks::check_payload);
    assert!(seeds >= 100, "only {seeds} seed files found under {}", fuzz_dir().display());
}

/// The checks themselves catch what they should (so a replay that passes
/// means something).
#[test]
fn checks_reject_broken_accounting_and_json() {
    let good = checks::check_lines_with(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30\n\n$GPGGA,x", DecoderConfig::default());
    assert_eq!((good.lines, good.ais_lines, good.blank, good.non_ais, good.messages()), (3, 1, 1, 1, 1));
    let broken = Stats { lines: 1, ..Stats::default() };
    assert!(catch_unwind(|| checks::check_stats(&broken)).is_err());
    assert_eq!(checks::fix_checksums(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*00").as_deref(), Some(&b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30"[..]));
    assert_eq!(checks::fix_checksums(b"\\s:x,c:1*00\\!AIVDM,1,1,,A,0,0*00").as_deref(), Some(&b"\\s:x,c:1*75\\!AIVDM,1,1,,A,0,0*16"[..]));
}

fn xor(b: &[u8]) -> u8 {
    b.iter().fold(0, |a, &c| a ^ c)
}

/// `!AIVDM,<total>,<number>,<seq>,A,<payload>,0*hh`, checksum right.
fn sentence(total: u8, number: u8, seq: &str, payload: &str, fill: u8) -> String {
    let body = format!("AIVDM,{total},{number},{seq},A,{payload},{fill}");
    format!("!{body}*{:02X}", xor(body.as_bytes()))
}

/// A tag block `\<fields>*hh\`, checksum right.
fn tag(fields: &str) -> String {
    format!("\\{fields}*{:02X}\\", xor(fields.as_bytes()))
}

/// First fragment of a real two-part type 5 (its second part never comes).
const PART1: &str = "58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T";

/// Feeds `lines`, checking after each that the accounting holds, that no
/// more than `max_pending` sentences are held, and that every sentence is
/// either pending or counted as an orphan (nothing else happens to them).
/// Returns the stats after `finish`.
fn feed_never_completed(config: DecoderConfig, lines: impl Iterator<Item = String>, max_pending: u64) -> Stats {
    let mut d = Decoder::with_config(config);
    let mut orphan_events = 0u64;
    let mut sink = |e: Event<'_>| match e {
        Event::Rejected { reason: RejectReason::OrphanFragment, count, line: None } => orphan_events += count,
        other => panic!("unexpected event {other:?}"),
    };
    let mut peak = 0;
    for line in lines {
        d.feed(line.as_bytes(), &mut sink);
        let s = d.stats();
        checks::check_stats(s);
        assert_eq!(s.sentences, s.pending + s.rejected(RejectReason::OrphanFragment), "{s:?}");
        assert!(s.pending <= max_pending, "{} sentences pending, bound {max_pending}", s.pending);
        peak = peak.max(s.pending);
    }
    let before_finish = d.stats().clone();
    d.finish(&mut sink);
    let s = d.stats().clone();
    checks::check_stats(&s);
    assert_eq!(s.pending, 0);
    assert_eq!(s.rejected(RejectReason::OrphanFragment), s.sentences, "every fragment ends up an orphan: {s:?}");
    assert_eq!(s.rejected(RejectReason::OrphanFragment), before_finish.rejected(RejectReason::OrphanFragment) + before_finish.pending);
    assert_eq!(orphan_events, s.sentences, "orphan events vs stats");
    assert_eq!(s.messages(), 0);
    assert!(peak > 0);
    s
}

/// 200,000 first fragments of distinct two-part messages (tag-block groups
/// `g:1-2-N`), never completed: with the default limits at most 256 groups
/// are held, the rest are evicted and counted as orphans.
#[test]
fn pending_stays_bounded_for_200k_distinct_tag_block_groups() {
    const N: u32 = 200_000;
    let lines = (0..N).map(|id| format!("{}{}", tag(&format!("g:1-2-{id}")), sentence(2, 1, "", PART1, 0)));
    let s = feed_never_completed(DecoderConfig::default(), lines, 256);
    assert_eq!(s.sentences, N as u64);
    assert_eq!(s.ais_lines, N as u64);
    // The bound is reached, not just respected: after 300 groups, the 256
    // most recent are held and 44 were evicted.
    let mut d = Decoder::new();
    for id in 0..300u32 {
        d.feed(format!("{}{}", tag(&format!("g:1-2-{id}")), sentence(2, 1, "", PART1, 0)).as_bytes(), &mut |_| {});
    }
    assert_eq!(d.stats().pending, 256);
    assert_eq!(d.stats().rejected(RejectReason::OrphanFragment), 300 - 256);
}

/// The same without tag blocks: groups told apart by receiving station
/// (USCG trailing `r<station>` field), sequence id and channel.
#[test]
fn pending_stays_bounded_for_distinct_stations() {
    const N: u32 = 50_000;
    let lines = (0..N).map(|i| format!("{},r{i:09},1325394060", sentence(2, 1, &(i % 10).to_string(), PART1, 0)));
    let s = feed_never_completed(DecoderConfig::default(), lines, 256);
    assert_eq!(s.sentences, N as u64);
}

/// Nine-part messages missing their last part: each group holds eight
/// sentences, so at most 256 × 8 are pending.
#[test]
fn pending_stays_bounded_for_nine_part_groups() {
    const GROUPS: u32 = 20_000;
    let lines = (0..GROUPS).flat_map(|id| (1..=8u8).map(move |n| format!("{}{}", tag(&format!("g:{n}-9-{id}")), sentence(9, n, "", "0000000000", 0))));
    let s = feed_never_completed(DecoderConfig::default(), lines, 256 * 8);
    assert_eq!(s.sentences, GROUPS as u64 * 8);
}

/// With room for many groups, the line timeout bounds what is held instead.
#[test]
fn pending_stays_bounded_by_line_timeout() {
    let config = DecoderConfig { assembly: AssemblyLimits { max_groups: 1 << 20, timeout_lines: 500, ..AssemblyLimits::default() } };
    let lines = (0..20_000u32).map(|id| format!("{}{}", tag(&format!("g:1-2-{id}")), sentence(2, 1, "", PART1, 0)));
    feed_never_completed(config, lines, 501);
}

/// And receive times bound it too: with a minute between fragments, each new
/// group finds the previous one expired.
#[test]
fn pending_stays_bounded_by_receive_time() {
    let t0 = 1_600_000_000i64;
    let lines = (0..5_000i64).map(|i| format!("{}{}", tag(&format!("g:1-2-{i},c:{}", t0 + 61 * i)), sentence(2, 1, "", PART1, 0)));
    feed_never_completed(DecoderConfig::default(), lines, 1);
}
