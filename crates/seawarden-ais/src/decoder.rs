//! The streaming decoder: raw lines in, messages and counted rejections out.
//!
//! It understands AIS as real feeds deliver it:
//! - `!xxVDM` / `!xxVDO` sentences with any talker, checksums checked;
//! - NMEA 4.0 tag blocks (`\s:..,c:..,g:..*hh\`), before a sentence or on a line
//!   of their own;
//! - Gatehouse `$PGHP` headers, leading (`1452468574.2 !AIVDM...`) and trailing
//!   (`...*hh,1541030400`) receive times, USCG trailing fields, and CSV columns
//!   holding the sentence and a time;
//! - several sentences on one line;
//! - multi-part messages, interleaved, with bounded memory ([`crate::assemble`]).
//!
//! Every line is accounted for: see [`Stats`].

use crate::assemble::{Assembled, Assembler, AssemblyLimits, Fragment};
use crate::bits::{Payload, PayloadError};
use crate::messages::{AisMessage, DecodeError, Header, UtcInquiry};
use crate::meta::{parse_iso8601, utc_ms, Meta, Source};
use crate::nmea::{checksum, hex2, parse_sentence, FrameError, Sentence};
use crate::tagblock::{parse_int, parse_tag_block, unix_to_ms, TagBlock, TagBlockError};

/// A decoded message with its reception metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The message.
    pub message: AisMessage,
    /// Receive time, source and channel.
    pub meta: Meta,
}

/// Why a sentence was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RejectReason {
    /// The NMEA checksum does not match.
    BadChecksum,
    /// The sentence is cut short (missing fields or checksum).
    Truncated,
    /// The tag block before the sentence is malformed or its checksum is wrong.
    BadTagBlock,
    /// Fragment numbering out of range.
    BadFragment,
    /// A fragment whose message never completed (missing, replaced, expired).
    OrphanFragment,
    /// A payload character outside the 6-bit armoring alphabet.
    BadPayloadCharacter,
    /// Fill bits out of range.
    BadFillBits,
    /// Message type 0 or 28-63.
    UnknownType,
    /// Payload shorter than the message type requires.
    PayloadTooShort,
    /// Payload longer than the message type allows.
    PayloadTooLong,
    /// A layout-selecting field holds an undefined value.
    InvalidField,
}

impl RejectReason {
    /// Every reason, in report order.
    pub const ALL: [RejectReason; 11] = [
        RejectReason::BadChecksum,
        RejectReason::Truncated,
        RejectReason::BadTagBlock,
        RejectReason::BadFragment,
        RejectReason::OrphanFragment,
        RejectReason::BadPayloadCharacter,
        RejectReason::BadFillBits,
        RejectReason::UnknownType,
        RejectReason::PayloadTooShort,
        RejectReason::PayloadTooLong,
        RejectReason::InvalidField,
    ];

    /// A stable snake_case name, used in reports and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::BadChecksum => "bad_checksum",
            RejectReason::Truncated => "truncated",
            RejectReason::BadTagBlock => "bad_tag_block",
            RejectReason::BadFragment => "bad_fragment",
            RejectReason::OrphanFragment => "orphan_fragment",
            RejectReason::BadPayloadCharacter => "bad_payload_character",
            RejectReason::BadFillBits => "bad_fill_bits",
            RejectReason::UnknownType => "unknown_type",
            RejectReason::PayloadTooShort => "payload_too_short",
            RejectReason::PayloadTooLong => "payload_too_long",
            RejectReason::InvalidField => "invalid_field",
        }
    }

    fn from_payload(e: PayloadError) -> Self {
        match e {
            PayloadError::BadCharacter => RejectReason::BadPayloadCharacter,
            PayloadError::TooLong => RejectReason::PayloadTooLong,
            PayloadError::BadFillBits => RejectReason::BadFillBits,
        }
    }

    fn from_decode(e: DecodeError) -> Self {
        match e {
            DecodeError::UnknownType(_) => RejectReason::UnknownType,
            DecodeError::TooShort { .. } => RejectReason::PayloadTooShort,
            DecodeError::TooLong { .. } => RejectReason::PayloadTooLong,
            DecodeError::InvalidField { .. } => RejectReason::InvalidField,
        }
    }

    fn from_frame(e: FrameError) -> Self {
        match e {
            FrameError::BadChecksum => RejectReason::BadChecksum,
            FrameError::Truncated => RejectReason::Truncated,
            FrameError::BadFragment => RejectReason::BadFragment,
            FrameError::NotAis => RejectReason::Truncated,
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counts of everything the decoder has seen.
///
/// Two invariants hold at every point:
/// - `lines == blank + non_ais + wrappers + ais_lines`;
/// - `sentences == decoded_sentences + rejected_total() + pending`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines fed.
    pub lines: u64,
    /// Empty lines.
    pub blank: u64,
    /// Lines with no AIS sentence that were skipped: other NMEA sentences
    /// (`$..ALR`, `$GPGGA`, ...), CSV headers, noise.
    pub non_ais: u64,
    /// Lines carrying only metadata for the next sentence: `$PGHP` headers and
    /// tag blocks on a line of their own.
    pub wrappers: u64,
    /// Wrapper lines whose checksum or format was bad (their metadata is not used).
    pub bad_wrappers: u64,
    /// Tag blocks accepted with the checksum `*00`, which some providers send
    /// in place of a real checksum.
    pub unchecked_tag_blocks: u64,
    /// Lines carrying at least one AIS sentence.
    pub ais_lines: u64,
    /// AIS sentences seen.
    pub sentences: u64,
    /// Sentences that ended up in a decoded message.
    pub decoded_sentences: u64,
    /// Sentences held in incomplete multi-part groups.
    pub pending: u64,
    /// Rejected sentences by reason (index: position in [`RejectReason::ALL`]).
    pub rejected: [u64; RejectReason::ALL.len()],
    /// Messages decoded by type (index = message type).
    pub messages_by_type: [u64; 28],
}

impl Stats {
    /// Messages decoded.
    pub fn messages(&self) -> u64 {
        self.messages_by_type.iter().sum()
    }

    /// Sentences rejected, all reasons.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }

    /// Rejections for one reason.
    pub fn rejected(&self, reason: RejectReason) -> u64 {
        self.rejected[reason as usize]
    }

    /// Adds another decoder's counts (for parallel decoding).
    pub fn merge(&mut self, o: &Stats) {
        self.lines += o.lines;
        self.blank += o.blank;
        self.non_ais += o.non_ais;
        self.wrappers += o.wrappers;
        self.bad_wrappers += o.bad_wrappers;
        self.unchecked_tag_blocks += o.unchecked_tag_blocks;
        self.ais_lines += o.ais_lines;
        self.sentences += o.sentences;
        self.decoded_sentences += o.decoded_sentences;
        self.pending += o.pending;
        for (a, b) in self.rejected.iter_mut().zip(o.rejected) {
            *a += b;
        }
        for (a, b) in self.messages_by_type.iter_mut().zip(o.messages_by_type) {
            *a += b;
        }
    }
}

/// What the decoder reports for each input.
#[derive(Debug)]
pub enum Event<'a> {
    /// A decoded message.
    Message(&'a Decoded),
    /// `count` sentences rejected for `reason`; `line` is the input line when
    /// the rejection happened on it (orphaned fragments have none).
    Rejected {
        /// Why.
        reason: RejectReason,
        /// How many sentences.
        count: u64,
        /// The offending line, when known.
        line: Option<&'a [u8]>,
    },
}

/// Decoder settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecoderConfig {
    /// Multi-part assembly limits.
    pub assembly: AssemblyLimits,
}

/// Metadata from the line (or a preceding wrapper line) for the sentences on it.
#[derive(Clone, Copy, Default)]
struct LineMeta {
    time_ms: Option<i64>,
    source: Option<Source>,
}

impl LineMeta {
    fn or(self, other: LineMeta) -> LineMeta {
        LineMeta { time_ms: self.time_ms.or(other.time_ms), source: self.source.or(other.source) }
    }
}

/// Most sentences read from one line; the rest of a longer line is ignored.
const MAX_SENTENCES_PER_LINE: usize = 16;

/// The trailing metadata in `rest`, the text after a line's first sentence:
/// from a `$` (a `$PGHP` column: `$` never occurs in sentences), or else after
/// the last `*hh` checksum, if more sentences follow.
fn suffix_after_last_checksum(rest: &[u8]) -> &[u8] {
    if let Some(dollar) = memchr::memchr(b'$', rest) {
        return &rest[dollar..];
    }
    match memchr::memrchr(b'*', rest) {
        Some(star) => &rest[(star + 3).min(rest.len())..],
        None => rest,
    }
}

/// The streaming AIS decoder.
///
/// ```
/// use seawarden_ais::{Decoder, Event, AisMessage};
/// let mut decoder = Decoder::new();
/// let mut names = Vec::new();
/// for line in [
///     "\\g:1-2-3985,s:rEV02,c:1334337317*2D\\!AIVDM,2,1,9,B,58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T,0*70",
///     "\\g:2-2-3985*5A\\!AIVDM,2,2,9,B,PFRC88888888880,2*29",
/// ] {
///     decoder.feed(line.as_bytes(), &mut |event| {
///         if let Event::Message(d) = event {
///             if let AisMessage::StaticVoyage(m) = &d.message {
///                 names.push((m.shipname.to_string(), d.meta.source.unwrap().to_string()));
///             }
///         }
///     });
/// }
/// assert_eq!(names, [("VALE CHINA".to_string(), "rEV02".to_string())]);
/// assert_eq!(decoder.stats().messages(), 1);
/// ```
pub struct Decoder {
    assembler: Assembler,
    stats: Stats,
    pending_meta: Option<LineMeta>,
    /// Reused for every single-part payload, to avoid moving 150 bytes around.
    scratch: Payload,
    /// Every message is decoded in place here and lent to the sink.
    slot: Decoded,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder with default settings.
    pub fn new() -> Self {
        Self::with_config(DecoderConfig::default())
    }

    /// A decoder with the given settings.
    pub fn with_config(config: DecoderConfig) -> Self {
        Decoder { assembler: Assembler::new(config.assembly), stats: Stats::default(), pending_meta: None, scratch: Payload::new(), slot: Decoded { message: AisMessage::UtcInquiry(UtcInquiry { header: Header::default(), dest_mmsi: 0 }), meta: Meta::default() } }
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Feeds every line of a buffer (lines end with `\n`; a last line without
    /// one is fed too).
    pub fn feed_lines(&mut self, buf: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        crate::lines::for_each_line(buf, |line| self.feed(line, sink));
    }

    /// Ends the input: incomplete multi-part messages are counted as orphans.
    pub fn finish(&mut self, sink: &mut impl FnMut(Event<'_>)) {
        let stats = &mut self.stats;
        self.assembler.flush(|n| {
            stats.rejected[RejectReason::OrphanFragment as usize] += n;
            sink(Event::Rejected { reason: RejectReason::OrphanFragment, count: n, line: None });
        });
        self.stats.pending = self.assembler.pending();
    }

    fn reject(&mut self, reason: RejectReason, count: u64, line: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        self.stats.rejected[reason as usize] += count;
        sink(Event::Rejected { reason, count, line: Some(line) });
    }

    /// Feeds one line (without its line terminator; a trailing `\r` is fine).
    #[inline]
    pub fn feed(&mut self, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        self.stats.lines += 1;
        if self.pending_meta.is_some() {
            self.feed_after_wrappers(raw, sink);
        } else if !self.feed_usual::<false>(raw, sink) {
            self.feed_any(raw, sink);
        }
    }

    /// [`Decoder::feed`] after wrapper lines ($PGHP headers, lone tag
    /// blocks) whose time and source are pending for the next sentence: a
    /// copy of the usual path of its own, out of line, so that the common
    /// sentence (with nothing pending) is compiled without this case.
    #[inline(never)]
    fn feed_after_wrappers(&mut self, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        if !self.feed_usual::<true>(raw, sink) {
            self.feed_any(raw, sink);
        }
    }

    /// The usual line: one well-formed sentence, perhaps after one tag
    /// block, with nothing else on the line; or a tag block alone on its
    /// line (its time and source are for the next sentence). Returns false,
    /// having changed nothing, for any other line (then
    /// [`Decoder::feed_any`] reads it; for the usual line both do the same).
    /// `PENDING`: called with wrapper metadata pending (else with none).
    #[inline(always)]
    fn feed_usual<const PENDING: bool>(&mut self, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) -> bool {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        // Two copies of the rest, so that the one without a tag block is
        // compiled knowing it has none.
        match line.first() {
            Some(b'!') => self.feed_usual_sentence::<PENDING>(TagBlock::default(), line, 0, raw, sink),
            // After wrapper lines, a tag block goes the general way (a
            // third copy of the tag-block reader costs the common path).
            Some(b'\\') if !PENDING => match parse_tag_block(line) {
                Ok((tag, used)) if line.get(used) == Some(&b'!') => self.feed_usual_sentence::<PENDING>(tag, line, used, raw, sink),
                Ok((tag, used)) if used == line.len() => {
                    self.lone_tag_block(&tag);
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// A tag block alone on its line: its time and source are kept for the
    /// next sentence.
    #[inline(never)]
    fn lone_tag_block(&mut self, tag: &TagBlock<'_>) {
        self.stats.wrappers += 1;
        let m = LineMeta { time_ms: tag.time_ms, source: tag.source_id() };
        self.pending_meta = Some(m.or(self.pending_meta.unwrap_or_default()));
    }

    /// [`Decoder::feed_usual`] from the sentence at `pos` of `line` on.
    #[inline(always)]
    fn feed_usual_sentence<const PENDING: bool>(&mut self, tag: TagBlock<'_>, line: &[u8], pos: usize, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) -> bool {
        let Ok((sentence, used)) = parse_sentence(&line[pos..]) else {
            return false;
        };
        if pos + used != line.len() {
            return false;
        }
        self.stats.ais_lines += 1;
        self.stats.unchecked_tag_blocks += tag.unchecked as u64;
        if PENDING {
            // What the wrapper lines before it said.
            let meta = self.pending_meta.take().unwrap_or_default();
            self.process(&tag, Ok(sentence), &meta, raw, sink);
            self.end_line(meta.time_ms, sink);
        } else {
            self.process(&tag, Ok(sentence), &LineMeta::default(), raw, sink);
            self.end_line(None, sink);
        }
        true
    }

    /// Expires old fragments now and then, and updates the pending count.
    #[inline(always)]
    fn end_line(&mut self, now: Option<i64>, sink: &mut impl FnMut(Event<'_>)) {
        let line_no = self.stats.lines;
        if line_no % 1024 == 0 {
            let stats = &mut self.stats;
            self.assembler.expire(line_no, now, |n| {
                stats.rejected[RejectReason::OrphanFragment as usize] += n;
                sink(Event::Rejected { reason: RejectReason::OrphanFragment, count: n, line: None });
            });
        }
        self.stats.pending = self.assembler.pending();
    }

    /// Any line: several sentences and tag blocks, wrappers, text around
    /// the sentences, and lines with no sentence.
    #[inline(never)]
    fn feed_any(&mut self, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        let line = trim(raw);
        if line.is_empty() {
            self.stats.blank += 1;
            return;
        }
        let first = line[0];
        let start = if first == b'!' || first == b'\\' { Some(0) } else { memchr::memchr2(b'!', b'\\', line) };
        let Some(start) = start else {
            self.feed_non_sentence(line);
            return;
        };
        // Metadata around the sentences, read once per line: text before the
        // first one, and after the last checksum (`rest` follows the first
        // sentence; usually empty).
        let line_meta = |rest: &[u8]| {
            let prefix = if start > 0 { parse_loose_time(&line[..start]) } else { None };
            let suffix = if rest.is_empty() { LineMeta::default() } else { trailing_meta(suffix_after_last_checksum(rest)) };
            LineMeta { time_ms: prefix, source: None }.or(suffix)
        };
        let mut line_meta_cache = LineMeta::default();
        let mut sentences = 0;
        let mut lone_tag: Option<Result<TagBlock<'_>, TagBlockError>> = None;
        let mut pos = start;
        while pos < line.len() && sentences < MAX_SENTENCES_PER_LINE {
            let mut tag: Option<Result<TagBlock<'_>, TagBlockError>> = None;
            while pos < line.len() && line[pos] == b'\\' {
                match parse_tag_block(&line[pos..]) {
                    Ok((tb, used)) => {
                        tag = Some(match tag {
                            Some(Ok(prev)) => Ok(merge_tags(prev, tb)),
                            Some(Err(e)) => Err(e),
                            None => Ok(tb),
                        });
                        pos += used;
                    }
                    Err(e) => {
                        tag = Some(Err(e));
                        // Skip to the next sentence start.
                        pos = memchr::memchr(b'!', &line[pos + 1..]).map_or(line.len(), |i| pos + 1 + i);
                    }
                }
            }
            if pos >= line.len() || line[pos] != b'!' {
                if sentences == 0 {
                    lone_tag = tag;
                }
                break;
            }
            let (sentence, used) = match parse_sentence(&line[pos..]) {
                Ok((s, used)) => (Ok(s), used),
                Err(FrameError::NotAis) => {
                    // Another sentence type: skip it (and a tag block before it).
                    pos = memchr::memchr2(b'!', b'\\', &line[pos + 1..]).map_or(line.len(), |i| pos + 1 + i);
                    continue;
                }
                Err(e) => {
                    // Resynchronise on the next sentence or tag block start.
                    let skip = memchr::memchr2(b'!', b'\\', &line[pos + 1..]).map_or(line.len() - pos, |i| i + 1);
                    (Err(RejectReason::from_frame(e)), skip)
                }
            };
            let (tag, sentence) = match tag {
                Some(Err(_)) => (TagBlock::default(), Err(RejectReason::BadTagBlock)),
                Some(Ok(t)) => {
                    self.stats.unchecked_tag_blocks += t.unchecked as u64;
                    (t, sentence)
                }
                None => (TagBlock::default(), sentence),
            };
            if sentences == 0 {
                self.stats.ais_lines += 1;
                let rest = &line[(pos + used).min(line.len())..];
                // Most lines are one sentence with nothing around it.
                if start > 0 || !rest.is_empty() || self.pending_meta.is_some() {
                    line_meta_cache = line_meta(rest).or(self.pending_meta.take().unwrap_or_default());
                }
            }
            sentences += 1;
            self.process(&tag, sentence, &line_meta_cache, raw, sink);
            pos += used;
            // Some logs hold two sentences joined by a literal "\r\n".
            while line[pos..].starts_with(b"\\r") || line[pos..].starts_with(b"\\n") {
                pos += 2;
            }
            if pos < line.len() && line[pos] != b'\\' && line[pos] != b'!' {
                break;
            }
        }

        if sentences == 0 {
            match lone_tag {
                Some(Ok(tb)) => self.lone_tag_block(&tb),
                Some(Err(_)) => {
                    self.stats.wrappers += 1;
                    self.stats.bad_wrappers += 1;
                }
                None => self.feed_non_sentence(line),
            }
            return;
        }
        self.end_line(line_meta_cache.time_ms, sink);
    }

    /// Handles one sentence of a line: decodes it, or hands it to the assembler.
    #[inline(always)]
    fn process(&mut self, tag: &TagBlock<'_>, sentence: Result<Sentence<'_>, RejectReason>, line_meta: &LineMeta, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        self.stats.sentences += 1;
        let s = match sentence {
            Ok(s) => s,
            Err(reason) => {
                self.reject(reason, 1, raw, sink);
                return;
            }
        };
        let meta = Meta {
            rx_time_ms: tag.time_ms.or(line_meta.time_ms),
            source: match tag.source {
                Some(raw) => Some(Source::new(raw)),
                None => line_meta.source,
            },
            channel: s.channel,
            talker: s.talker,
            own_ship: s.own_ship,
            fragments: 1,
            payload_hash: 0,
        };
        if s.total == 1 && tag.group.is_none_or(|g| g.1 == 1) {
            self.scratch.clear();
            match self.scratch.push_armored(s.payload).and_then(|_| self.scratch.truncate_fill(s.fill_bits)) {
                Ok(()) => Self::emit(&mut self.stats, &mut self.slot, &self.scratch, meta, 1, raw, sink),
                Err(e) => self.reject(RejectReason::from_payload(e), 1, raw, sink),
            }
            return;
        }
        let (number, total, key) = match tag.group {
            Some((num, total, id)) => (num, total, mix(0x9e37_79b9_7f4a_7c15, id as u64 | (total as u64) << 40)),
            None => {
                let src = meta.source.map_or(0, |s| s.hash64());
                let k = (s.channel as u64) | (s.seq_id.map_or(0xFF, |v| v as u64) << 8) | ((s.total as u64) << 16) | (s.own_ship as u64) << 24;
                (s.number, s.total, mix(src, k))
            }
        };
        if total > 9 || number > 9 {
            self.reject(RejectReason::BadFragment, 1, raw, sink);
            return;
        }
        let has_meta = tag.time_ms.is_some() || tag.source.is_some() || line_meta.time_ms.is_some();
        let frag = Fragment { key, total, number, payload: s.payload, fill_bits: s.fill_bits, meta, has_meta };
        let stats = &mut self.stats;
        let result = self.assembler.push(frag, stats.lines, |n| {
            stats.rejected[RejectReason::OrphanFragment as usize] += n;
            sink(Event::Rejected { reason: RejectReason::OrphanFragment, count: n, line: None });
        });
        match result {
            Assembled::Pending => {}
            Assembled::Complete(p, meta, count) => Self::emit(&mut self.stats, &mut self.slot, &p, meta, count as u64, raw, sink),
            Assembled::Invalid(e, count) => self.reject(RejectReason::from_payload(e), count as u64, raw, sink),
        }
    }

    #[inline(always)]
    fn emit(stats: &mut Stats, slot: &mut Decoded, payload: &Payload, meta: Meta, sentences: u64, raw: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        match slot.message.decode_into(payload) {
            Ok(()) => {
                slot.meta = Meta { payload_hash: payload.hash64(), ..meta };
                stats.decoded_sentences += sentences;
                stats.messages_by_type[slot.message.msg_type() as usize] += 1;
                sink(Event::Message(slot));
            }
            Err(e) => {
                let reason = RejectReason::from_decode(e);
                stats.rejected[reason as usize] += sentences;
                sink(Event::Rejected { reason, count: sentences, line: Some(raw) });
            }
        }
    }

    /// A line with no `!` or `\`: a `$PGHP` header, or something else to skip.
    fn feed_non_sentence(&mut self, line: &[u8]) {
        let unquoted = line.strip_prefix(b"\"").unwrap_or(line);
        if unquoted.starts_with(b"$PGHP") {
            self.stats.wrappers += 1;
            match parse_pghp(unquoted) {
                Some(t) => {
                    let m = LineMeta { time_ms: Some(t), source: None };
                    self.pending_meta = Some(m.or(self.pending_meta.unwrap_or_default()));
                }
                None => self.stats.bad_wrappers += 1,
            }
        } else {
            self.stats.non_ais += 1;
        }
    }
}

#[inline]
fn mix(a: u64, b: u64) -> u64 {
    (a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

fn merge_tags<'a>(a: TagBlock<'a>, b: TagBlock<'a>) -> TagBlock<'a> {
    TagBlock {
        time_ms: a.time_ms.or(b.time_ms),
        source: a.source.or(b.source),
        group: a.group.or(b.group),
        line_count: a.line_count.or(b.line_count),
        relative_time: a.relative_time.or(b.relative_time),
        text: a.text.or(b.text),
        destination: a.destination.or(b.destination),
        unchecked: a.unchecked || b.unchecked,
    }
}

#[inline]
fn trim(b: &[u8]) -> &[u8] {
    let mut s = 0;
    let mut e = b.len();
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    &b[s..e]
}

/// Parses a Gatehouse `$PGHP,1,yyyy,m,d,h,min,s,ms,...*hh` header's time.
fn parse_pghp(line: &[u8]) -> Option<i64> {
    let star = memchr::memchr(b'*', line)?;
    if checksum(&line[1..star]) != hex2(&line[star + 1..])? {
        return None;
    }
    let body = &line[..star];
    match pghp_plain_time(body) {
        Some([y, mo, d, h, mi, s, ms]) => utc_ms(y as i64, mo, d, h, mi, s, ms),
        None => pghp_time_general(body),
    }
}

/// The usual header, `$PGHP,1,` then seven fields of plain digits (up to
/// nine each), read in one pass; `None` sends anything else (signs,
/// fractions, long or missing fields) to [`pghp_time_general`], which reads
/// the same fields to the same values.
#[inline]
fn pghp_plain_time(body: &[u8]) -> Option<[u32; 7]> {
    let rest = body.strip_prefix(b"$PGHP,1,")?;
    let mut n = [0u32; 7];
    let (mut field, mut digits) = (0, 0);
    for &c in rest {
        if c == b',' {
            if digits == 0 {
                return None;
            }
            field += 1;
            if field == n.len() {
                return Some(n);
            }
            digits = 0;
            continue;
        }
        let digit = c.wrapping_sub(b'0');
        if digit > 9 || digits == 9 {
            return None;
        }
        n[field] = n[field] * 10 + digit as u32;
        digits += 1;
    }
    (field == n.len() - 1 && digits > 0).then_some(n)
}

/// The header's time from its fields by the general rules (a sign, a
/// fraction after the integer), once the checksum is known good.
fn pghp_time_general(body: &[u8]) -> Option<i64> {
    let mut f = body.split(|&c| c == b',').skip(1);
    if f.next()? != b"1" {
        return None;
    }
    let mut n = [0i64; 7];
    for v in n.iter_mut() {
        *v = parse_int(f.next()?)?;
    }
    let [y, mo, d, h, mi, s, ms] = n;
    let u = |v: i64| u32::try_from(v).ok();
    utc_ms(y, u(mo)?, u(d)?, u(h)?, u(mi)?, u(s)?, u(ms)?)
}

/// A Unix time in seconds or milliseconds (with optional fraction), plausible
/// for AIS (1990-2100), as milliseconds.
fn parse_unix_time(tok: &[u8]) -> Option<i64> {
    if tok.is_empty() || !tok[0].is_ascii_digit() {
        return None;
    }
    let int = parse_int(tok)?;
    let ms = if (631_152_000..4_102_444_800).contains(&int) {
        let frac = tok.iter().position(|&c| c == b'.').map_or(0, |d| {
            let digits: Vec<u8> = tok[d + 1..].iter().take(3).copied().collect();
            let mut v = 0i64;
            for (i, c) in digits.iter().enumerate() {
                if c.is_ascii_digit() {
                    v += (c - b'0') as i64 * 10i64.pow(2 - i as u32);
                }
            }
            v
        });
        int * 1000 + frac
    } else if (631_152_000_000..4_102_444_800_000).contains(&int) {
        unix_to_ms(int)
    } else {
        return None;
    };
    Some(ms)
}

/// A receive time in the text before the first sentence: a Unix time or an
/// ISO 8601 timestamp, possibly among CSV columns.
fn parse_loose_time(prefix: &[u8]) -> Option<i64> {
    let p = trim_seps(prefix);
    if p.is_empty() {
        return None;
    }
    if let Some(t) = parse_unix_time(p).or_else(|| parse_iso8601(p)) {
        return Some(t);
    }
    p.split(|&c| c == b',' || c == b';' || c == b'\t' || c == b' ')
        .map(trim_seps)
        .find_map(|t| parse_unix_time(t).or_else(|| parse_iso8601(t)))
}

fn trim_seps(b: &[u8]) -> &[u8] {
    let is_sep = |c: u8| c.is_ascii_whitespace() || matches!(c, b',' | b';' | b'"' | b'\'');
    let mut s = 0;
    let mut e = b.len();
    while s < e && is_sep(b[s]) {
        s += 1;
    }
    while e > s && is_sep(b[e - 1]) {
        e -= 1;
    }
    &b[s..e]
}

/// Metadata after the last sentence: a trailing Unix time (`,1541030400`), a
/// CSV column with a `$PGHP` header, or USCG fields (`,r003669946,1325394060`).
fn trailing_meta(suffix: &[u8]) -> LineMeta {
    let mut m = LineMeta::default();
    if suffix.is_empty() {
        return m;
    }
    if let Some(i) = suffix.windows(5).position(|w| w == b"$PGHP") {
        let end = suffix[i..].iter().position(|&c| c == b'"').map_or(suffix.len(), |e| i + e);
        m.time_ms = parse_pghp(&suffix[i..end]);
        return m;
    }
    for tok in suffix.split(|&c| c == b',').map(trim_seps) {
        if m.time_ms.is_none() {
            if let Some(t) = parse_unix_time(tok).or_else(|| parse_iso8601(tok)) {
                m.time_ms = Some(t);
                continue;
            }
        }
        // USCG receiver id: "r" + station name, e.g. r003669946.
        if m.source.is_none() && tok.len() > 1 && tok[0] == b'r' && tok[1..].iter().all(u8::is_ascii_alphanumeric) {
            m.source = Some(Source::new(tok));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> (Vec<Decoded>, Stats) {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        let mut sink = |e: Event<'_>| {
            if let Event::Message(m) = e {
                out.push(m.clone())
            }
        };
        for l in lines {
            d.feed(l.as_bytes(), &mut sink);
        }
        d.finish(&mut sink);
        (out, d.stats().clone())
    }

    fn conserved(s: &Stats) {
        assert_eq!(s.lines, s.blank + s.non_ais + s.wrappers + s.ais_lines, "{s:?}");
        assert_eq!(s.sentences, s.decoded_sentences + s.rejected_total() + s.pending, "{s:?}");
    }

    /// The one-pass reader of the usual header gives what the general
    /// rules give, or declines: for headers built from every kind of field
    /// (plain, empty, signed, fractional, long, missing) and cut anywhere.
    #[test]
    fn gatehouse_plain_reader_agrees_with_general_rules() {
        use proptest::prelude::*;
        // Each field a valid value for its place (most often, so that most
        // headers give a time), or empty, signed, fractional, long or text.
        let header = (prop_oneof![Just("1"), Just("2"), Just("01")], proptest::collection::vec((any::<u32>(), 0u8..12), 0..10), 0usize..80);
        const VALID: [(u32, u32); 7] = [(1990, 2100), (1, 13), (1, 32), (0, 24), (0, 60), (0, 61), (0, 1000)];
        proptest!(ProptestConfig::with_cases(4000), |((kind, fields, cut) in header)| {
            let mut body = format!("$PGHP,{kind}");
            for (i, &(raw, sel)) in fields.iter().enumerate() {
                let (lo, hi) = VALID.get(i).copied().unwrap_or((0, 100_000));
                let f = match sel {
                    0..=6 => (lo + raw % (hi - lo)).to_string(),
                    7 => String::new(),
                    8 => format!("-{}", raw % 100),
                    9 => format!("{}.{}", lo + raw % (hi - lo), raw % 100),
                    10 => (1_000_000_000 + raw as u64 * 10).to_string(),
                    _ => ["x", "1a", " 2", "+3", "1:", "/5", "2~"][raw as usize % 7].to_string(),
                };
                body.push(',');
                body.push_str(&f);
            }
            let body = &body[..body.len().min(cut.max(5))];
            let line = format!("{body}*{:02X}", checksum(&body.as_bytes()[1..]));
            let general = pghp_time_general(body.as_bytes());
            if let Some([y, mo, d, h, mi, s, ms]) = pghp_plain_time(body.as_bytes()) {
                prop_assert_eq!(utc_ms(y as i64, mo, d, h, mi, s, ms), general);
            }
            prop_assert_eq!(parse_pghp(line.as_bytes()), general);
        });
        // The usual header does take the one-pass reader.
        assert_eq!(pghp_plain_time(b"$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62"), Some([2013, 11, 12, 12, 0, 0, 11]));
        assert_eq!(pghp_plain_time(b"$PGHP,1,2013,11,12,12,0,0,11"), Some([2013, 11, 12, 12, 0, 0, 11]));
        assert_eq!(pghp_plain_time(b"$PGHP,1,2013,11,12,12,0,0"), None);
    }

    /// Events and counts of a decoder fed `lines`, through [`Decoder::feed`]
    /// or, with `general`, through [`Decoder::feed_any`] alone.
    fn events(lines: &[&str], general: bool) -> (Vec<String>, String) {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        let mut sink = |e: Event<'_>| {
            out.push(match e {
                Event::Message(m) => format!("{m:?}"),
                Event::Rejected { reason, count, line } => format!("{reason:?} {count} {:?}", line.map(String::from_utf8_lossy)),
            })
        };
        for l in lines {
            if general {
                d.stats.lines += 1;
                d.feed_any(l.as_bytes(), &mut sink);
            } else {
                d.feed(l.as_bytes(), &mut sink);
            }
        }
        d.finish(&mut sink);
        (out, format!("{:?}", d.stats()))
    }

    /// The usual line's path (a sentence, after one tag block or wrapper
    /// lines, or a tag block alone) does what the general path does, in
    /// any order of real and broken lines.
    #[test]
    fn usual_path_agrees_with_general_path() {
        use proptest::prelude::*;
        const POOL: &[&str] = &[
            "\\si:AISD*3F\\",
            "$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26",
            "!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62",
            "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
            "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B",
            "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B\r",
            "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2C",
            "\\s:2573485,c:1700000000*00\\!AIVDM,1,1,,B,13M2>0Pv0d0phTbQ`pjJVHNP0t8V,0*71",
            "\\s:2573485,c:1700000000*00\\",
            "\\c:1700000100*3F\\",
            "\\c:1700000100*3E\\",
            "\\g:1-2-77*58\\!AIVDM,2,1,3,A,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0`<3557l0<50@kk@K5h@00000,0*0E",
            "\\g:2-2-77*5B\\!AIVDM,2,2,3,A,00000000000,2*21",
            "!AIVDM,2,1,6,A,59qbLH02>r7M?MHd001<ET<PDhhE>118DiD@D01@C`O@@6U@0BDUEC5@,0*7F",
            "!AIVDM,2,2,6,A,000000000000000,2*3B",
            "1452468552.938 !AIVDM,1,1,,B,14Wtnn002SGLde:BbrBmdTLF0Vql,0*6E",
            "!AIVDM,1,1,,B,14pWHb?P03rwO<F:RQOnROw<25bd,0*3E,1357134218",
            "$GPALR,1,2,3*00",
            "",
            "garbage",
        ];
        let lines = proptest::collection::vec(0..POOL.len(), 0..30);
        proptest!(ProptestConfig::with_cases(3000), |(picks in lines)| {
            let lines: Vec<&str> = picks.iter().map(|&i| POOL[i]).collect();
            prop_assert_eq!(events(&lines, false), events(&lines, true));
        });
        // Fragments expire every 1,024 lines, judged by the time of that
        // line: a first fragment timed in 2010 that no second part follows,
        // and the 1,024th line a sentence after a 2013 header.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut long = vec!["$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", "!AIVDM,2,1,9,B,59qbLH02>r7M?MHd001<ET<PDhhE>118DiD@D01@C`O@@6U@0BDUEC5@,0*6A"];
        while long.len() < 3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            long.push(match long.len() {
                1022 => POOL[1],
                1023 => POOL[2],
                _ => POOL[(state % POOL.len() as u64) as usize],
            });
        }
        let (want, got) = (events(&long, true), events(&long, false));
        assert!(want.0.iter().take(1500).any(|e| e.starts_with("OrphanFragment")), "no fragment expired by time");
        assert_eq!(got, want);
        // The Danish Maritime Authority's three lines (lone tag block,
        // header, sentence) give the sentence the header's time.
        let (out, _) = events(&POOL[..3], false);
        assert!(out[0].contains("rx_time_ms: Some(1384257600011)"), "{out:?}");
    }

    #[test]
    fn gatehouse_header_gives_time() {
        let (out, s) = run(&["$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B"]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].meta.rx_time_ms, utc_ms(2010, 6, 11, 11, 46, 11, 390));
        assert_eq!((s.wrappers, s.ais_lines), (1, 1));
        conserved(&s);
    }

    #[test]
    fn leading_and_trailing_times_and_uscg_station() {
        let (out, _) = run(&[
            "1452468552.938 !AIVDM,1,1,,B,14Wtnn002SGLde:BbrBmdTLF0Vql,0*6E",
            "!AIVDM,1,1,,B,14pWHb?P03rwO<F:RQOnROw<25bd,0*3E,1357134218",
            "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,r003669946,1325394060,1325394001",
        ]);
        assert_eq!(out[0].meta.rx_time_ms, Some(1_452_468_552_938));
        assert_eq!(out[1].meta.rx_time_ms, Some(1_357_134_218_000));
        assert_eq!(out[2].meta.rx_time_ms, Some(1_325_394_060_000));
        assert_eq!(out[2].meta.source.unwrap().as_str(), "r003669946");
    }

    #[test]
    fn csv_with_two_fragments_on_one_line() {
        let (out, s) = run(&[
            "NMEA message,PGHP time stamp",
            "\"!BSVDM,2,1,6,A,59qbLH02>r7M?MHd001<ET<PDhhE>118DiD@D01@C`O@@6U@0BDUEC5@,0*7F!BSVDM,2,2,6,A,000000000000000,2*3B\",\"$PGHP,1,2018,10,8,0,4,30,910,219,,2190072,1,*2B\"",
        ]);
        assert_eq!(out.len(), 1, "{s:?}");
        assert_eq!(out[0].message.msg_type(), 5);
        assert_eq!(out[0].meta.rx_time_ms, utc_ms(2018, 10, 8, 0, 4, 30, 910));
        assert_eq!(s.non_ais, 1);
        conserved(&s);
    }

    #[test]
    fn interleaved_fragments_and_orphans() {
        let (out, s) = run(&[
            "!AIVDM,2,1,1,,53B?8r021g8HuHtk:20dTpN1<D5L5U>22222220002R0L33Aa?4i@H888888,0*6E",
            "!BSVDO,2,2,2,A,0000,0*0F",
            "$PFOO,INVALID",
            "!AIVDM,2,2,1,,88888888888,2*6C",
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(s.rejected(RejectReason::OrphanFragment), 1);
        assert_eq!(s.non_ais, 1);
        conserved(&s);
    }

    #[test]
    fn rejects_are_counted_by_reason() {
        let (out, s) = run(&[
            "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*31",
            "!AIVDM,1,1,,A,15N1u<PP1FJuv",
            "\\s:x,c:1*01\\!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30",
            "",
        ]);
        assert!(out.is_empty());
        assert_eq!(s.rejected(RejectReason::BadChecksum), 1);
        assert_eq!(s.rejected(RejectReason::Truncated), 1);
        assert_eq!(s.rejected(RejectReason::BadTagBlock), 1);
        assert_eq!(s.blank, 1);
        conserved(&s);
    }
}
