//! The score: a capped sum of named factors, each with its evidence in
//! words (`docs/investigate.md` gives the reasoning behind each number).

use crate::analyse::{round1, Evidence, Params};
use crate::model::{status_name, Reason};

/// Caps of the factors, points.
pub mod caps {
    /// Slowdown at a crossing against the ship's own cruising speed.
    pub const SLOWDOWN: f64 = 25.0;
    /// Slow, steady-course sailing touching the corridor.
    pub const ANCHOR_DRAG: f64 = 25.0;
    /// Crossings inside AIS gaps.
    pub const DARK_CROSSING: f64 = 30.0;
    /// Time in the corridor beyond what a transit needs.
    pub const CORRIDOR_TIME: f64 = 10.0;
    /// Time in the corridor under 2 kn.
    pub const LOITERING: f64 = 15.0;
    /// At anchor, not under command, restricted, aground or fishing in the corridor.
    pub const NAV_STATUS: f64 = 10.0;
    /// Several abnormal crossings, or several of the target lines.
    pub const CROSSINGS: f64 = 10.0;
    /// AIS gaps near the line without a crossing inside.
    pub const GAP_NEAR: f64 = 10.0;
    /// Watchlist hit.
    pub const WATCHLIST: f64 = 20.0;
    /// Last port of call of interest.
    pub const PORT_OF_INTEREST: f64 = 5.0;
    /// Flag of interest.
    pub const FLAG_OF_INTEREST: f64 = 5.0;
    /// The total.
    pub const TOTAL: f64 = 100.0;
}

fn ramp(x: f64, zero: f64, full: f64) -> f64 {
    ((x - zero) / (full - zero)).clamp(0.0, 1.0)
}

/// Speed ratio at a crossing: 0 points at 85 % of cruising speed or more,
/// full points at 30 % or less.
fn slowdown_fraction(ratio: f64) -> f64 {
    ramp(0.85 - ratio, 0.0, 0.55)
}

pub(crate) fn score(ev: &Evidence, params: &Params) -> (f64, Vec<Reason>) {
    let mut reasons = Vec::new();
    let mut push = |factor: &'static str, points: f64, detail: String| {
        reasons.push(Reason {
            factor,
            points: round1(points),
            detail,
        })
    };

    // Slowdown at a crossing, against the ship's own cruising speed.
    // Crossings made slowly or dark: (feature, dark).
    let mut abnormal: Vec<&str> = Vec::new();
    match ev.baseline {
        Some(base) if base > 0.0 => {
            let mut best: Option<(f64, &crate::model::Crossing, f32)> = None;
            for c in ev.crossings.iter().filter(|c| !c.in_port) {
                let Some(at) = c.sog_at.or(c.sog_min) else { continue };
                // The median within 10 minutes, or the lowest report if the
                // stop was too short to move the median (halfway credit).
                let r_med = at as f64 / base as f64;
                let r_min = c.sog_min.map_or(r_med, |m| m as f64 / base as f64);
                let f = slowdown_fraction(r_med).max(0.5 * slowdown_fraction(r_min));
                if f > 0.0 {
                    abnormal.push(&c.feature);
                }
                if best.is_none_or(|b| f > b.0) {
                    best = Some((f, c, at));
                }
            }
            match best {
                Some((f, c, at)) => push(
                    "slowdown",
                    f * caps::SLOWDOWN,
                    format!(
                        "{} kn at the crossing at {} (lowest {} kn, {} before, {} after) against {:.1} kn cruising",
                        fmt_kn(Some(at)),
                        c.time,
                        fmt_kn(c.sog_min),
                        fmt_kn(c.sog_before),
                        fmt_kn(c.sog_after),
                        base
                    ),
                ),
                None if ev.crossings.is_empty() => push("slowdown", 0.0, "no crossing in the window".into()),
                None => push("slowdown", 0.0, "no speed reported at any crossing".into()),
            }
        }
        _ => push("slowdown", 0.0, "no cruising speed to slow from (under way at 3 kn or more in fewer than 20 reports or a tenth of them)".into()),
    }
    abnormal.extend(
        ev.crossings
            .iter()
            .filter(|c| c.inferred_dark && !c.in_port)
            .map(|c| c.feature.as_str()),
    );
    let mut abnormal_lines = abnormal.clone();
    abnormal_lines.sort_unstable();
    abnormal_lines.dedup();

    // Anchor-drag-like profile.
    push(
        "anchor_drag",
        ramp(ev.drag_min, 15.0, 120.0) * caps::ANCHOR_DRAG,
        if ev.drag_detail.is_empty() {
            "no slow steady-course run touching the corridor".into()
        } else {
            ev.drag_detail.clone()
        },
    );

    // Dark crossings.
    let dark: Vec<_> = ev
        .crossings
        .iter()
        .filter(|c| c.inferred_dark && !c.in_port)
        .collect();
    let mut dark_points = 0.0;
    let mut dark_detail = Vec::new();
    for c in &dark {
        let hours = c.gap_s / 3600.0;
        let mut p = 15.0 + 10.0 * ramp(hours, 0.25, 3.0);
        let slow = ev.baseline.is_some_and(|b| c.implied_kn < 0.6 * b as f64);
        if slow {
            p += 5.0;
        }
        dark_points += p;
        dark_detail.push(format!(
            "crossed at {} inside a {:.1} h AIS gap (straight-line {:.1} kn{})",
            c.time,
            hours,
            c.implied_kn,
            if slow {
                ", far below cruising speed"
            } else {
                ""
            }
        ));
    }
    push(
        "dark_crossing",
        dark_points.min(caps::DARK_CROSSING),
        if dark.is_empty() {
            "no crossing inside an AIS gap".into()
        } else {
            dark_detail.join("; ")
        },
    );

    // Time in the corridor beyond a transit.
    let speed = ev.baseline.map_or(5.0, |b| (b as f64).max(5.0)) * 1852.0 / 60.0; // m per minute
    let transit = (2.0 * ev.corridor_m / speed) * ev.crossings.len().max(1) as f64;
    push(
        "corridor_time",
        ramp(ev.corridor_min - 2.0 * transit, 0.0, 120.0) * caps::CORRIDOR_TIME,
        format!(
            "{:.0} min inside the {:.0} m corridor (a transit takes about {:.0} min)",
            ev.corridor_min, ev.corridor_m, transit
        ),
    );

    push(
        "loitering",
        ramp(ev.loiter_min, 0.0, 60.0) * caps::LOITERING,
        format!(
            "{:.0} min in the corridor under {} kn",
            ev.loiter_min, params.loiter_kn
        ),
    );

    // Navigational status in the corridor.
    let worst = ev
        .statuses
        .iter()
        .map(|&s| (status_points(s), s))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let names: Vec<String> = ev
        .statuses
        .iter()
        .map(|&s| format!("{s} {}", status_name(s)))
        .collect();
    push(
        "nav_status",
        worst.map_or(0.0, |w| w.0),
        if names.is_empty() {
            "no navigational status reported in the corridor".into()
        } else {
            format!("reported in the corridor: {}", names.join(", "))
        },
    );

    let n = ev.crossings.len();
    push(
        "crossings",
        (5.0 * abnormal_lines.len().saturating_sub(1) as f64
            + 2.0 * abnormal.len().saturating_sub(abnormal_lines.len()) as f64)
            .min(caps::CROSSINGS),
        format!(
            "{n} crossing(s) of {} line(s); {} slow or dark, of {} line(s)",
            ev.features_crossed,
            abnormal.len(),
            abnormal_lines.len()
        ),
    );

    let near: Vec<_> = ev.gaps.iter().filter(|g| !g.crosses_target).collect();
    push(
        "gap_near",
        (5.0 * near.len() as f64).min(caps::GAP_NEAR),
        if near.is_empty() {
            "no other AIS gap near the line".into()
        } else {
            near.iter()
                .map(|g| {
                    format!(
                        "{:.1} h silent from {} ending {:.1} km from the line",
                        g.duration_s / 3600.0,
                        g.start,
                        g.distance_to_target_m / 1000.0
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        },
    );

    if !ev.watch.is_empty() {
        let d: Vec<String> = ev
            .watch
            .iter()
            .map(|w| format!("{} ({}, on {})", w.list, w.reason, w.matched_on))
            .collect();
        push("watchlist", caps::WATCHLIST, d.join("; "));
    }
    if let Some(p) = &ev.last_port {
        push(
            "port_of_interest",
            if p.of_interest {
                caps::PORT_OF_INTEREST
            } else {
                0.0
            },
            format!(
                "last port of call {} ({}), left after {}",
                p.port, p.country, p.time
            ),
        );
    }
    if let Some((iso, country)) = &ev.flag {
        let hit = params
            .flags_of_interest
            .iter()
            .any(|f| f.eq_ignore_ascii_case(iso));
        push(
            "flag_of_interest",
            if hit { caps::FLAG_OF_INTEREST } else { 0.0 },
            format!("flag {iso} ({country}) from the MMSI"),
        );
    }

    let total = round1(
        reasons
            .iter()
            .map(|r| r.points)
            .sum::<f64>()
            .min(caps::TOTAL),
    );
    reasons.sort_by(|a, b| b.points.total_cmp(&a.points));
    (total, reasons)
}

fn status_points(s: u8) -> f64 {
    match s {
        1 | 2 | 3 | 6 => caps::NAV_STATUS,
        7 => caps::NAV_STATUS / 2.0,
        _ => 0.0,
    }
}

fn fmt_kn(v: Option<f32>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}
