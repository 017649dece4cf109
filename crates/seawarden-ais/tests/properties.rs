//! Property tests: encode → decode round trips, fragment assembly under any
//! interleaving, and conservation of counts on arbitrary input.

use proptest::prelude::*;
use seawarden_ais::encode::to_sentences;
use seawarden_ais::*;

fn header(msg_type: u8) -> impl Strategy<Value = Header> {
    (0u8..4, 0u32..(1 << 30)).prop_map(move |(repeat, mmsi)| Header { msg_type, repeat, mmsi })
}

fn lon() -> impl Strategy<Value = Option<f64>> {
    prop::option::of((-108_000_000i64..=108_000_000).prop_map(|r| r as f64 * DEG_PER_1E4_MIN))
}
fn lat() -> impl Strategy<Value = Option<f64>> {
    prop::option::of((-54_000_000i64..=54_000_000).prop_map(|r| r as f64 * DEG_PER_1E4_MIN))
}
fn speed() -> impl Strategy<Value = Option<f32>> {
    prop::option::of((0u16..1023).prop_map(|r| r as f32 / 10.0))
}
fn course() -> impl Strategy<Value = Option<f32>> {
    prop::option::of((0u16..3600).prop_map(|r| r as f32 / 10.0))
}
fn heading() -> impl Strategy<Value = Option<u16>> {
    prop::option::of(0u16..360)
}
fn second() -> impl Strategy<Value = Option<u8>> {
    (0u8..64).prop_map(|s| (s != 60).then_some(s))
}
/// AIS text: characters of the 6-bit alphabet, no '@', no trailing space.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z0-9 ,./()-]{{0,{max}}}")).unwrap().prop_map(|s| s.trim_end().to_string())
}
fn dims() -> impl Strategy<Value = Dimensions> {
    (prop::option::of(1u16..512), prop::option::of(1u16..512), prop::option::of(1u8..64), prop::option::of(1u8..64))
        .prop_map(|(to_bow, to_stern, to_port, to_starboard)| Dimensions { to_bow, to_stern, to_port, to_starboard })
}

fn position_report() -> impl Strategy<Value = AisMessage> {
    (
        (1u8..=3).prop_flat_map(header),
        prop::option::of(0u8..15),
        prop::option::of(-127i8..=127),
        speed(),
        any::<bool>(),
        lon(),
        lat(),
        course(),
        heading(),
        second(),
        prop::option::of(1u8..4),
        (0u8..8, any::<bool>(), 0u32..(1 << 19)),
    )
        .prop_map(|(header, status, rot, speed, accuracy, lon, lat, course, heading, second, maneuver, (spare, raim, radio))| {
            AisMessage::Position(PositionReport { header, status, rot, speed, accuracy, lon, lat, course, heading, second, maneuver, spare, raim, radio })
        })
}

fn static_voyage() -> impl Strategy<Value = AisMessage> {
    (
        header(5),
        0u8..4,
        prop::option::of(1u32..(1 << 30)),
        text(7),
        text(20),
        prop::option::of(1u8..=255),
        dims(),
        prop::option::of(1u8..16),
        (prop::option::of(1u8..13), prop::option::of(1u8..32), prop::option::of(0u8..24), prop::option::of(0u8..60)),
        prop::option::of((1u8..=255).prop_map(|d| d as f32 / 10.0)),
        text(20),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(|(header, ais_version, imo, callsign, shipname, shiptype, dimensions, epfd, (month, day, hour, minute), draught, destination, (dte, spare))| {
            AisMessage::StaticVoyage(StaticVoyageData {
                header,
                ais_version,
                imo,
                callsign: callsign.as_str().into(),
                shipname: shipname.as_str().into(),
                shiptype,
                dimensions,
                epfd,
                eta: Eta { month, day, hour, minute },
                draught,
                destination: destination.as_str().into(),
                dte,
                spare,
            })
        })
}

fn class_b() -> impl Strategy<Value = AisMessage> {
    (header(18), 0u8..=255, speed(), any::<bool>(), lon(), lat(), course(), heading(), second(), 0u8..4, prop::array::uniform7(any::<bool>()), 0u32..(1 << 20))
        .prop_map(|(header, reserved, speed, accuracy, lon, lat, course, heading, second, regional, f, radio)| {
            AisMessage::ClassBPosition(ClassBPosition {
                header,
                reserved,
                speed,
                accuracy,
                lon,
                lat,
                course,
                heading,
                second,
                regional,
                cs: f[0],
                display: f[1],
                dsc: f[2],
                band: f[3],
                msg22: f[4],
                assigned: f[5],
                raim: f[6],
                radio,
            })
        })
}

fn class_b_extended() -> impl Strategy<Value = AisMessage> {
    ((header(19), 0u8..=255), speed(), lon(), lat(), course(), heading(), second(), 0u8..16, text(20), prop::option::of(1u8..=255), dims(), (prop::option::of(1u8..16), prop::array::uniform4(any::<bool>()), 0u8..16))
        .prop_map(|((header, reserved), speed, lon, lat, course, heading, second, regional, name, shiptype, dimensions, (epfd, f, spare))| {
            AisMessage::ClassBExtended(ClassBExtended {
                header,
                reserved,
                speed,
                accuracy: f[0],
                lon,
                lat,
                course,
                heading,
                second,
                regional,
                shipname: name.as_str().into(),
                shiptype,
                dimensions,
                epfd,
                raim: f[1],
                dte: f[2],
                assigned: f[3],
                spare,
            })
        })
}

fn static_data_24() -> impl Strategy<Value = AisMessage> {
    let a = (header(24), text(20)).prop_map(|(header, n)| AisMessage::StaticDataReport(StaticDataReport { header, part: StaticDataPart::A { shipname: n.as_str().into() } }));
    let b = (header(24), prop::option::of(1u8..=255), text(3), 0u8..16, 0u32..(1 << 20), text(7), dims(), 0u32..(1 << 30), prop::option::of(1u8..16)).prop_map(
        |(header, shiptype, vendor, model, serial, callsign, d, mother, epfd)| {
            let dimensions_or_mothership = if is_auxiliary_craft(header.mmsi) { DimensionsOrMothership::Mothership(mother) } else { DimensionsOrMothership::Dimensions(d) };
            AisMessage::StaticDataReport(StaticDataReport {
                header,
                part: StaticDataPart::B { shiptype, vendorid: vendor.as_str().into(), model, serial, callsign: callsign.as_str().into(), dimensions_or_mothership, epfd },
            })
        },
    );
    prop_oneof![a, b]
}

fn long_range() -> impl Strategy<Value = AisMessage> {
    (header(27), any::<bool>(), any::<bool>(), prop::option::of(0u8..15), prop::option::of((-108_000i64..=108_000).prop_map(|r| r as f64 * DEG_PER_1E1_MIN)), prop::option::of((-54_000i64..=54_000).prop_map(|r| r as f64 * DEG_PER_1E1_MIN)), prop::option::of(0u8..63), prop::option::of(0u16..360), any::<bool>(), any::<bool>())
        .prop_map(|(header, accuracy, raim, status, lon, lat, speed, course, gnss, spare)| AisMessage::LongRange(LongRangePosition { header, accuracy, raim, status, lon, lat, speed, course, gnss, spare }))
}

fn base_station() -> impl Strategy<Value = AisMessage> {
    (prop_oneof![Just(4u8), Just(11u8)].prop_flat_map(header), prop::option::of(1u16..10000), prop::option::of(1u8..13), prop::option::of(1u8..32), prop::option::of(0u8..24), prop::option::of(0u8..60), prop::option::of(0u8..60), lon(), lat(), prop::option::of(1u8..16), (any::<bool>(), any::<bool>(), 0u16..512, any::<bool>(), 0u32..(1 << 19)))
        .prop_map(|(header, year, month, day, hour, minute, second, lon, lat, epfd, (accuracy, long_range_control, spare, raim, radio))| {
            AisMessage::BaseStation(BaseStationReport { header, year, month, day, hour, minute, second, accuracy, lon, lat, epfd, long_range_control, spare, raim, radio })
        })
}

fn any_encodable() -> impl Strategy<Value = AisMessage> {
    prop_oneof![position_report(), static_voyage(), class_b(), class_b_extended(), static_data_24(), long_range(), base_station()]
}

fn decode_all(lines: &[String]) -> (Vec<AisMessage>, Stats) {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    let mut sink = |e: Event<'_>| {
        if let Event::Message(m) = e {
            out.push(m.message.clone());
        }
    };
    for l in lines {
        d.feed(l.as_bytes(), &mut sink);
    }
    d.finish(&mut sink);
    (out, d.stats().clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_decode_round_trip(m in any_encodable()) {
        let payload = m.encode().expect("encodable");
        prop_assert_eq!(AisMessage::decode(&payload).unwrap(), m.clone());
        // And through NMEA sentences, split into fragments.
        let sentences = to_sentences(&payload, "AI", 'A', 7, 20);
        let (got, stats) = decode_all(&sentences);
        prop_assert_eq!(got, vec![m]);
        prop_assert_eq!(stats.decoded_sentences, sentences.len() as u64);
    }

    /// Several multi-part messages on different channels and sequence ids,
    /// interleaved in any order that keeps each message's own fragments in
    /// order, decode to the same messages.
    #[test]
    fn assembly_is_independent_of_interleaving(msgs in prop::collection::vec(static_voyage(), 1..6), seed in any::<u64>()) {
        let groups: Vec<Vec<String>> = msgs.iter().enumerate().map(|(i, m)| {
            let channel = if i % 2 == 0 { 'A' } else { 'B' };
            to_sentences(&m.encode().unwrap(), "AI", channel, (i / 2) as u8, 30)
        }).collect();
        // Merge the groups in a pseudo-random order driven by `seed`.
        let mut cursors = vec![0usize; groups.len()];
        let mut lines = Vec::new();
        let mut state = seed | 1;
        while lines.len() < groups.iter().map(Vec::len).sum() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            let g = (state % groups.len() as u64) as usize;
            if cursors[g] < groups[g].len() {
                lines.push(groups[g][cursors[g]].clone());
                cursors[g] += 1;
            }
        }
        let (mut got, stats) = decode_all(&lines);
        let mut want = msgs.clone();
        let key = |m: &AisMessage| (m.mmsi(), format!("{m:?}"));
        got.sort_by_key(key);
        want.sort_by_key(key);
        prop_assert_eq!(got, want);
        prop_assert_eq!(stats.rejected_total(), 0);
    }

    /// Whatever the input, every line and every sentence is accounted for.
    #[test]
    fn counts_are_conserved(lines in prop::collection::vec(prop_oneof![
        any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[!\\\\$A-Za-z0-9,*:.\\-]{0,90}",
        any_encodable().prop_map(|m| to_sentences(&m.encode().unwrap(), "AB", 'B', 1, 25).join("\n")),
        Just("\\g:1-2-77*58\\!AIVDM,2,1,3,A,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0`<3557l0<50@kk@K5h@00000,0*0E".to_string()),
        Just("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B".to_string()),
    ], 0..40)) {
        let lines: Vec<String> = lines.iter().flat_map(|l| l.split('\n').map(str::to_string).collect::<Vec<_>>()).collect();
        let mut d = Decoder::new();
        let mut sink = |_e: Event<'_>| {};
        for (i, l) in lines.iter().enumerate() {
            d.feed(l.as_bytes(), &mut sink);
            let s = d.stats();
            prop_assert_eq!(s.lines, i as u64 + 1);
            prop_assert_eq!(s.lines, s.blank + s.non_ais + s.wrappers + s.ais_lines);
            prop_assert_eq!(s.sentences, s.decoded_sentences + s.rejected_total() + s.pending);
        }
        d.finish(&mut sink);
        let s = d.stats();
        prop_assert_eq!(s.pending, 0);
        prop_assert_eq!(s.sentences, s.decoded_sentences + s.rejected_total());
    }
}
