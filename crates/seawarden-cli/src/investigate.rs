//! `seawarden investigate`: which ships were over a cable or pipeline when
//! it failed, and what each one did (`docs/investigate.md`).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use clap::Args;
use seawarden_investigate::{
    investigate, render_html, rfc3339, to_json, Context, Custody, Fault, Params, PriorAlert, Query,
    ReportInput, Target, TrackBuilder,
};
use seawarden_registry::{Ports, Watchlist};

/// Arguments of `seawarden investigate`.
#[derive(Args)]
pub struct InvestigateArgs {
    /// Store directory to read positions from (see `seawarden ingest`).
    #[arg(long, value_name = "DIR", conflicts_with = "input")]
    data: Option<String>,
    /// AIS files (NMEA with receive times, plain or gzip) to read directly,
    /// without a store.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    input: Vec<String>,
    /// GeoJSON holding the cable or pipeline (plain or gzip); repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    infra: Vec<String>,
    /// Id (or name) of the damaged line, as in the GeoJSON; repeat or
    /// separate with commas to investigate several lines together.
    #[arg(long, value_name = "ID", required = true, value_delimiter = ',')]
    feature: Vec<String>,
    /// Fault position as located by the operator: only crossings and
    /// corridor presence within --radius-km of it count.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    near: Option<String>,
    /// Radius around --near, km.
    #[arg(long, value_name = "KM", default_value_t = 10.0)]
    radius_km: f64,
    /// Start of the window (RFC 3339 UTC, e.g. 2024-12-25T08:00:00Z).
    #[arg(long, value_name = "TIME")]
    from: String,
    /// End of the window (RFC 3339 UTC).
    #[arg(long, value_name = "TIME")]
    to: String,
    /// Write the HTML report here.
    #[arg(long, value_name = "REPORT.html")]
    out: Option<String>,
    /// Write the ranked suspects as JSON here.
    #[arg(long, value_name = "SUSPECTS.json")]
    json: Option<String>,
    /// Watchlist CSVs (`mmsi,imo,name,list,reason`).
    #[arg(long, value_name = "FILE")]
    watchlist: Vec<String>,
    /// World Port Index CSV (default: the embedded northern European extract).
    #[arg(long, value_name = "FILE")]
    ports: Option<String>,
    /// Land polygons (GeoJSON, e.g. Natural Earth) drawn on the report's map.
    #[arg(long, value_name = "FILE")]
    land: Option<String>,
    /// Property holding each feature's id (default: by file, else `id`).
    #[arg(long, value_name = "NAME")]
    id_property: Option<String>,
    /// Corridor half-width each side of the line, metres (default: the
    /// feature's `corridor_m`, else 1852).
    #[arg(long, value_name = "M")]
    corridor_m: Option<f64>,
    /// Hours of track read either side of the window, for each ship's
    /// cruising speed and last port of call.
    #[arg(long, value_name = "H", default_value_t = 12.0)]
    context_hours: f64,
    /// With --data: distance around the line (or fault) from which tracks
    /// are read, km.
    #[arg(long, value_name = "KM", default_value_t = 60.0)]
    context_km: f64,
    /// Suspects drawn on the map and detailed in the report.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Flags of interest (ISO 3166-1 alpha-2), comma-separated.
    #[arg(long, value_name = "CC", value_delimiter = ',')]
    flag_of_interest: Vec<String>,
    /// Ports of interest (names), comma-separated; replaces the default
    /// (Russian Baltic and Arctic ports: Ust-Luga, Primorsk, ...).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    port_of_interest: Vec<String>,
}

fn parse_time(s: &str, what: &str) -> Result<i64> {
    seawarden_ais::meta::parse_iso8601(s.as_bytes()).with_context(|| {
        format!("{what} {s:?} is not an RFC 3339 UTC time such as 2024-12-25T08:00:00Z")
    })
}

fn parse_near(s: &str) -> Result<(f64, f64)> {
    let bad = || format!("--near {s:?} is not LAT,LON in decimal degrees (e.g. 59.92,25.61)");
    let (a, b) = s.split_once(',').with_context(bad)?;
    let lat: f64 = a.trim().parse().ok().with_context(bad)?;
    let lon: f64 = b.trim().parse().ok().with_context(bad)?;
    Ok((lat, lon))
}

/// Runs the command.
pub fn run(args: InvestigateArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let from_ms = parse_time(&args.from, "--from")?;
    let to_ms = parse_time(&args.to, "--to")?;
    let fault = match &args.near {
        Some(s) => {
            let (lat, lon) = parse_near(s)?;
            Some(Fault {
                lat,
                lon,
                radius_m: args.radius_km * 1000.0,
            })
        }
        None => None,
    };
    let query = Query {
        from_ms,
        to_ms,
        fault,
    };
    query.validate()?;
    if args.data.is_none() && args.input.is_empty() {
        bail!("no tracks: give --data DIR (a store) or --input FILE... (AIS files)");
    }
    if !(args.context_hours.is_finite()
        && args.context_hours >= 0.0
        && args.context_km.is_finite()
        && args.context_km >= 0.0)
    {
        bail!("--context-hours and --context-km must be non-negative numbers");
    }

    let mut custody = Custody {
        tool: tool_identity(),
        command: seawarden_investigate::custody::shell_command(std::env::args()),
        ..Custody::default()
    };
    let target = Target::load(
        &args.infra,
        &args.feature,
        args.id_property.as_deref(),
        args.corridor_m,
    )?;
    for p in &args.infra {
        custody.add_file("infrastructure", p)?;
    }
    let ports = match &args.ports {
        Some(p) => {
            custody.add_file("ports", p)?;
            Ports::load(p).with_context(|| format!("cannot load {p}"))?
        }
        None => Ports::north_europe(),
    };
    let watchlist = Watchlist::load_all(&args.watchlist).context("cannot load watchlists")?;
    for p in &args.watchlist {
        custody.add_file("watchlist", p)?;
    }
    for r in watchlist.reports() {
        if !r.rejected.is_empty() || !r.warnings.is_empty() {
            eprintln!("seawarden: {r}");
        }
    }
    let land = match &args.land {
        Some(p) => {
            custody.add_file("land", p)?;
            seawarden_geo::load_geojson_file(p, &seawarden_geo::LoadOptions::default())
                .with_context(|| format!("cannot load {p}"))?
                .zones
        }
        None => Vec::new(),
    };

    let margin = (args.context_hours * 3_600_000.0) as i64;
    let (t0, t1) = (from_ms.saturating_sub(margin), to_ms.saturating_add(margin));
    let mut alerts = Vec::new();
    let (positions, statics) = if let Some(dir) = &args.data {
        read_store(
            dir,
            &target,
            &query,
            t0,
            t1,
            args.context_km,
            &mut custody,
            &mut alerts,
        )?
    } else {
        let mut tracks = TrackBuilder::new(t0, t1);
        for path in &args.input {
            custody.add_file("ais", path)?;
            tracks.begin_input();
            seawarden_pipeline::input::for_each_line_of(path, |line| tracks.feed(line))
                .with_context(|| format!("cannot read {path}"))?;
        }
        let c = tracks.counts;
        eprintln!(
            "seawarden: {} lines, {} messages ({} without a receive time, {} outside {}..{}), {} sentences rejected",
            c.lines,
            c.messages,
            c.untimed,
            c.out_of_range,
            rfc3339(t0),
            rfc3339(t1),
            c.rejected
        );
        tracks.finish()
    };
    let loaded = started.elapsed();

    let mut params = Params {
        flags_of_interest: args.flag_of_interest.clone(),
        ..Params::default()
    };
    if !args.port_of_interest.is_empty() {
        params.ports_of_interest = args.port_of_interest.clone();
    }
    let ctx = Context {
        ports: Some(&ports),
        watchlist: Some(&watchlist),
        alerts: &alerts,
    };
    let inv = investigate(&target, &query, &positions, &statics, ctx, &params);
    let analysed = started.elapsed() - loaded;
    custody.generated = rfc3339(wall_clock_ms());

    if let Some(path) = &args.json {
        std::fs::write(path, to_json(&inv.suspects) + "\n")
            .with_context(|| format!("cannot write {path}"))?;
    }
    if let Some(path) = &args.out {
        let html = render_html(&ReportInput {
            target: &target,
            query: &query,
            investigation: &inv,
            custody: &custody,
            land: &land,
            top: args.top,
        });
        std::fs::write(path, html).with_context(|| format!("cannot write {path}"))?;
    }

    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>4}  {:>5}  {:>9}  {:<20}  {:>4}  {:>4}  reasons",
        "rank", "score", "mmsi", "name", "xing", "dark"
    )?;
    for s in &inv.suspects {
        let main: Vec<String> = s
            .reasons
            .iter()
            .filter(|r| r.points > 0.0)
            .take(4)
            .map(|r| format!("{} {:.0}", r.factor, r.points))
            .collect();
        writeln!(
            out,
            "{:>4}  {:>5.1}  {:>9}  {:<20}  {:>4}  {:>4}  {}",
            s.rank,
            s.score,
            s.mmsi,
            s.name.as_deref().unwrap_or("-"),
            s.crossings.len(),
            s.crossings.iter().filter(|c| c.inferred_dark).count(),
            main.join(", ")
        )?;
    }
    eprintln!(
        "seawarden: {} ships, {} positions ({} repeated, {} dropped), {} suspects; read in {:.2} s, analysed in {:.3} s",
        inv.ships,
        inv.positions,
        inv.repeated,
        inv.dropped,
        inv.suspects.len(),
        loaded.as_secs_f64(),
        analysed.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Positions and statics from a store: the time range, inside the target's
/// bounding box (or the fault's) widened by `context_km`; hashes the
/// archive files of the days read.
#[allow(clippy::too_many_arguments)]
fn read_store(
    dir: &str,
    target: &Target,
    query: &Query,
    t0: i64,
    t1: i64,
    context_km: f64,
    custody: &mut Custody,
    alerts: &mut Vec<PriorAlert>,
) -> Result<(
    Vec<seawarden_track::PositionObs>,
    Vec<seawarden_track::StaticObs>,
)> {
    let root = Path::new(dir);
    if !root.join("archive").is_dir() {
        bail!("{dir} is not a Seawarden store (no archive/ directory; create one with `seawarden ingest`)");
    }
    let [lat0, lon0, lat1, lon1] = match query.fault {
        Some(f) => {
            let dlat = f.radius_m / 111_000.0;
            let dlon = dlat / f.lat.to_radians().cos().max(0.05);
            [f.lat - dlat, f.lon - dlon, f.lat + dlat, f.lon + dlon]
        }
        None => target.bbox(),
    };
    let dlat = context_km / 111.0;
    let dlon = dlat / lat0.abs().max(lat1.abs()).min(85.0).to_radians().cos();
    let bbox = [
        (lon0 - dlon).max(-180.0),
        (lat0 - dlat).max(-90.0),
        (lon1 + dlon).min(180.0),
        (lat1 + dlat).min(90.0),
    ];
    let store = seawarden_store::Store::open(root)
        .with_context(|| format!("cannot open the store {dir}"))?;
    let end = t1.saturating_add(1); // the store's ranges are half-open
    let positions = store
        .positions(t0, end, Some(bbox))
        .with_context(|| format!("cannot read positions from {dir}"))?;
    let statics = store
        .statics(None, t0, end)
        .with_context(|| format!("cannot read static reports from {dir}"))?;
    // Alerts the detectors stored (`seawarden replay --data`) in the window.
    let q = seawarden_store::AlertQuery {
        from_ms: Some(query.from_ms),
        to_ms: Some(query.to_ms.saturating_add(1)),
        ..Default::default()
    };
    for a in store
        .alerts(&q)
        .with_context(|| format!("cannot read alerts from {dir}"))?
    {
        alerts.push(PriorAlert {
            kind: a.kind,
            mmsi: a.mmsi,
            start_ms: a.start_ms,
            end_ms: a.end_ms,
            score: a.score,
            summary: a.summary,
        });
    }
    // Chain of custody: every archive file of the days read.
    let (d0, d1) = (t0.div_euclid(86_400_000), t1.div_euclid(86_400_000));
    for kind in ["positions", "statics"] {
        let base = root.join("archive").join(kind);
        let Ok(days) = std::fs::read_dir(&base) else {
            continue;
        };
        let mut files = Vec::new();
        for day in days.flatten() {
            let name = day.file_name().to_string_lossy().to_string();
            let Some(date) = name.strip_prefix("date=") else {
                continue;
            };
            let Some(ms) =
                seawarden_ais::meta::parse_iso8601(format!("{date}T00:00:00Z").as_bytes())
            else {
                continue;
            };
            if ms.div_euclid(86_400_000) < d0 || ms.div_euclid(86_400_000) > d1 {
                continue;
            }
            for f in std::fs::read_dir(day.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                files.push(f.path());
            }
        }
        files.sort();
        for f in files {
            custody.add_file(&format!("store {kind}"), &f.to_string_lossy())?;
        }
    }
    Ok((positions, statics))
}

/// Tool name and version, with the SHA-256 of the running executable (so
/// the exact build is on record).
fn tool_identity() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| seawarden_investigate::custody::sha256_file(&p.to_string_lossy()).ok());
    match exe {
        Some((sha, _)) => format!(
            "seawarden {} (executable SHA-256 {sha})",
            env!("CARGO_PKG_VERSION")
        ),
        None => format!("seawarden {}", env!("CARGO_PKG_VERSION")),
    }
}

fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
