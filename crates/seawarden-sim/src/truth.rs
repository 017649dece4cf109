//! Ground truth: the behaviours a scenario injects, as JSON Lines.

use std::io::{BufRead, Write};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::sim::{Geo, LegSpan};

/// One injected behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthEvent {
    /// Detector kind that should report it (`anchor_drag`, `ais_gap`, ...).
    pub kind: String,
    /// The vessels involved; the first is the one performing it.
    pub mmsis: Vec<u32>,
    /// Start of the behaviour, RFC 3339 UTC.
    pub start: String,
    /// End of the behaviour, RFC 3339 UTC.
    pub end: String,
    /// Ids of the cables and pipelines it involves (crossed, or within
    /// their corridors).
    #[serde(default)]
    pub infrastructure: Vec<String>,
    /// Scenario it comes from.
    #[serde(default)]
    pub scenario: String,
    /// Vessel name.
    #[serde(default)]
    pub vessel_name: String,
    /// Free text from the scenario.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl TruthEvent {
    /// Start, ms since the Unix epoch.
    pub fn start_ms(&self) -> i64 {
        crate::scenario::parse_rfc3339(&self.start).unwrap_or(0)
    }
    /// End, ms since the Unix epoch.
    pub fn end_ms(&self) -> i64 {
        crate::scenario::parse_rfc3339(&self.end).unwrap_or(0)
    }
}

/// Writes truth events as JSON Lines.
pub fn write_truth(events: &[TruthEvent], mut out: impl Write) -> std::io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut out, e)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Reads truth events from JSON Lines; errors name the line at fault.
pub fn read_truth(input: impl BufRead) -> Result<Vec<TruthEvent>> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.context("cannot read truth")?;
        if line.trim().is_empty() {
            continue;
        }
        let e: TruthEvent = serde_json::from_str(&line)
            .with_context(|| format!("truth line {}: not a truth event", i + 1))?;
        if crate::scenario::parse_rfc3339(&e.start).is_none()
            || crate::scenario::parse_rfc3339(&e.end).is_none()
        {
            bail!(
                "truth line {}: start and end must be RFC 3339 UTC times",
                i + 1
            );
        }
        if e.mmsis.is_empty() {
            bail!("truth line {}: no MMSIs", i + 1);
        }
        out.push(e);
    }
    Ok(out)
}

/// Builds the truth events of a simulated scenario: consecutive legs of one
/// vessel marked with the same kind make one event.
pub(crate) fn truth_events(sc: &Scenario, spans: &[LegSpan], geo: &Geo) -> Vec<TruthEvent> {
    let rfc = |ms: i64| seawarden_detect::alert::rfc3339(ms);
    let mut out = Vec::new();
    let end_ms = sc.end_ms();
    for v in &sc.vessels {
        let mine: Vec<&LegSpan> = spans.iter().filter(|s| s.mmsi == v.mmsi).collect();
        let mut kinds: Vec<&str> = v
            .legs
            .iter()
            .flat_map(|l| l.truth.iter().map(String::as_str))
            .collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let mut i = 0;
            while i < mine.len() {
                if !v.legs[mine[i].leg].truth.iter().any(|k| k == kind) {
                    i += 1;
                    continue;
                }
                let first = i;
                while i + 1 < mine.len() && v.legs[mine[i + 1].leg].truth.iter().any(|k| k == kind)
                {
                    i += 1;
                }
                let spans = &mine[first..=i];
                i += 1;
                let (mut t0, mut t1) = (spans[0].t0, spans[spans.len() - 1].t1);
                if t0 >= end_ms {
                    continue;
                }
                t1 = t1.min(end_ms);
                let track: Vec<_> = spans
                    .iter()
                    .flat_map(|s| s.track.iter().copied())
                    .filter(|(t, _)| *t <= end_ms)
                    .collect();
                let mut infra = geo.infra_along(&track);
                if kind == "zone_entry" {
                    // The moment of entry; no entry within the period, no event.
                    let Some((t, zone)) =
                        geo.zone_entry(&track, &["territorial_sea", "aoi", "exclusion"])
                    else {
                        continue;
                    };
                    t0 = t;
                    t1 = t;
                    infra = vec![zone];
                }
                let mut mmsis = vec![v.mmsi];
                let mut notes = Vec::new();
                for s in spans {
                    for m in &v.legs[s.leg].truth_with {
                        if !mmsis.contains(m) {
                            mmsis.push(*m);
                        }
                    }
                    if !v.legs[s.leg].note.is_empty() {
                        notes.push(v.legs[s.leg].note.clone());
                    }
                }
                notes.dedup();
                out.push(TruthEvent {
                    kind: kind.to_string(),
                    mmsis,
                    start: rfc(t0),
                    end: rfc(t1),
                    infrastructure: infra,
                    scenario: sc.name.clone(),
                    vessel_name: spans[0].name.clone(),
                    note: notes.join("; "),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.start_ms(), &a.kind, a.mmsis[0]).cmp(&(b.start_ms(), &b.kind, b.mmsis[0]))
    });
    out
}
