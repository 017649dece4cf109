//! The HTML report: one self-contained file (inline CSS and SVG, no script,
//! no external font, tile or image), readable offline and printable.

use std::fmt::Write;

use seawarden_geo::{LatLon, ZoneFeature};

use crate::custody::Custody;
use crate::model::{rfc3339, status_name, Investigation, Suspect};
use crate::target::{Query, Target};

/// Colours of the suspects' tracks, by rank (rank 1 first).
const PALETTE: [&str; 10] = [
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
];

/// What goes into a report.
pub struct ReportInput<'a> {
    /// The lines investigated.
    pub target: &'a Target,
    /// Window and fault.
    pub query: &'a Query,
    /// The findings.
    pub investigation: &'a Investigation,
    /// Provenance.
    pub custody: &'a Custody,
    /// Land polygons to draw under the tracks (clipped to the map).
    pub land: &'a [ZoneFeature],
    /// Suspects drawn on the map and given a section (the table lists all).
    pub top: usize,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Equirectangular projection of a bounding box onto a `w`-pixel-wide map.
struct Proj {
    lat1: f64,
    lon0: f64,
    kx: f64,
    ky: f64,
    w: f64,
    h: f64,
}

impl Proj {
    fn new(bbox: [f64; 4], w: f64) -> Proj {
        let [lat0, lon0, lat1, lon1] = bbox;
        let c = ((lat0 + lat1) / 2.0).to_radians().cos().max(0.05);
        let width_deg = ((lon1 - lon0) * c).max(1e-6);
        let height_deg = (lat1 - lat0).max(1e-6);
        let mut k = w / width_deg;
        let mut h = height_deg * k;
        if h > 700.0 {
            k = 700.0 / height_deg;
            h = 700.0;
        }
        let w = width_deg * k;
        Proj {
            lat1,
            lon0,
            kx: k * c,
            ky: k,
            w,
            h,
        }
    }

    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (self.lat1 - lat) * self.ky)
    }

    /// `points` as an SVG path, dropping points within half a pixel of the
    /// last one drawn and starting a new subpath where `breaks` says.
    fn path(&self, points: impl Iterator<Item = (LatLon, bool)>) -> String {
        let mut d = String::new();
        let mut last: Option<(f64, f64)> = None;
        for (p, brk) in points {
            let (x, y) = self.xy(p.lat, p.lon);
            let move_to = brk || last.is_none();
            if !move_to && last.is_some_and(|(lx, ly)| (x - lx).abs() < 0.5 && (y - ly).abs() < 0.5)
            {
                continue;
            }
            let _ = write!(d, "{}{:.1},{:.1}", if move_to { "M" } else { "L" }, x, y);
            last = Some((x, y));
        }
        d
    }
}

fn map_bbox(input: &ReportInput<'_>, shown: &[&Suspect]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |lat: f64, lon: f64| {
        b[0] = b[0].min(lat);
        b[1] = b[1].min(lon);
        b[2] = b[2].max(lat);
        b[3] = b[3].max(lon);
    };
    let q = input.query;
    for s in shown {
        for c in &s.crossings {
            add(c.lat, c.lon);
        }
        // The track within an hour of the window, so the map is about the
        // events, not the whole voyage.
        for p in s
            .track
            .iter()
            .filter(|p| p.time_ms >= q.from_ms - 3_600_000 && p.time_ms <= q.to_ms + 3_600_000)
        {
            add(p.lat, p.lon);
        }
    }
    if let Some(f) = q.fault {
        let dlat = f.radius_m / 111_000.0;
        let dlon = dlat / f.lat.to_radians().cos().max(0.05);
        add(f.lat - dlat, f.lon - dlon);
        add(f.lat + dlat, f.lon + dlon);
    }
    if !b[0].is_finite() {
        b = input.target.bbox();
    }
    if !b[0].is_finite() {
        return [59.0, 24.0, 60.0, 26.0];
    }
    let (dlat, dlon) = (
        (b[2] - b[0]).max(0.02) * 0.08,
        (b[3] - b[1]).max(0.04) * 0.08,
    );
    [
        (b[0] - dlat).max(-89.9),
        (b[1] - dlon).max(-180.0),
        (b[2] + dlat).min(89.9),
        (b[3] + dlon).min(180.0),
    ]
}

/// The part of a ring inside `b` (`[min lat, min lon, max lat, max lon]`):
/// Sutherland-Hodgman against the four sides, so the clipped ring stays a
/// ring (with edges along the box where it was cut).
fn clip_ring(ring: &[LatLon], b: [f64; 4]) -> Vec<LatLon> {
    let mut cur: Vec<LatLon> = ring.to_vec();
    // (is the point inside, is the side a parallel, its value)
    type Side = (fn(&LatLon, f64) -> bool, bool, f64);
    let sides: [Side; 4] = [
        (|p, v| p.lat >= v, true, b[0]),
        (|p, v| p.lat <= v, true, b[2]),
        (|p, v| p.lon >= v, false, b[1]),
        (|p, v| p.lon <= v, false, b[3]),
    ];
    for (inside, is_lat, v) in sides {
        if cur.is_empty() {
            break;
        }
        let cut = |a: &LatLon, c: &LatLon| {
            if is_lat {
                let t = (v - a.lat) / (c.lat - a.lat);
                LatLon::new(v, a.lon + t * (c.lon - a.lon))
            } else {
                let t = (v - a.lon) / (c.lon - a.lon);
                LatLon::new(a.lat + t * (c.lat - a.lat), v)
            }
        };
        let mut out = Vec::with_capacity(cur.len());
        for i in 0..cur.len() {
            let a = &cur[i];
            let c = &cur[(i + 1) % cur.len()];
            match (inside(a, v), inside(c, v)) {
                (true, true) => out.push(*c),
                (true, false) => out.push(cut(a, c)),
                (false, true) => {
                    out.push(cut(a, c));
                    out.push(*c);
                }
                (false, false) => {}
            }
        }
        cur = out;
    }
    cur
}

fn map_svg(input: &ReportInput<'_>, shown: &[&Suspect]) -> String {
    let bbox = map_bbox(input, shown);
    let pr = Proj::new(bbox, 960.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="map" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="Map of the tracks and the line"><defs><clipPath id="frame"><rect width="{w:.0}" height="{h:.0}"/></clipPath></defs><rect class="sea" width="{w:.0}" height="{h:.0}"/><g clip-path="url(#frame)">"#,
        w = pr.w,
        h = pr.h
    );
    // Land.
    let mut land = String::new();
    for z in input.land {
        for poly in z.polygons() {
            for ring in poly {
                let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
                for p in ring {
                    lo = [lo[0].min(p.lat), lo[1].min(p.lon)];
                    hi = [hi[0].max(p.lat), hi[1].max(p.lon)];
                }
                if hi[0] < bbox[0] || lo[0] > bbox[2] || hi[1] < bbox[1] || lo[1] > bbox[3] {
                    continue;
                }
                // Clipped to the map (widened a little) so a continent's
                // ring costs only its visible part.
                let (mlat, mlon) = ((bbox[2] - bbox[0]) * 0.05, (bbox[3] - bbox[1]) * 0.05);
                let clipped = clip_ring(
                    ring,
                    [
                        bbox[0] - mlat,
                        bbox[1] - mlon,
                        bbox[2] + mlat,
                        bbox[3] + mlon,
                    ],
                );
                if clipped.len() >= 3 {
                    land.push_str(&pr.path(clipped.iter().map(|&p| (p, false))));
                    land.push('Z');
                }
            }
        }
    }
    if !land.is_empty() {
        let _ = write!(s, r#"<path class="land" fill-rule="evenodd" d="{land}"/>"#);
    }
    // Lines and their corridors.
    let target = input.target;
    for (i, f) in target.features().iter().enumerate() {
        let parts = target
            .index()
            .parts(seawarden_geo::FeatureId(i as u32))
            .unwrap_or(&[]);
        let d: String = parts
            .iter()
            .map(|part| pr.path(part.iter().map(|&p| (p, false))))
            .collect();
        let corridor_px = (2.0 * f.corridor_m / 111_000.0 * pr.ky).max(2.0);
        let _ = write!(
            s,
            r#"<path class="corridor" stroke-width="{corridor_px:.1}" d="{d}"/><path class="line" d="{d}"><title>{} ({}, corridor {:.0} m)</title></path>"#,
            escape(&f.name),
            escape(&f.id),
            f.corridor_m
        );
    }
    if let Some(f) = input.query.fault {
        let (x, y) = pr.xy(f.lat, f.lon);
        let r = (f.radius_m / 111_000.0 * pr.ky).max(3.0);
        let _ = write!(
            s,
            r#"<circle class="fault" cx="{x:.1}" cy="{y:.1}" r="{r:.1}"><title>fault position, radius {:.1} km</title></circle>"#,
            f.radius_m / 1000.0
        );
    }
    // Tracks, lowest rank drawn last (on top).
    for (k, sus) in shown.iter().enumerate().rev() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut prev_t = None;
        let d = pr.path(sus.track.iter().map(|p| {
            let brk = prev_t.is_some_and(|t: i64| p.time_ms - t > 900_000);
            prev_t = Some(p.time_ms);
            (LatLon::new(p.lat, p.lon), brk)
        }));
        let _ = write!(
            s,
            r#"<path class="track" stroke="{colour}" d="{d}"><title>#{} {}</title></path>"#,
            sus.rank,
            escape(&label(sus))
        );
        for g in &sus.gaps {
            let (x0, y0) = pr.xy(g.from[0], g.from[1]);
            let (x1, y1) = pr.xy(g.to[0], g.to[1]);
            let _ = write!(
                s,
                r#"<line class="gap" stroke="{colour}" x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}"><title>AIS gap {:.1} h from {}</title></line>"#,
                g.duration_s / 3600.0,
                g.start
            );
        }
        for c in &sus.crossings {
            let (x, y) = pr.xy(c.lat, c.lon);
            let _ = write!(
                s,
                r#"<circle class="crossing{}" stroke="{colour}" cx="{x:.1}" cy="{y:.1}" r="5"><title>#{} crossed {} at {}{}</title></circle>"#,
                if c.inferred_dark { " dark" } else { "" },
                sus.rank,
                escape(&c.feature),
                c.time,
                if c.inferred_dark {
                    " (inferred, AIS off)"
                } else {
                    ""
                }
            );
        }
    }
    s.push_str("</g>");
    // Scale bar: a round number of km near a fifth of the width.
    let km_per_px = 111.0 / pr.ky;
    let target_km = km_per_px * pr.w / 5.0;
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
        .into_iter()
        .rfind(|&v| v <= target_km)
        .unwrap_or(1.0);
    let px = step / km_per_px;
    let _ = write!(
        s,
        r#"<g class="scale"><line x1="10" y1="{y:.0}" x2="{x2:.1}" y2="{y:.0}"/><text x="10" y="{ty:.0}">{step} km</text></g><text class="attrib" x="{ax:.0}" y="{y:.0}">{:.3}°N–{:.3}°N, {:.3}°E–{:.3}°E</text></svg>"#,
        bbox[0],
        bbox[2],
        bbox[1],
        bbox[3],
        y = pr.h - 10.0,
        ty = pr.h - 16.0,
        x2 = 10.0 + px,
        ax = pr.w - 250.0,
    );
    s
}

fn speed_svg(sus: &Suspect, q: &Query, colour: &str, margin_ms: i64) -> String {
    let (w, h, left, bottom) = (960.0, 170.0, 40.0, 22.0);
    let t0 = q.from_ms - margin_ms;
    let t1 = (q.to_ms + margin_ms).max(t0 + 1);
    let vmax = sus
        .track
        .iter()
        .filter_map(|p| p.sog)
        .fold(sus.baseline_sog.unwrap_or(0.0), f32::max)
        .max(5.0) as f64
        * 1.1;
    let x = |t: i64| left + (t - t0) as f64 / (t1 - t0) as f64 * (w - left - 5.0);
    let y = |v: f64| 5.0 + (1.0 - v / vmax) * (h - bottom - 5.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="speed" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Speed over ground against time">"#
    );
    let _ = write!(
        s,
        r#"<rect class="window" x="{:.1}" y="5" width="{:.1}" height="{:.1}"/>"#,
        x(q.from_ms),
        (x(q.to_ms) - x(q.from_ms)).max(1.0),
        h - bottom - 5.0
    );
    // Axes and ticks: 4 speed ticks, 6 time ticks.
    for i in 0..=4 {
        let v = vmax / 1.1 * i as f64 / 4.0;
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}">{v:.0}</text>"#,
            w - 5.0,
            left - 4.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    for i in 0..=6 {
        let t = t0 + (t1 - t0) * i / 6;
        let lbl = rfc3339(t / 60_000 * 60_000);
        let short = lbl.get(5..16).unwrap_or(&lbl).replace('T', " ");
        let anchor = match i {
            0 => "start",
            6 => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            r#"<text class="tick" text-anchor="{anchor}" x="{:.1}" y="{:.1}">{short}</text>"#,
            x(t),
            h - 6.0
        );
    }
    if let Some(b) = sus.baseline_sog {
        let _ = write!(
            s,
            r#"<line class="baseline" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"><title>cruising {b:.1} kn</title></line>"#,
            w - 5.0,
            y = y(b as f64)
        );
    }
    let mut d = String::new();
    let mut prev: Option<i64> = None;
    for p in sus
        .track
        .iter()
        .filter(|p| p.time_ms >= t0 && p.time_ms <= t1)
    {
        let Some(v) = p.sog else { continue };
        let brk = prev.is_none_or(|t| p.time_ms - t > 900_000);
        let _ = write!(
            d,
            "{}{:.1},{:.1}",
            if brk { "M" } else { "L" },
            x(p.time_ms),
            y(v as f64)
        );
        prev = Some(p.time_ms);
    }
    let _ = write!(s, r#"<path class="sog" stroke="{colour}" d="{d}"/>"#);
    for g in &sus.gaps {
        let _ = write!(
            s,
            r#"<rect class="gapband" x="{:.1}" y="5" width="{:.1}" height="{:.1}"><title>AIS gap {:.1} h</title></rect>"#,
            x(g.start_ms),
            (x(g.end_ms) - x(g.start_ms)).max(1.0),
            h - bottom - 5.0,
            g.duration_s / 3600.0
        );
    }
    for c in &sus.crossings {
        let _ = write!(
            s,
            r#"<line class="cross{}" x1="{x:.1}" x2="{x:.1}" y1="5" y2="{:.1}"><title>crossed {} at {}</title></line>"#,
            if c.inferred_dark { " dark" } else { "" },
            h - bottom,
            escape(&c.feature),
            c.time,
            x = x(c.time_ms)
        );
    }
    let _ = write!(s, r#"<text class="tick" x="2" y="12">kn</text></svg>"#);
    s
}

fn label(s: &Suspect) -> String {
    match &s.name {
        Some(n) => format!("{n} ({})", s.mmsi),
        None => format!("MMSI {}", s.mmsi),
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "–".to_string(), |v| v.to_string())
}

fn kn(v: Option<f32>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1000px;color:#222;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1.05em;margin-bottom:.3em}\
table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:middle}\
code{font-size:12px;word-break:break-all}svg{display:block;max-width:100%;height:auto;margin:.5em 0}\
.sea{fill:#eef4f8}.land{fill:#e4dfd2;stroke:#b8b09a;stroke-width:.5}.corridor{fill:none;stroke:#f0c419;stroke-opacity:.35;stroke-linecap:round;stroke-linejoin:round}\
.line{fill:none;stroke:#7a4d00;stroke-width:2}.fault{fill:#ff000018;stroke:#c00;stroke-dasharray:4 3}.track{fill:none;stroke-width:1.6;stroke-opacity:.9}\
.gap{stroke-dasharray:5 4;stroke-width:1.4}.crossing{fill:#fff;stroke-width:2.5}.crossing.dark{fill:#000}\
.scale line{stroke:#333;stroke-width:2}.scale text,.attrib,.tick{font-size:11px;fill:#444}.tick{text-anchor:end}\
.window{fill:#fff6d5}.grid{stroke:#e6e6e6}.baseline{stroke:#555;stroke-dasharray:6 4}.sog{fill:none;stroke-width:1.5}\
.gapband{fill:#00000014}.cross{stroke:#c00;stroke-width:1.5}.cross.dark{stroke-dasharray:4 3}\
.pts{font-weight:600}ul.reasons{margin:.3em 0;padding-left:1.2em}@media print{h2{page-break-before:always}}";

/// Renders the report.
pub fn render_html(input: &ReportInput<'_>) -> String {
    let inv = input.investigation;
    let q = input.query;
    let shown: Vec<&Suspect> = inv.suspects.iter().take(input.top).collect();
    let names: Vec<String> = input
        .target
        .features()
        .iter()
        .map(|f| format!("{} ({}, {})", f.name, f.id, f.kind))
        .collect();
    let mut h = String::with_capacity(64 * 1024);
    let title = format!(
        "Seawarden investigation: {}",
        input
            .target
            .features()
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let _ = write!(
        h,
        "<p>Window <b>{}</b> to <b>{}</b>{}. Lines: {}.</p>\n<p>{} ships with {} position reports examined ({} copies of a report already heard, {} dropped as invalid or implausible jumps); <b>{}</b> crossed the line or entered its corridor.</p>\n",
        rfc3339(q.from_ms),
        rfc3339(q.to_ms),
        q.fault.map_or(String::new(), |f| format!(", within {:.1} km of the fault at {:.5}, {:.5}", f.radius_m / 1000.0, f.lat, f.lon)),
        escape(&names.join("; ")),
        inv.ships,
        inv.positions,
        inv.repeated,
        inv.dropped,
        inv.suspects.len()
    );

    h.push_str("<h2>Map</h2>\n");
    h.push_str(&map_svg(input, &shown));
    h.push_str("<p>Tracks of the top suspects, coloured as in the table; circles mark crossings (filled: inferred across an AIS gap, drawn dashed); the shaded band is the corridor.</p>\n");

    h.push_str("<h2>Suspects</h2>\n<table><tr><th>Rank</th><th>Ship</th><th>MMSI</th><th>IMO</th><th>Flag</th><th>Score</th><th>Crossings</th><th>Dark</th><th>Main reasons</th></tr>\n");
    for s in &inv.suspects {
        let colour = if s.rank <= input.top {
            format!(
                "<span class=\"sw\" style=\"background:{}\"></span> ",
                PALETTE[(s.rank - 1) % PALETTE.len()]
            )
        } else {
            String::new()
        };
        let main: Vec<String> = s
            .reasons
            .iter()
            .filter(|r| r.points > 0.0)
            .take(3)
            .map(|r| format!("{} {:.0}", r.factor, r.points))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n pts\">{:.1}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            s.rank,
            colour,
            escape(s.name.as_deref().unwrap_or("–")),
            s.mmsi,
            opt(s.imo),
            escape(s.flag.as_deref().unwrap_or("–")),
            s.score,
            s.crossings.len(),
            s.crossings.iter().filter(|c| c.inferred_dark).count(),
            escape(&main.join(", "))
        );
    }
    h.push_str("</table>\n");

    for (k, s) in shown.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let _ = writeln!(h, "<h2><span class=\"sw\" style=\"background:{colour}\"></span> #{} {} — score {:.1}</h2>", s.rank, escape(&label(s)), s.score);
        let _ = writeln!(
            h,
            "<p>IMO {} · call sign {} · type {} · flag {} · destination {} · cruising speed {} kn · {} min in the corridor ({} min under 2 kn) · last port of call {}</p>",
            opt(s.imo),
            escape(s.callsign.as_deref().unwrap_or("–")),
            opt(s.shiptype),
            escape(&match (&s.flag, &s.flag_country) {
                (Some(f), Some(c)) => format!("{f} ({c})"),
                _ => "–".into(),
            }),
            escape(s.destination.as_deref().unwrap_or("–")),
            kn(s.baseline_sog),
            s.corridor_minutes,
            s.loiter_minutes,
            escape(&s.last_port.as_ref().map_or("–".to_string(), |p| format!("{} ({}) at {}", p.port, p.country, p.time))),
        );
        h.push_str("<h3>Why</h3><ul class=\"reasons\">");
        for r in &s.reasons {
            let _ = write!(
                h,
                "<li><span class=\"pts\">{:.1}</span> {} — {}</li>",
                r.points,
                escape(r.factor),
                escape(&r.detail)
            );
        }
        h.push_str("</ul>\n");
        if !s.watchlist.is_empty() {
            h.push_str("<h3>Watchlists</h3><ul>");
            for w in &s.watchlist {
                let _ = write!(
                    h,
                    "<li>{}: {} (matched on {})</li>",
                    escape(&w.list),
                    escape(&w.reason),
                    escape(&w.matched_on)
                );
            }
            h.push_str("</ul>\n");
        }
        if !s.alerts.is_empty() {
            h.push_str("<h3>Detector alerts</h3><ul>");
            for a in &s.alerts {
                let _ = write!(
                    h,
                    "<li>{} from {} to {} (score {}): {}</li>",
                    escape(&a.kind),
                    rfc3339(a.start_ms),
                    rfc3339(a.end_ms),
                    a.score,
                    escape(&a.summary)
                );
            }
            h.push_str("</ul>\n");
        }
        if !s.crossings.is_empty() {
            h.push_str("<h3>Crossings</h3><table><tr><th>Line</th><th>Time (UTC)</th><th>Position</th><th>SOG before</th><th>at</th><th>lowest</th><th>after</th><th>Course change</th><th>Status</th><th>Reports</th></tr>");
            for c in &s.crossings {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{:.5}, {:.5}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&c.feature),
                    c.time,
                    c.lat,
                    c.lon,
                    kn(c.sog_before),
                    kn(c.sog_at),
                    kn(c.sog_min),
                    kn(c.sog_after),
                    c.cog_change.map_or("–".to_string(), |d| format!("{d:+.0}°")),
                    c.status.map_or("–".to_string(), |st| format!("{st} {}", status_name(st))),
                    if c.inferred_dark { format!("<b>dark</b>: {:.1} h gap, {:.1} kn straight-line", c.gap_s / 3600.0, c.implied_kn) } else { format!("{:.0} s apart", c.gap_s) }
                );
            }
            h.push_str("</table>\n");
        }
        if !s.gaps.is_empty() {
            h.push_str("<h3>AIS gaps near the line</h3><table><tr><th>From (UTC)</th><th>Hours</th><th>Straight-line speed</th><th>Crosses the line</th><th>Nearest end to the line</th></tr>");
            for g in &s.gaps {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{:.1} kn</td><td>{}</td><td class=\"n\">{:.1} km</td></tr>",
                    g.start,
                    g.duration_s / 3600.0,
                    g.implied_kn,
                    if g.crosses_target { "yes" } else { "no" },
                    g.distance_to_target_m / 1000.0
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("<h3>Speed over ground</h3>");
        h.push_str(&speed_svg(s, q, colour, 3_600_000));
        h.push_str("<p>Shaded: the window; dashed line: cruising speed; red lines: crossings (dashed when inferred across a gap); grey bands: AIS gaps.</p>\n");
    }

    let c = input.custody;
    h.push_str("<h2>Chain of custody</h2>\n");
    let _ = write!(
        h,
        "<p>Generated {} by {}.</p>\n<p>Command:</p><p><code>{}</code></p>\n",
        escape(&c.generated),
        escape(&c.tool),
        escape(&c.command)
    );
    h.push_str("<table><tr><th>Role</th><th>File</th><th>Bytes</th><th>SHA-256</th></tr>");
    for f in &c.inputs {
        let _ = write!(h, "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td><code>{}</code></td></tr>", escape(&f.role), escape(&f.path), f.bytes, f.sha256);
    }
    h.push_str("</table>\n<p>Scores are a capped sum of named factors (see <code>docs/investigate.md</code> in Seawarden); they rank ships for investigation and are not a finding of fault.</p>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_are_clipped_to_the_box() {
        // A 4x4 square around a 2x2 box: the box itself; a square outside: nothing.
        let sq = |c: f64, h: f64| {
            vec![
                LatLon::new(c - h, c - h),
                LatLon::new(c - h, c + h),
                LatLon::new(c + h, c + h),
                LatLon::new(c + h, c - h),
            ]
        };
        let out = clip_ring(&sq(0.0, 2.0), [-1.0, -1.0, 1.0, 1.0]);
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|p| p.lat.abs() == 1.0 && p.lon.abs() == 1.0));
        assert!(clip_ring(&sq(10.0, 1.0), [-1.0, -1.0, 1.0, 1.0]).is_empty());
        // Inside: unchanged (same points, rotated at most).
        let inner = sq(0.0, 0.5);
        let out = clip_ring(&inner, [-1.0, -1.0, 1.0, 1.0]);
        assert_eq!(out.len(), 4);
        assert!(inner.iter().all(|p| out.contains(p)));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;"
        );
        assert_eq!(escape("bell\u{7}"), "bell\u{fffd}");
    }
}
