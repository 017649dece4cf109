//! AIS lines to tracks, for investigations without a store: decode, time,
//! and keep the reports inside a time range.

use seawarden_ais::{Decoder, Event};
use seawarden_track::{Observation, PositionObs, StaticObs};

/// Collects position and static reports from raw AIS lines (NMEA 0183 with
/// any wrapper `seawarden decode` reads).
///
/// Lines without a receive time of their own take the time of the line
/// before them (call [`TrackBuilder::begin_input`] between files); lines
/// before any time is known are counted as untimed and dropped. Reports
/// outside `[from_ms, to_ms]` are counted and dropped, so memory follows
/// the range, not the input.
pub struct TrackBuilder {
    decoder: Decoder,
    from_ms: i64,
    to_ms: i64,
    last_time: Option<i64>,
    positions: Vec<PositionObs>,
    statics: Vec<StaticObs>,
    /// Counts so far.
    pub counts: TrackCounts,
}

/// What a [`TrackBuilder`] did with its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackCounts {
    /// Lines read.
    pub lines: u64,
    /// Messages decoded.
    pub messages: u64,
    /// Messages dropped for want of a receive time.
    pub untimed: u64,
    /// Reports outside the time range.
    pub out_of_range: u64,
    /// Sentences the decoder rejected.
    pub rejected: u64,
}

impl TrackBuilder {
    /// A builder keeping reports in `[from_ms, to_ms]`.
    pub fn new(from_ms: i64, to_ms: i64) -> Self {
        TrackBuilder {
            decoder: Decoder::new(),
            from_ms,
            to_ms,
            last_time: None,
            positions: Vec::new(),
            statics: Vec::new(),
            counts: TrackCounts::default(),
        }
    }

    /// Starts a new input file: untimed lines no longer inherit the last
    /// file's clock.
    pub fn begin_input(&mut self) {
        self.last_time = None;
    }

    /// Decodes one line.
    pub fn feed(&mut self, line: &[u8]) {
        let TrackBuilder {
            decoder,
            from_ms,
            to_ms,
            last_time,
            positions,
            statics,
            counts,
        } = self;
        counts.lines += 1;
        decoder.feed(line, &mut |e| match e {
            Event::Message(d) => {
                counts.messages += 1;
                let Some(t) = d.meta.rx_time_ms.or(*last_time) else {
                    counts.untimed += 1;
                    return;
                };
                *last_time = Some(t);
                if t < *from_ms || t > *to_ms {
                    counts.out_of_range += 1;
                    return;
                }
                match Observation::from_decoded(d, t) {
                    Some(Observation::Position(p)) => positions.push(p),
                    Some(Observation::Static(s)) => statics.push(s),
                    None => {}
                }
                if let Some(s) = Observation::extended_b_static(d, t) {
                    statics.push(s);
                }
            }
            Event::Rejected { count, .. } => counts.rejected += count,
        });
    }

    /// Ends the input; returns positions sorted by MMSI then time, and the
    /// static reports.
    pub fn finish(mut self) -> (Vec<PositionObs>, Vec<StaticObs>) {
        self.decoder.finish(&mut |_| {});
        self.positions.sort_by_key(|p| (p.mmsi, p.time_ms));
        (self.positions, self.statics)
    }
}
