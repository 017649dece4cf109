//! Small hand-made AIS traffic for tests and benchmarks, where a whole
//! [`Scenario`](crate::Scenario) would be too much: a few sentences whose
//! effect on the detectors is known in advance.

use seawarden_ais::encode::to_sentences;
use seawarden_ais::messages::{Header, PositionReport, StaticDataPart, StaticDataReport};
use seawarden_ais::{Encode, Payload};

/// Time between the position reports of [`identity_change`] (and from the
/// last of them to the first name), milliseconds.
pub const POSITION_INTERVAL_MS: i64 = 20_000;

/// Time between the two name reports of [`identity_change`], milliseconds.
pub const NAME_INTERVAL_MS: i64 = 60_000;

/// A ship that changes its identity: `positions` position reports (type 1,
/// under way at 10 knots, course 090, eastward from 59.7° N 24.5° E in the
/// Gulf of Finland, 0.003° of longitude apart), then its name reported as
/// `names[0]` and then as `names[1]` (type 24 part A), which the
/// `identity_change` detector turns into an alert at once.
///
/// Returns `(receive time in ms, sentence)` in order: the positions
/// [`POSITION_INTERVAL_MS`] apart from `t0_ms`, the first name
/// [`POSITION_INTERVAL_MS`] after the last position (at `t0_ms` when
/// `positions` is 0) and the second [`NAME_INTERVAL_MS`] after it. The
/// sentences are bare NMEA (`!AIVDM`, channel A, no tag block): a caller
/// stamps the times into tag blocks, or leaves them out for a live source
/// that stamps lines on arrival, or uses a clock of its own.
///
/// ```
/// let lines = seawarden_sim::traffic::identity_change(230_123_000, ["ALPHA", "BRAVO"], 3, 0);
/// assert_eq!(lines.len(), 5);
/// assert_eq!((lines[3].0, lines[4].0), (60_000, 120_000));
/// assert!(lines.iter().all(|(_, s)| s.starts_with("!AIVDM,1,1,")));
/// ```
pub fn identity_change(mmsi: u32, names: [&str; 2], positions: usize, t0_ms: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut t = t0_ms;
    let mut push = |payload: Payload, t: i64| {
        out.extend(to_sentences(&payload, "AI", 'A', 0, 60).into_iter().map(|s| (t, s)));
    };
    for i in 0..positions {
        let p = PositionReport {
            header: Header { msg_type: 1, repeat: 0, mmsi },
            status: Some(0),
            rot: None,
            speed: Some(10.0),
            accuracy: false,
            lon: Some(24.5 + i as f64 * 0.003),
            lat: Some(59.7),
            course: Some(90.0),
            heading: Some(90),
            second: Some(0),
            maneuver: None,
            spare: 0,
            raim: false,
            radio: 0,
        };
        push(p.encode(), t);
        t += POSITION_INTERVAL_MS;
    }
    for name in names {
        let s = StaticDataReport {
            header: Header { msg_type: 24, repeat: 0, mmsi },
            part: StaticDataPart::A { shipname: name.into() },
        };
        push(s.encode(), t);
        t += NAME_INTERVAL_MS;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use seawarden_ais::{AisMessage, Decoder, Event};

    /// What the decoder makes of the lines: (mmsi, position or name).
    fn decode(lines: &[(i64, String)]) -> Vec<(u32, Result<(f64, f64), String>)> {
        let mut decoder = Decoder::new();
        let mut got = Vec::new();
        for (_, s) in lines {
            decoder.feed(s.as_bytes(), &mut |e| match e {
                Event::Message(d) => got.push(match &d.message {
                    AisMessage::Position(p) => (p.header.mmsi, Ok((p.lon.unwrap(), p.lat.unwrap()))),
                    AisMessage::StaticDataReport(StaticDataReport { header, part: StaticDataPart::A { shipname } }) => {
                        (header.mmsi, Err(shipname.as_str().to_string()))
                    }
                    m => panic!("unexpected {m:?}"),
                }),
                Event::Rejected { reason, .. } => panic!("rejected: {reason}"),
            });
        }
        got
    }

    #[test]
    fn identity_change_decodes_to_positions_then_two_names() {
        let lines = identity_change(230_123_000, ["ALPHA", "BRAVO"], 3, 1_735_120_800_000);
        let times: Vec<i64> = lines.iter().map(|(t, _)| t - 1_735_120_800_000).collect();
        assert_eq!(times, [0, 20_000, 40_000, 60_000, 120_000]);
        let got = decode(&lines);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got.iter().all(|(mmsi, _)| *mmsi == 230_123_000));
        for (i, (_, p)) in got[..3].iter().enumerate() {
            let (lon, lat) = p.clone().unwrap();
            assert!((lon - (24.5 + i as f64 * 0.003)).abs() < 1e-5 && (lat - 59.7).abs() < 1e-5, "{p:?}");
        }
        assert_eq!((&got[3].1, &got[4].1), (&Err("ALPHA".to_string()), &Err("BRAVO".to_string())));
    }

    #[test]
    fn identity_change_without_positions_is_just_the_names() {
        let lines = identity_change(230_000_007, ["NAMED 1", "RENAMED 1"], 0, 5_000);
        assert_eq!(lines.iter().map(|(t, _)| *t).collect::<Vec<_>>(), [5_000, 65_000]);
        let got = decode(&lines);
        assert_eq!(got, [(230_000_007, Err("NAMED 1".into())), (230_000_007, Err("RENAMED 1".into()))]);
    }
}
