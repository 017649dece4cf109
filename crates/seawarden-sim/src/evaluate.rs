//! Scoring alerts against ground truth: precision, recall, timeliness and
//! false alerts per 1,000 vessel-hours (the rules are in
//! `docs/evaluation.md`).

use std::collections::BTreeMap;
use std::io::BufRead;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::scenario::{parse_rfc3339, KINDS};
use crate::truth::TruthEvent;

/// How far outside a truth event's [start, end] an alert episode may lie and
/// still match it, milliseconds (15 minutes: detectors that need a
/// duration report after it has elapsed, and episodes close after some
/// silence).
pub const DEFAULT_TOLERANCE_MS: i64 = 15 * 60_000;

/// The fields of an alert line that scoring needs (any `seawarden replay`
/// alert line parses into it; other fields are ignored).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AlertLine {
    /// Episode id.
    pub id: String,
    /// Detector kind.
    pub kind: String,
    /// `start`, `update` or `end`.
    #[serde(default)]
    pub event: String,
    /// Vessel.
    pub mmsi: u32,
    /// Other vessel.
    #[serde(default)]
    pub other_mmsi: Option<u32>,
    /// Episode start, RFC 3339.
    pub start: String,
    /// Event time, RFC 3339.
    pub end: String,
    /// Score 0-100.
    #[serde(default)]
    pub score: u8,
}

impl From<&seawarden_detect::Alert> for AlertLine {
    fn from(a: &seawarden_detect::Alert) -> Self {
        AlertLine {
            id: a.id.clone(),
            kind: a.kind.as_str().to_string(),
            event: a.event.to_string(),
            mmsi: a.mmsi,
            other_mmsi: a.other_mmsi,
            start: a.start.clone(),
            end: a.end.clone(),
            score: a.score,
        }
    }
}

/// Reads alert lines (JSON Lines); errors name the line at fault.
pub fn read_alerts(input: impl BufRead) -> Result<Vec<AlertLine>> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.context("cannot read alerts")?;
        if line.trim().is_empty() {
            continue;
        }
        let a: AlertLine = serde_json::from_str(&line)
            .with_context(|| format!("alert line {}: not an alert", i + 1))?;
        if parse_rfc3339(&a.start).is_none() || parse_rfc3339(&a.end).is_none() {
            anyhow::bail!(
                "alert line {}: start and end must be RFC 3339 UTC times",
                i + 1
            );
        }
        out.push(a);
    }
    Ok(out)
}

/// One alert episode: all lines with one id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    /// Episode id.
    pub id: String,
    /// Detector kind.
    pub kind: String,
    /// Vessel.
    pub mmsi: u32,
    /// Other vessel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_mmsi: Option<u32>,
    /// Earliest start over its lines, ms.
    pub start_ms: i64,
    /// Latest event time, ms.
    pub end_ms: i64,
    /// When it was first reported (event time of its first line), ms.
    pub first_alert_ms: i64,
    /// Highest score.
    pub score: u8,
}

/// Groups alert lines into episodes by id, in order of first report.
pub fn episodes(alerts: &[AlertLine]) -> Vec<Episode> {
    let mut by_id: BTreeMap<&str, Episode> = BTreeMap::new();
    for a in alerts {
        let (s, e) = (
            parse_rfc3339(&a.start).unwrap_or(0),
            parse_rfc3339(&a.end).unwrap_or(0),
        );
        let ep = by_id.entry(&a.id).or_insert(Episode {
            id: a.id.clone(),
            kind: a.kind.clone(),
            mmsi: a.mmsi,
            other_mmsi: a.other_mmsi,
            start_ms: s,
            end_ms: e,
            first_alert_ms: e,
            score: a.score,
        });
        ep.start_ms = ep.start_ms.min(s);
        ep.end_ms = ep.end_ms.max(e);
        ep.first_alert_ms = ep.first_alert_ms.min(e);
        ep.score = ep.score.max(a.score);
    }
    let mut v: Vec<Episode> = by_id.into_values().collect();
    v.sort_by(|a, b| (a.first_alert_ms, &a.id).cmp(&(b.first_alert_ms, &b.id)));
    v
}

/// The scores of one detector kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KindScore {
    /// Detector kind.
    pub kind: String,
    /// Truth events of this kind.
    pub truth_events: usize,
    /// Truth events matched by at least one episode.
    pub detected: usize,
    /// Episodes of this kind.
    pub alerts: usize,
    /// Episodes that match a truth event.
    pub true_alerts: usize,
    /// `detected / truth_events`; `None` without truth events.
    pub recall: Option<f64>,
    /// `true_alerts / alerts`; `None` without alerts.
    pub precision: Option<f64>,
    /// Median delay from the start of the behaviour to the first alert, s.
    pub median_delay_s: Option<i64>,
    /// Longest such delay, s.
    pub max_delay_s: Option<i64>,
    /// Every delay, s (one per detected truth event).
    #[serde(skip)]
    pub delays_s: Vec<i64>,
}

impl KindScore {
    fn finish(&mut self) {
        self.recall =
            (self.truth_events > 0).then(|| self.detected as f64 / self.truth_events as f64);
        self.precision = (self.alerts > 0).then(|| self.true_alerts as f64 / self.alerts as f64);
        let mut d = self.delays_s.clone();
        d.sort();
        self.median_delay_s = (!d.is_empty()).then(|| d[d.len() / 2]);
        self.max_delay_s = d.last().copied();
    }
}

/// A missed truth event or a false alert, for the report's details.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    /// Scenario.
    pub scenario: String,
    /// Kind.
    pub kind: String,
    /// Vessel(s).
    pub mmsis: Vec<u32>,
    /// Start, RFC 3339.
    pub start: String,
    /// Episode id (false alerts) or note (missed events).
    pub detail: String,
}

/// The evaluation of one or more scenarios.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Scenarios scored.
    pub scenarios: Vec<String>,
    /// Per detector kind, in the order of [`KINDS`].
    pub kinds: Vec<KindScore>,
    /// All kinds together.
    pub total: KindScore,
    /// Hours of background traffic.
    pub background_vessel_hours: f64,
    /// False alert episodes on background vessels (MMSIs in no truth event).
    pub background_false_alerts: usize,
    /// `background_false_alerts` per 1,000 background vessel-hours.
    pub false_alerts_per_1000_vessel_hours: Option<f64>,
    /// Truth events no alert matched.
    pub missed: Vec<Miss>,
    /// Alert episodes that matched no truth event.
    pub false_alerts: Vec<Miss>,
}

/// Scores `alerts` against `truth` with the default tolerance.
pub fn evaluate(
    truth: &[TruthEvent],
    alerts: &[AlertLine],
    background_vessel_hours: f64,
) -> Report {
    evaluate_with(
        truth,
        alerts,
        background_vessel_hours,
        DEFAULT_TOLERANCE_MS,
        "",
    )
}

/// Scores `alerts` against `truth`: an episode matches a truth event when
/// the kinds agree, its `mmsi` or `other_mmsi` is among the event's MMSIs
/// and it overlaps [start - tolerance, end + tolerance].
pub fn evaluate_with(
    truth: &[TruthEvent],
    alerts: &[AlertLine],
    background_vessel_hours: f64,
    tolerance_ms: i64,
    scenario: &str,
) -> Report {
    let eps = episodes(alerts);
    let matches = |t: &TruthEvent, e: &Episode| {
        e.kind == t.kind
            && (t.mmsis.contains(&e.mmsi) || e.other_mmsi.is_some_and(|o| t.mmsis.contains(&o)))
            && e.start_ms <= t.end_ms() + tolerance_ms
            && e.end_ms >= t.start_ms() - tolerance_ms
    };
    let involved: std::collections::HashSet<u32> =
        truth.iter().flat_map(|t| t.mmsis.iter().copied()).collect();
    let mut kinds: Vec<KindScore> = KINDS
        .iter()
        .map(|k| KindScore {
            kind: k.to_string(),
            ..KindScore::default()
        })
        .collect();
    let slot = |kinds: &mut Vec<KindScore>, k: &str| -> usize {
        match kinds.iter().position(|s| s.kind == k) {
            Some(i) => i,
            None => {
                kinds.push(KindScore {
                    kind: k.to_string(),
                    ..KindScore::default()
                });
                kinds.len() - 1
            }
        }
    };
    let mut report = Report {
        background_vessel_hours,
        scenarios: if scenario.is_empty() {
            vec![]
        } else {
            vec![scenario.to_string()]
        },
        ..Report::default()
    };
    for t in truth.iter().filter(|t| t.kind != crate::scenario::INCIDENT) {
        let i = slot(&mut kinds, &t.kind);
        kinds[i].truth_events += 1;
        let first = eps
            .iter()
            .filter(|e| matches(t, e))
            .map(|e| e.first_alert_ms)
            .min();
        match first {
            Some(ms) => {
                kinds[i].detected += 1;
                kinds[i].delays_s.push((ms - t.start_ms()) / 1000);
            }
            None => report.missed.push(Miss {
                scenario: t.scenario.clone(),
                kind: t.kind.clone(),
                mmsis: t.mmsis.clone(),
                start: t.start.clone(),
                detail: t.note.clone(),
            }),
        }
    }
    for e in &eps {
        let i = slot(&mut kinds, &e.kind);
        kinds[i].alerts += 1;
        if truth
            .iter()
            .filter(|t| t.kind != crate::scenario::INCIDENT)
            .any(|t| matches(t, e))
        {
            kinds[i].true_alerts += 1;
        } else {
            let mut mmsis = vec![e.mmsi];
            mmsis.extend(e.other_mmsi);
            let background =
                !involved.contains(&e.mmsi) && !e.other_mmsi.is_some_and(|o| involved.contains(&o));
            if background {
                report.background_false_alerts += 1;
            }
            report.false_alerts.push(Miss {
                scenario: scenario.to_string(),
                kind: e.kind.clone(),
                mmsis,
                start: seawarden_detect::alert::rfc3339(e.start_ms),
                detail: format!("{}{}", e.id, if background { " (background)" } else { "" }),
            });
        }
    }
    report.kinds = kinds;
    report.finish();
    report
}

impl Report {
    /// Adds another scenario's report to this one.
    pub fn merge(&mut self, other: Report) {
        for k in other.kinds {
            match self.kinds.iter_mut().find(|s| s.kind == k.kind) {
                Some(s) => {
                    s.truth_events += k.truth_events;
                    s.detected += k.detected;
                    s.alerts += k.alerts;
                    s.true_alerts += k.true_alerts;
                    s.delays_s.extend(k.delays_s);
                }
                None => self.kinds.push(k),
            }
        }
        self.scenarios.extend(other.scenarios);
        self.background_vessel_hours += other.background_vessel_hours;
        self.background_false_alerts += other.background_false_alerts;
        self.missed.extend(other.missed);
        self.false_alerts.extend(other.false_alerts);
        self.finish();
    }

    fn finish(&mut self) {
        let mut total = KindScore {
            kind: "all".into(),
            ..KindScore::default()
        };
        for k in &mut self.kinds {
            k.finish();
            total.truth_events += k.truth_events;
            total.detected += k.detected;
            total.alerts += k.alerts;
            total.true_alerts += k.true_alerts;
            total.delays_s.extend(k.delays_s.iter().copied());
        }
        total.finish();
        self.total = total;
        self.false_alerts_per_1000_vessel_hours = (self.background_vessel_hours > 0.0)
            .then(|| self.background_false_alerts as f64 * 1000.0 / self.background_vessel_hours);
    }

    /// The report as a table for people.
    pub fn table(&self) -> String {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.2}"));
        let d = |v: Option<i64>| {
            v.map_or("-".to_string(), |s| {
                if s.abs() >= 60 {
                    format!("{}m{:02}s", s / 60, (s % 60).abs())
                } else {
                    format!("{s}s")
                }
            })
        };
        let mut s = String::new();
        s.push_str(&format!(
            "{:<18} {:>6} {:>8} {:>7} {:>7} {:>7} {:>9} {:>10} {:>10}\n",
            "kind",
            "truth",
            "detected",
            "recall",
            "alerts",
            "true",
            "precision",
            "median",
            "max delay"
        ));
        for k in self.kinds.iter().chain(std::iter::once(&self.total)) {
            if k.truth_events == 0 && k.alerts == 0 && k.kind != "all" {
                continue;
            }
            s.push_str(&format!(
                "{:<18} {:>6} {:>8} {:>7} {:>7} {:>7} {:>9} {:>10} {:>10}\n",
                k.kind,
                k.truth_events,
                k.detected,
                f(k.recall),
                k.alerts,
                k.true_alerts,
                f(k.precision),
                d(k.median_delay_s),
                d(k.max_delay_s)
            ));
        }
        s.push_str(&format!(
            "background: {:.0} vessel-hours, {} false alerts, {} per 1,000 vessel-hours\n",
            self.background_vessel_hours,
            self.background_false_alerts,
            f(self.false_alerts_per_1000_vessel_hours)
        ));
        for m in &self.missed {
            s.push_str(&format!(
                "missed: {} {} {:?} at {} {}\n",
                m.scenario, m.kind, m.mmsis, m.start, m.detail
            ));
        }
        for m in &self.false_alerts {
            s.push_str(&format!(
                "false: {} {} {:?} at {} {}\n",
                m.scenario, m.kind, m.mmsis, m.start, m.detail
            ));
        }
        s
    }

    /// The report as JSON for machines.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
