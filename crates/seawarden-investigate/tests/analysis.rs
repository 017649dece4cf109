//! The analysis on tracks built here: a ship slowing over the cable, a
//! ferry crossing at speed, a dark crossing, ships that never come near;
//! crossing detection against brute force; the JSON and HTML outputs.

use seawarden_geo::{Feature, FeatureKind, LatLon, LineFeature, ZoneFeature};
use seawarden_investigate::*;
use seawarden_registry::{Ports, WatchEntry, Watchlist};
use seawarden_track::{Class, PositionObs};

const MIN: i64 = 60_000;
const T0: i64 = 1_735_120_800_000; // 2024-12-25T10:00:00Z

/// A north-south cable along 25°E from 59.5°N to 60.0°N.
fn cable() -> Target {
    let f = Feature::new("test-cable", "Test Cable", FeatureKind::Cable);
    Target::new(vec![LineFeature::new(
        f,
        vec![vec![LatLon::new(59.5, 25.0), LatLon::new(60.0, 25.0)]],
    )
    .unwrap()])
}

fn obs(mmsi: u32, t: i64, lat: f64, lon: f64, sog: f32, cog: f32, status: u8) -> PositionObs {
    PositionObs {
        time_ms: t,
        mmsi,
        lat,
        lon,
        sog: Some(sog),
        cog: Some(cog),
        heading: None,
        status: Some(status),
        class: Class::A,
        msg_type: 1,
        source: None,
        payload_hash: (mmsi as u64) << 32 ^ t as u64,
    }
}

/// Sails east along `lat` from `lon0`, reporting every `every_s`, at the
/// speed `speed(t_min)` (knots) for `minutes`; `silent(t_min)` drops reports.
fn sail(
    mmsi: u32,
    lat: f64,
    lon0: f64,
    minutes: i64,
    every_s: i64,
    speed: impl Fn(f64) -> f32,
    silent: impl Fn(f64) -> bool,
) -> Vec<PositionObs> {
    let mut out = Vec::new();
    let mut lon = lon0;
    let m_per_deg = 111_320.0 * lat.to_radians().cos();
    let mut t = T0;
    while t <= T0 + minutes * MIN {
        let tm = (t - T0) as f64 / 60_000.0;
        let v = speed(tm);
        if !silent(tm) {
            out.push(obs(mmsi, t, lat, lon, v, 90.0, 0));
        }
        lon += v as f64 * 1852.0 / 3600.0 * every_s as f64 / m_per_deg;
        t += every_s * 1000;
    }
    out
}

fn window() -> Query {
    Query {
        from_ms: T0,
        to_ms: T0 + 10 * 60 * MIN,
        fault: None,
    }
}

fn scene() -> Vec<PositionObs> {
    let mut v = Vec::new();
    // 1: cruising 10 kn, drags at 4 kn steady course for 2 h across the cable.
    v.extend(sail(
        230_000_001,
        59.70,
        24.6,
        480,
        10,
        |t| {
            if (60.0..180.0).contains(&t) {
                4.0
            } else {
                10.0
            }
        },
        |_| false,
    ));
    // 2: ferry at 18 kn, crosses without changing anything.
    v.extend(sail(230_000_002, 59.80, 24.6, 480, 10, |_| 18.0, |_| false));
    // 3: AIS off for 3 hours around the cable, sailing 10 kn but slow in the dark.
    v.extend(sail(
        230_000_003,
        59.60,
        24.2,
        600,
        10,
        |t| {
            if (100.0..280.0).contains(&t) {
                3.0
            } else {
                10.0
            }
        },
        |t| (90.0..290.0).contains(&t),
    ));
    // 4: passes 20 km south of the cable's end.
    v.extend(sail(230_000_004, 59.30, 24.0, 480, 10, |_| 12.0, |_| false));
    v.sort_by_key(|p| (p.mmsi, p.time_ms));
    v
}

fn run(positions: &[PositionObs], q: &Query) -> Investigation {
    let ports = Ports::north_europe();
    investigate(
        &cable(),
        q,
        positions,
        &[],
        Context {
            ports: Some(&ports),
            watchlist: None,
            alerts: &[],
        },
        &Params::default(),
    )
}

#[test]
fn slow_and_dark_crossings_rank_above_a_ferry() {
    let inv = run(&scene(), &window());
    let ids: Vec<u32> = inv.suspects.iter().map(|s| s.mmsi).collect();
    assert_eq!(inv.ships, 4);
    assert!(
        !ids.contains(&230_000_004),
        "a ship passing 20 km south of the end is no suspect: {ids:?}"
    );
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(
        *ids.last().unwrap(),
        230_000_002,
        "the ferry ranks last: {:#?}",
        inv.suspects
    );
    let by = |m: u32| inv.suspects.iter().find(|s| s.mmsi == m).unwrap();
    let (drag, ferry, dark) = (by(230_000_001), by(230_000_002), by(230_000_003));
    assert!(
        ferry.score < 10.0,
        "ferry {}: {:#?}",
        ferry.score,
        ferry.reasons
    );
    assert!(
        drag.score >= 40.0,
        "drag {}: {:#?}",
        drag.score,
        drag.reasons
    );
    assert!(
        dark.score >= 30.0,
        "dark {}: {:#?}",
        dark.score,
        dark.reasons
    );

    // The dragging ship: one crossing, slow at it, fast before and after.
    assert_eq!(drag.crossings.len(), 1);
    let c = &drag.crossings[0];
    assert!(!c.inferred_dark);
    assert!((c.sog_at.unwrap() - 4.0).abs() < 0.01);
    assert!((drag.baseline_sog.unwrap() - 10.0).abs() < 0.01);
    assert!(drag.drag_minutes >= 110.0, "{}", drag.drag_minutes);
    assert!(c.cog_change.unwrap().abs() < 1.0);
    let points = |s: &Suspect, f: &str| {
        s.reasons
            .iter()
            .find(|r| r.factor == f)
            .map_or(0.0, |r| r.points)
    };
    assert_eq!(points(drag, "anchor_drag"), caps::ANCHOR_DRAG);
    assert!(points(drag, "slowdown") > 10.0);

    // The ferry: crossing at 18 kn, no slowdown.
    assert_eq!(ferry.crossings.len(), 1);
    assert!((ferry.crossings[0].sog_at.unwrap() - 18.0).abs() < 0.01);
    assert_eq!(points(ferry, "slowdown"), 0.0);
    assert_eq!(points(ferry, "dark_crossing"), 0.0);

    // The dark crossing: inferred from the gap, with its length and speed.
    assert_eq!(dark.crossings.len(), 1);
    let d = &dark.crossings[0];
    assert!(d.inferred_dark);
    assert!(d.sog_at.is_none());
    assert!((d.gap_s - 200.0 * 60.0).abs() <= 20.0, "{}", d.gap_s);
    assert!(d.implied_kn < 6.0, "straight-line {} kn", d.implied_kn);
    assert_eq!(dark.gaps.len(), 1);
    assert!(dark.gaps[0].crosses_target);
    assert!(points(dark, "dark_crossing") >= 25.0);
    // The crossing time is interpolated inside the gap.
    assert!(d.time_ms > T0 + 90 * MIN && d.time_ms < T0 + 290 * MIN);

    // Reasons add up to the score.
    for s in &inv.suspects {
        let sum: f64 = s.reasons.iter().map(|r| r.points).sum();
        assert!(
            (sum.min(100.0) - s.score).abs() < 0.05,
            "{} vs {}",
            sum,
            s.score
        );
        assert!(s.reasons.windows(2).all(|w| w[0].points >= w[1].points));
    }
}

#[test]
fn window_and_fault_restrict_the_suspects() {
    let v = scene();
    // A window that ends before any crossing: only corridor presence counts, and nobody is there yet.
    let early = Query {
        from_ms: T0,
        to_ms: T0 + 20 * MIN,
        fault: None,
    };
    assert!(run(&v, &early).suspects.is_empty());
    // A fault near the ferry's crossing (59.80N) with 3 km radius: only the ferry.
    let q = Query {
        fault: Some(Fault {
            lat: 59.80,
            lon: 25.0,
            radius_m: 3_000.0,
        }),
        ..window()
    };
    let ids: Vec<u32> = run(&v, &q).suspects.iter().map(|s| s.mmsi).collect();
    assert_eq!(ids, vec![230_000_002]);
    // A radius that holds all three crossings (59.6 to 59.8N is 22 km).
    let q = Query {
        fault: Some(Fault {
            lat: 59.70,
            lon: 25.0,
            radius_m: 13_000.0,
        }),
        ..window()
    };
    assert_eq!(run(&v, &q).suspects.len(), 3);
    assert!(Query {
        from_ms: 2,
        to_ms: 1,
        fault: None
    }
    .validate()
    .is_err());
    assert!(Query {
        fault: Some(Fault {
            lat: 95.0,
            lon: 0.0,
            radius_m: 1.0
        }),
        ..window()
    }
    .validate()
    .is_err());
}

#[test]
fn loitering_at_anchor_in_the_corridor() {
    // Anchored 300 m from the cable for 3 h, status 1, swinging across it.
    let mut v = Vec::new();
    for k in 0..(180 * 6) {
        let t = T0 + 60 * MIN + k * 10_000;
        let swing = ((k as f64) / 40.0).sin() * 0.004; // about ±220 m
        v.push(obs(
            230_000_010,
            t,
            59.75,
            25.0 + 0.0054 + swing - 0.0054 * 0.9,
            0.2,
            200.0,
            1,
        ));
    }
    let inv = run(&v, &window());
    assert_eq!(inv.suspects.len(), 1);
    let s = &inv.suspects[0];
    assert!(s.loiter_minutes > 170.0, "{}", s.loiter_minutes);
    assert!(s.statuses.contains(&1));
    let r = |f: &str| s.reasons.iter().find(|r| r.factor == f).unwrap().points;
    assert_eq!(r("loitering"), caps::LOITERING);
    assert_eq!(r("nav_status"), caps::NAV_STATUS);
    // Swinging back and forth over the line counts as few passes, not hundreds.
    assert!(s.crossings.len() <= 180 / 10 + 1, "{}", s.crossings.len());
}

#[test]
fn duplicates_bad_fixes_and_unsorted_input() {
    let mut v = scene();
    // Copies from a second receiver, an invalid position, a spoofed jump.
    let extra: Vec<PositionObs> = v.iter().step_by(7).cloned().collect();
    v.extend(extra);
    v.push(obs(
        230_000_002,
        T0 + 30 * MIN + 5_000,
        91.0,
        181.0,
        0.0,
        0.0,
        0,
    ));
    v.push(obs(
        230_000_002,
        T0 + 31 * MIN + 5_000,
        10.0,
        10.0,
        18.0,
        90.0,
        0,
    ));
    v.reverse();
    let inv = run(&v, &window());
    let reference = run(&scene(), &window());
    assert!(inv.dropped >= 2, "the invalid position and the jump");
    assert!(inv.repeated > 0, "the receivers' copies");
    assert_eq!(inv.suspects.len(), reference.suspects.len());
    for (a, b) in inv.suspects.iter().zip(&reference.suspects) {
        assert_eq!(
            (a.mmsi, a.score, a.crossings.len()),
            (b.mmsi, b.score, b.crossings.len())
        );
    }
}

#[test]
fn watchlist_port_and_flag() {
    let mut v = scene();
    // Ship 1 (MID 230: Finland) left Ust-Luga (59.67N 28.32E) shortly before.
    let mut port: Vec<PositionObs> = (0..30)
        .map(|k| {
            obs(
                230_000_001,
                T0 - 6 * 60 * MIN + k * 60_000,
                59.675,
                28.31,
                0.0,
                0.0,
                5,
            )
        })
        .collect();
    port.append(&mut v);
    v = port;
    let list = Watchlist::from_entries([WatchEntry {
        mmsi: Some(230_000_002),
        name: "FERRY".into(),
        list: "TEST".into(),
        reason: "test entry".into(),
        ..WatchEntry::default()
    }]);
    let ports = Ports::north_europe();
    let alerts = vec![
        PriorAlert {
            kind: "anchor_drag".into(),
            mmsi: 230_000_001,
            start_ms: T0 + 70 * MIN,
            end_ms: T0 + 170 * MIN,
            score: 80,
            summary: "drag".into(),
        },
        PriorAlert {
            kind: "loitering".into(),
            mmsi: 230_000_001,
            start_ms: T0 - 48 * 60 * MIN,
            end_ms: T0 - 47 * 60 * MIN,
            score: 50,
            summary: "long before".into(),
        },
    ];
    let params = Params {
        flags_of_interest: vec!["FI".into()],
        ..Params::default()
    };
    let inv = investigate(
        &cable(),
        &window(),
        &v,
        &[],
        Context {
            ports: Some(&ports),
            watchlist: Some(&list),
            alerts: &alerts,
        },
        &params,
    );
    let by = |m: u32| inv.suspects.iter().find(|s| s.mmsi == m).unwrap();
    let lp = by(230_000_001)
        .last_port
        .as_ref()
        .expect("last port of call");
    assert!(lp.of_interest && lp.country == "RU", "{lp:?}");
    assert_eq!(by(230_000_001).flag.as_deref(), Some("FI"));
    let r = |s: &Suspect, f: &str| {
        s.reasons
            .iter()
            .find(|r| r.factor == f)
            .map_or(0.0, |r| r.points)
    };
    assert_eq!(
        r(by(230_000_001), "port_of_interest"),
        caps::PORT_OF_INTEREST
    );
    assert_eq!(
        r(by(230_000_001), "flag_of_interest"),
        caps::FLAG_OF_INTEREST
    );
    assert_eq!(by(230_000_002).watchlist.len(), 1);
    // The stored alert in the window is shown, scoring nothing; the one two days before is not.
    let drag = by(230_000_001);
    assert_eq!(drag.alerts.len(), 1);
    let shown = drag.reasons.iter().find(|r| r.factor == "alerts").unwrap();
    assert!(shown.points == 0.0 && shown.detail.contains("anchor_drag"));
    assert!(by(230_000_002).alerts.is_empty());
    assert_eq!(r(by(230_000_002), "watchlist"), caps::WATCHLIST);
}

/// Deterministic pseudo-random numbers (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Where segments p0-p1 and q0-q1 meet (fraction along p), in plain
/// longitude/latitude (crossing fractions do not depend on the projection).
fn intersect(p0: (f64, f64), p1: (f64, f64), q0: (f64, f64), q1: (f64, f64)) -> Option<f64> {
    let r = (p1.0 - p0.0, p1.1 - p0.1);
    let s = (q1.0 - q0.0, q1.1 - q0.1);
    let den = r.0 * s.1 - r.1 * s.0;
    if den.abs() < 1e-15 {
        return None;
    }
    let w = (q0.0 - p0.0, q0.1 - p0.1);
    let t = (w.0 * s.1 - w.1 * s.0) / den;
    let u = (w.0 * r.1 - w.1 * r.0) / den;
    ((0.0..=1.0).contains(&t) && (0.0..1.0).contains(&u)).then_some(t)
}

#[test]
fn crossings_match_brute_force() {
    // A zigzag cable and random walks around it, reports 5 to 40 min apart.
    let pts: Vec<LatLon> = (0..12)
        .map(|i| {
            LatLon::new(
                59.5 + i as f64 * 0.05,
                25.0 + if i % 2 == 0 { 0.0 } else { 0.08 },
            )
        })
        .collect();
    let target = Target::new(vec![LineFeature::new(
        Feature::new("zz", "Zigzag", FeatureKind::Cable),
        vec![pts.clone()],
    )
    .unwrap()]);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let q = Query {
        from_ms: T0,
        to_ms: T0 + 48 * 60 * MIN,
        fault: None,
    };
    let mut total = 0;
    for ship in 0..60u32 {
        let mut v = Vec::new();
        let (mut lat, mut lon, mut t) = (
            59.5 + rng.next() * 0.55,
            24.85 + rng.next() * 0.4,
            T0 + (rng.next() * 60.0) as i64 * MIN,
        );
        while t < T0 + 47 * 60 * MIN {
            v.push(obs(240_000_000 + ship, t, lat, lon, 8.0, 90.0, 0));
            let dt = 5 + (rng.next() * 35.0) as i64; // jumps stay under 50 kn
            t += dt * MIN;
            lat = (lat + (rng.next() - 0.5) * 0.04).clamp(59.45, 60.1);
            lon = (lon + (rng.next() - 0.5) * 0.12).clamp(24.8, 25.3);
        }
        // Brute force: every pair against every segment, in time order,
        // with the rule that the same line within 10 minutes is one pass.
        let mut expect: Vec<(i64, f64, f64)> = Vec::new();
        for w in v.windows(2) {
            let mut here: Vec<(f64, (f64, f64))> = Vec::new();
            for s in pts.windows(2) {
                if let Some(f) = intersect(
                    (w[0].lon, w[0].lat),
                    (w[1].lon, w[1].lat),
                    (s[0].lon, s[0].lat),
                    (s[1].lon, s[1].lat),
                ) {
                    here.push((
                        f,
                        (
                            w[0].lat + f * (w[1].lat - w[0].lat),
                            w[0].lon + f * (w[1].lon - w[0].lon),
                        ),
                    ));
                }
            }
            here.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (f, (la, lo)) in here {
                let tc = w[0].time_ms + ((w[1].time_ms - w[0].time_ms) as f64 * f).round() as i64;
                if expect.last().is_some_and(|e| tc - e.0 < 10 * MIN) {
                    continue;
                }
                expect.push((tc, la, lo));
            }
        }
        let inv = investigate(&target, &q, &v, &[], Context::default(), &Params::default());
        let got: Vec<(i64, f64, f64)> = inv.suspects.first().map_or(Vec::new(), |s| {
            s.crossings
                .iter()
                .map(|c| (c.time_ms, c.lat, c.lon))
                .collect()
        });
        assert_eq!(
            got.len(),
            expect.len(),
            "ship {ship}: {got:?} vs {expect:?}"
        );
        for (g, e) in got.iter().zip(&expect) {
            assert!((g.0 - e.0).abs() <= 1_000, "{g:?} vs {e:?}");
            assert!(
                (g.1 - e.1).abs() < 1e-6 && (g.2 - e.2).abs() < 1e-6,
                "{g:?} vs {e:?}"
            );
        }
        total += expect.len();
    }
    assert!(total > 50, "the random walks should cross often: {total}");
}

#[test]
fn json_is_a_ranked_list_with_the_promised_fields() {
    let inv = run(&scene(), &window());
    let v: serde_json::Value = serde_json::from_str(&to_json(&inv.suspects)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    for (i, s) in arr.iter().enumerate() {
        assert_eq!(s["rank"].as_u64(), Some(i as u64 + 1));
        assert!(s["mmsi"].is_u64());
        assert!(s.get("name").is_some());
        let score = s["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
        if i > 0 {
            assert!(arr[i - 1]["score"].as_f64().unwrap() >= score);
        }
        for c in s["crossings"].as_array().unwrap() {
            for k in [
                "feature",
                "time",
                "time_ms",
                "lat",
                "lon",
                "sog_before",
                "sog_at",
                "sog_after",
                "cog_change",
                "inferred_dark",
                "gap_s",
            ] {
                assert!(c.get(k).is_some(), "crossing lacks {k}");
            }
            assert!(c["time"].as_str().unwrap().ends_with('Z'));
        }
        let reasons = s["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty());
        for r in reasons {
            assert!(r["factor"].is_string() && r["points"].is_f64() && r["detail"].is_string());
        }
        assert!(s.get("track").is_none(), "the track is for the report only");
    }
}

/// Checks that every element opened is closed in order (void elements
/// excepted) and that no attribute value or text holds a raw `<`.
fn assert_well_formed(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html.strip_prefix("<!DOCTYPE html>").expect("doctype");
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        assert!(!tag.contains('<'), "raw < inside a tag: {tag}");
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("closing {name} with nothing open"));
            assert_eq!(open, name, "mismatched </{name}>");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !(tag.ends_with('/') || VOID.contains(&name.as_str())) {
                if name == "style" {
                    let close = rest.find("</style>").unwrap();
                    rest = &rest[close + 8..];
                    continue;
                }
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn html_is_self_contained_well_formed_and_escaped() {
    let mut inv = run(&scene(), &window());
    inv.suspects[0].name = Some("<script>alert('x')</script> & \"Co\"".into());
    let custody = Custody {
        inputs: vec![InputFile {
            role: "ais".into(),
            path: "a <b>.nmea".into(),
            bytes: 3,
            sha256: "ab".repeat(32),
        }],
        tool: "seawarden 0.1.0".into(),
        command: "seawarden investigate --feature 'x<y'".into(),
        generated: "2026-12-02T00:00:00Z".into(),
    };
    let target = cable();
    // A large land polygon: drawn clipped to the map, so its far vertices are not in the file.
    let far = [(58.0, 20.0), (58.0, 40.0), (70.0, 40.0), (70.0, 20.0)];
    let land = vec![ZoneFeature::new(
        Feature::new("land", "land", FeatureKind::Aoi),
        vec![vec![far
            .iter()
            .map(|&(la, lo)| LatLon::new(la, lo))
            .collect()]],
    )
    .unwrap()];
    let html = render_html(&ReportInput {
        target: &target,
        query: &window(),
        investigation: &inv,
        custody: &custody,
        land: &land,
        top: 10,
    });
    assert!(html.contains("class=\"land\""));
    assert_well_formed(&html);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no script at all");
    assert!(!lower.contains("http"), "no external reference");
    assert!(
        !lower.contains("url(") || !lower.contains("url(http"),
        "no external url"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert!(html.contains("a &lt;b&gt;.nmea") && html.contains(&"ab".repeat(32)));
    assert!(html.contains("x&lt;y"));
    // One map, one speed plot per suspect, a crossing marker per crossing.
    assert_eq!(html.matches("<svg class=\"map\"").count(), 1);
    assert_eq!(html.matches("<svg class=\"speed\"").count(), 3);
    let crossings: usize = inv.suspects.iter().map(|s| s.crossings.len()).sum();
    assert_eq!(html.matches("<circle class=\"crossing").count(), crossings);
    assert_eq!(html.matches("<line class=\"cross").count(), crossings);
    assert!(html.contains("Chain of custody"));
}

#[test]
fn unknown_feature_is_a_clear_error() {
    let f = Feature::new("a", "Alpha", FeatureKind::Cable);
    let l = LineFeature::new(
        f,
        vec![vec![LatLon::new(59.5, 25.0), LatLon::new(60.0, 25.0)]],
    )
    .unwrap();
    let e = Target::select(vec![l.clone()], &["nope".into()])
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::UnknownFeature);
    assert!(e.to_string().contains("nope") && e.to_string().contains("a"));
    assert_eq!(
        Target::select(vec![l.clone()], &["ALPHA".into()])
            .unwrap()
            .features()
            .len(),
        1
    );
    assert_eq!(
        Target::select(vec![l], &[]).err().unwrap().kind(),
        ErrorKind::Usage
    );
}
