//! The scoring rules of docs/evaluation.md, on hand-written truth and alerts.

use seawarden_sim::{evaluate, read_alerts, Report, TruthEvent};

fn truth(kind: &str, mmsis: &[u32], start: &str, end: &str) -> TruthEvent {
    TruthEvent {
        kind: kind.into(),
        mmsis: mmsis.to_vec(),
        start: start.into(),
        end: end.into(),
        infrastructure: vec![],
        scenario: "t".into(),
        vessel_name: String::new(),
        note: String::new(),
    }
}

const ALERTS: &str = r#"{"id":"anchor_drag-1-a","kind":"anchor_drag","event":"start","mmsi":1,"start":"2025-01-01T10:00:00Z","end":"2025-01-01T10:12:00Z","score":55}
{"id":"anchor_drag-1-a","kind":"anchor_drag","event":"update","mmsi":1,"start":"2025-01-01T10:00:00Z","end":"2025-01-01T10:40:00Z","score":70}
{"id":"anchor_drag-1-a","kind":"anchor_drag","event":"end","mmsi":1,"start":"2025-01-01T10:00:00Z","end":"2025-01-01T11:00:00Z","score":70}
{"id":"encounter-5-b","kind":"encounter","event":"start","mmsi":5,"other_mmsi":2,"start":"2025-01-01T12:00:00Z","end":"2025-01-01T12:30:00Z"}
{"id":"loitering-1-c","kind":"loitering","event":"start","mmsi":1,"start":"2025-01-01T10:00:00Z","end":"2025-01-01T12:00:00Z"}
{"id":"ais_gap-9-d","kind":"ais_gap","event":"start","mmsi":9,"start":"2025-01-01T10:00:00Z","end":"2025-01-01T10:20:00Z"}
{"id":"drift-3-e","kind":"drift","event":"start","mmsi":3,"start":"2025-01-01T18:00:00Z","end":"2025-01-01T18:20:00Z"}
"#;

#[test]
fn episodes_match_by_kind_vessel_and_time_with_tolerance() {
    let alerts = read_alerts(ALERTS.as_bytes()).unwrap();
    let t = vec![
        truth(
            "anchor_drag",
            &[1],
            "2025-01-01T09:50:00Z",
            "2025-01-01T11:00:00Z",
        ),
        // Matched through other_mmsi.
        truth(
            "encounter",
            &[2, 5],
            "2025-01-01T11:50:00Z",
            "2025-01-01T13:00:00Z",
        ),
        // The drift alert is 3 hours after this event: outside the tolerance.
        truth(
            "drift",
            &[3],
            "2025-01-01T14:00:00Z",
            "2025-01-01T15:00:00Z",
        ),
        // Not scored.
        truth(
            "incident",
            &[1],
            "2025-01-01T09:50:00Z",
            "2025-01-01T11:00:00Z",
        ),
    ];
    let r = evaluate(&t, &alerts, 2000.0);
    let k = |name: &str| r.kinds.iter().find(|k| k.kind == name).unwrap().clone();
    let drag = k("anchor_drag");
    assert_eq!(
        (
            drag.truth_events,
            drag.detected,
            drag.alerts,
            drag.true_alerts
        ),
        (1, 1, 1, 1),
        "three lines, one episode"
    );
    assert_eq!(
        drag.median_delay_s,
        Some(22 * 60),
        "first line at 10:12, behaviour from 09:50"
    );
    assert_eq!(k("encounter").detected, 1);
    let drift = k("drift");
    assert_eq!((drift.detected, drift.alerts, drift.true_alerts), (0, 1, 0));
    // Loitering on vessel 1 and the late drift on vessel 3 match nothing:
    // false, but on injected vessels, so not background false alerts. The
    // gap on vessel 9 is one.
    assert_eq!(k("loitering").precision, Some(0.0));
    assert_eq!(r.background_false_alerts, 1);
    assert_eq!(r.false_alerts_per_1000_vessel_hours, Some(0.5));
    assert_eq!(r.total.truth_events, 3, "incident events are not scored");
    assert_eq!(r.missed.len(), 1);
    assert_eq!(r.false_alerts.len(), 3);
    assert!(r.table().contains("anchor_drag"));
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["total"]["detected"], 2);
}

#[test]
fn reports_merge_across_scenarios() {
    let alerts = read_alerts(ALERTS.as_bytes()).unwrap();
    let t = vec![truth(
        "anchor_drag",
        &[1],
        "2025-01-01T09:50:00Z",
        "2025-01-01T11:00:00Z",
    )];
    let mut total = Report::default();
    total.merge(evaluate(&t, &alerts, 1000.0));
    total.merge(evaluate(&t, &alerts, 1000.0));
    let drag = total
        .kinds
        .iter()
        .find(|k| k.kind == "anchor_drag")
        .unwrap();
    assert_eq!((drag.truth_events, drag.detected), (2, 2));
    assert_eq!(total.background_vessel_hours, 2000.0);
    assert_eq!(
        total.background_false_alerts, 6,
        "gap, drift and encounter on vessels outside the truth, twice"
    );
}

#[test]
fn bad_alert_lines_are_errors_naming_the_line() {
    let e = read_alerts("{\"id\":\"x\"}\n".as_bytes()).unwrap_err();
    assert!(format!("{e:#}").contains("line 1"), "{e:#}");
}
