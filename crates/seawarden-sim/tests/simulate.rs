//! The simulator's output: determinism for a seed, NMEA that Seawarden's own
//! decoder reads, ITU-R M.1371-5 reporting intervals, static data every six
//! minutes, receivers' impairments and the truth file.

use std::collections::HashMap;
use std::path::PathBuf;

use seawarden_ais::{Decoder, Event};
use seawarden_sim::{read_truth, reporting_interval_ms, write_truth, Scenario};

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// A small scenario on the real Gulf of Finland geography: a lane with
/// class A and B ships, one scripted anchor drag across Estlink 2.
const SMALL: &str = r#"
start = "2024-12-25T08:00:00Z"
duration_h = 2.5
[world]
infra = ["../demo/geo/cable-geo-north-europe.json", "../demo/geo/baltic-energy-approx.geojson"]
zones = ["../demo/geo/countries-maritime-north-europe.geojson"]
[radio]
receivers = [{ id = "FI-Porvoo", at = [60.25, 25.70], range_nm = 40 }, { id = "EE-Kunda", at = [59.52, 26.55], range_nm = 40 }]
corrupt = 0.01
duplicate = 0.01
[[lane]]
route = [[59.93, 25.30], [59.93, 26.40]]
ships_per_hour = 4
class_b = 0.3
speed_kn = [11.0, 13.0]
[[anchorage]]
center = [60.20, 25.19]
radius_m = 800
ships = 2
[[vessel]]
mmsi = 518998000
name = "EAGLE S"
imo = 9329760
shiptype = 80
start = [59.93, 26.60]
[[vessel.leg]]
to = [59.93, 26.35]
speed_kn = 9.5
[[vessel.leg]]
to = [59.92, 25.90]
speed_kn = 6.0
truth = ["anchor_drag"]
"#;

fn small() -> Scenario {
    Scenario::from_toml(SMALL, scenarios_dir()).expect("valid scenario")
}

/// Decodes every line; returns (time, mmsi, type, sog) per message and the
/// number of rejected sentences.
/// (receive time, MMSI, message type, speed) of one decoded message.
type Msg = (i64, u32, u8, Option<f32>);

fn decode(lines: &[String]) -> (Vec<Msg>, u64) {
    let mut out = Vec::new();
    let mut d = Decoder::new();
    for l in lines {
        d.feed(l.as_bytes(), &mut |e| {
            if let Event::Message(m) = e {
                let sog = m.message.position().and_then(|f| f.sog);
                out.push((
                    m.meta.rx_time_ms.expect("tag-block time"),
                    m.message.mmsi(),
                    m.message.msg_type(),
                    sog,
                ));
            }
        });
    }
    d.finish(&mut |_| {});
    (out, d.stats().rejected_total())
}

#[test]
fn same_seed_same_traffic_other_seed_other_traffic() {
    let s = small();
    let a = s.simulate(3).unwrap();
    let b = s.simulate(3).unwrap();
    assert_eq!(a.lines, b.lines);
    assert_eq!(a.truth, b.truth);
    let c = s.simulate(4).unwrap();
    assert_ne!(a.lines, c.lines);
    assert_eq!(
        a.truth.len(),
        c.truth.len(),
        "the script is the same, only the traffic differs"
    );
}

#[test]
fn lines_decode_with_receive_times_in_order() {
    let sim = small().simulate(1).unwrap();
    assert!(sim.lines.len() > 5_000, "{} lines", sim.lines.len());
    let mut last = 0;
    for l in &sim.lines {
        assert!(l.starts_with("\\s:"), "tag block first: {l}");
        let c = l.find(",c:").expect("receive time");
        let secs: i64 = l[c + 3..].split('*').next().unwrap().parse().unwrap();
        assert!(secs >= last, "receive-time order");
        last = secs;
    }
    let (msgs, rejected) = decode(&sim.lines);
    // About 1 % of lines are corrupted on purpose; every other line decodes.
    let share = rejected as f64 / sim.lines.len() as f64;
    assert!(share > 0.003 && share < 0.03, "rejected share {share}");
    let types: std::collections::BTreeSet<u8> = msgs.iter().map(|m| m.2).collect();
    for t in [1, 5, 18, 24] {
        assert!(types.contains(&t), "type {t} missing: {types:?}");
    }
    let sent: u64 = sim.vessels.iter().map(|v| v.messages).sum();
    assert!(
        msgs.len() as u64 > sent,
        "two receivers hear most messages: {} decoded, {sent} sent",
        msgs.len()
    );
}

#[test]
fn reporting_intervals_follow_itu_and_static_every_six_minutes() {
    assert_eq!(reporting_interval_ms(false, 12.0, Some(0)), 10_000);
    assert_eq!(reporting_interval_ms(false, 18.0, Some(0)), 6_000);
    assert_eq!(reporting_interval_ms(false, 25.0, Some(0)), 2_000);
    assert_eq!(reporting_interval_ms(false, 0.1, Some(1)), 180_000);
    assert_eq!(reporting_interval_ms(true, 12.0, None), 30_000);
    assert_eq!(reporting_interval_ms(true, 1.0, None), 180_000);
    let s = Scenario::from_toml(
        &SMALL
            .replace("loss = 0.1", "")
            .replace("corrupt = 0.01", "corrupt = 0.0")
            .replace("duplicate = 0.01", "duplicate = 0.0"),
        scenarios_dir(),
    )
    .unwrap();
    let sim = s.simulate(2).unwrap();
    let (msgs, _) = decode(&sim.lines);
    // Per ship and type, the smallest gaps between distinct transmissions.
    let mut by: HashMap<(u32, u8), Vec<i64>> = HashMap::new();
    for (t, mmsi, ty, _) in &msgs {
        by.entry((*mmsi, *ty)).or_default().push(*t);
    }
    let median_gap = |ts: &mut Vec<i64>| {
        ts.sort();
        ts.dedup_by(|a, b| *a - *b < 1_500);
        let mut gaps: Vec<i64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.sort();
        gaps.get(gaps.len() / 2).copied()
    };
    let (mut a_checked, mut b_checked, mut s_checked) = (0, 0, 0);
    for ((mmsi, ty), ts) in by.iter_mut() {
        let Some(g) = median_gap(ts) else { continue };
        match ty {
            1 if *mmsi != 518998000 && ts.len() > 50 => {
                assert!((9_000..=12_000).contains(&g), "class A at 11-13 kn: {g} ms");
                a_checked += 1;
            }
            18 if ts.len() > 20 => {
                assert!((28_000..=35_000).contains(&g), "class B over 2 kn: {g} ms");
                b_checked += 1;
            }
            5 if ts.len() > 3 => {
                assert!(
                    (355_000..=365_000).contains(&g),
                    "static every 6 min: {g} ms"
                );
                s_checked += 1;
            }
            _ => {}
        }
    }
    assert!(
        a_checked > 3 && b_checked > 0 && s_checked > 3,
        "{a_checked} {b_checked} {s_checked}"
    );
}

#[test]
fn truth_marks_the_drag_on_real_geometry_and_round_trips() {
    let sim = small().simulate(1).unwrap();
    assert_eq!(sim.truth.len(), 1);
    let t = &sim.truth[0];
    assert_eq!(t.kind, "anchor_drag");
    assert_eq!(t.mmsis, [518998000]);
    assert!(
        t.infrastructure.iter().any(|i| i == "estlink-2"),
        "{:?}",
        t.infrastructure
    );
    assert!(t.end_ms() > t.start_ms());
    let mut buf = Vec::new();
    write_truth(&sim.truth, &mut buf).unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert!(text
        .lines()
        .next()
        .unwrap()
        .contains("\"kind\":\"anchor_drag\""));
    assert_eq!(read_truth(&buf[..]).unwrap(), sim.truth);
    assert!(
        read_truth(&b"{\"kind\":\"x\"}\n"[..]).is_err(),
        "a line without times is an error"
    );
}

#[test]
fn bad_scenarios_are_clear_errors() {
    let e = Scenario::from_toml("start = \"yesterday\"\nduration_h = 1", ".").unwrap_err();
    assert!(format!("{e:#}").contains("RFC 3339"), "{e:#}");
    let e = Scenario::from_toml("start = \"2024-01-01T00:00:00Z\"\nduration_h = 1\n[[vessel]]\nmmsi = 1\nstart = [95.0, 0.0]\n[[vessel.leg]]\nminutes = 5\nspeed_kn = 0\n", ".").unwrap_err();
    assert!(format!("{e:#}").contains("[lat, lon]"), "{e:#}");
    let e = Scenario::from_toml(
        "start = \"2024-01-01T00:00:00Z\"\nduration_h = 1\nbogus = 3\n",
        ".",
    )
    .unwrap_err();
    assert!(format!("{e:#}").contains("bogus"), "{e:#}");
    let e = Scenario::from_toml("start = \"2024-01-01T00:00:00Z\"\nduration_h = 1\n[[vessel]]\nmmsi = 2\nstart = [60.0, 25.0]\n[[vessel.leg]]\nminutes = 5\nspeed_kn = 1\ntruth = [\"teleport\"]\n", ".").unwrap_err();
    assert!(format!("{e:#}").contains("unknown truth kind"), "{e:#}");
    let missing = Scenario::from_toml(
        "start = \"2024-01-01T00:00:00Z\"\nduration_h = 1\n[world]\ninfra = [\"nope.geojson\"]\n",
        ".",
    )
    .unwrap();
    assert!(missing.simulate(1).is_err());
}
