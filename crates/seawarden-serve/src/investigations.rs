//! Investigations (`/api/investigations`): `seawarden-investigate` run over
//! what the server has received.
//!
//! The raw lines come from the store's journal (`--data`: only the blocks
//! whose receive times overlap the window and its context are read) or,
//! without `--data`, from the recent lines the pipeline thread keeps in
//! memory ([`Recent`]). They are decoded again into tracks
//! ([`TrackBuilder`], as `seawarden investigate --input` does), with the
//! window widened by `context_hours` either side; the alerts of the alert
//! book that overlap the window are attached to their ships. One
//! investigation runs at a time, on a blocking thread: the pipeline thread
//! is never held up.
//!
//! With `--data`, each result is kept as `investigations/<id>.json` (the
//! summary and the ranked suspects) and `<id>.html` (the report), and
//! listed again after a restart; without, the last [`KEEP_IN_MEMORY`] stay
//! in memory.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use seawarden_geo::{parse_geojson, LoadOptions, ZoneFeature};
use seawarden_investigate::{
    investigate, render_html, Context, Custody, Fault, InputFile, Params, PriorAlert, Query,
    ReportInput, Target, TrackBuilder,
};
use seawarden_pipeline::WorldSpec;
use seawarden_registry::{Ports, Watchlist};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Investigations kept in memory without `--data` (the oldest go first).
pub const KEEP_IN_MEMORY: usize = 50;

/// Longest window an investigation may cover, days.
const MAX_WINDOW_DAYS: i64 = 31;

/// The recent input lines, kept in memory when there is no journal on disk:
/// the batches as the pipeline received them, up to a size and an age.
pub(crate) struct Recent {
    batches: Mutex<RecentInner>,
    max_bytes: usize,
    keep: std::time::Duration,
}

struct RecentInner {
    q: VecDeque<(Instant, Arc<Vec<u8>>)>,
    bytes: usize,
    dropped_bytes: u64,
}

impl Recent {
    /// Keeps at most `max_bytes` of lines received within `keep`.
    pub fn new(max_bytes: usize, keep: std::time::Duration) -> Recent {
        Recent {
            batches: Mutex::new(RecentInner {
                q: VecDeque::new(),
                bytes: 0,
                dropped_bytes: 0,
            }),
            max_bytes,
            keep,
        }
    }

    /// Adds a batch (newline-terminated lines); drops the oldest beyond the bounds.
    pub fn push(&self, batch: Vec<u8>) {
        if self.max_bytes == 0 {
            return;
        }
        let now = Instant::now();
        let mut r = self.batches.lock().unwrap_or_else(|e| e.into_inner());
        r.bytes += batch.len();
        r.q.push_back((now, Arc::new(batch)));
        while let Some((at, b)) = r.q.front() {
            if r.bytes > self.max_bytes || now.duration_since(*at) > self.keep {
                let n = b.len();
                r.q.pop_front();
                r.bytes -= n;
                r.dropped_bytes += n as u64;
            } else {
                break;
            }
        }
    }

    /// The batches held now (shared, not copied), and the bytes already dropped.
    fn snapshot(&self) -> (Vec<Arc<Vec<u8>>>, u64) {
        let r = self.batches.lock().unwrap_or_else(|e| e.into_inner());
        (
            r.q.iter().map(|(_, b)| b.clone()).collect(),
            r.dropped_bytes,
        )
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.batches.lock().map(|r| r.bytes).unwrap_or(0)
    }
}

/// Where the raw lines are.
#[derive(Clone)]
pub(crate) enum LineSource {
    /// The store's journal directory (tick records skipped).
    Journal(PathBuf),
    /// The in-memory recent lines.
    Memory(Arc<Recent>),
}

/// A request, as `POST /api/investigations` takes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    feature: Value,
    from: Value,
    to: Value,
    #[serde(default)]
    near: Option<Value>,
    #[serde(default)]
    radius_km: Option<f64>,
    #[serde(default)]
    context_hours: Option<f64>,
    #[serde(default)]
    top: Option<usize>,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    /// Feature ids (or names).
    pub features: Vec<String>,
    /// The window and fault.
    pub query: Query,
    /// Hours read either side of the window.
    pub context_hours: f64,
    /// Suspects detailed in the report.
    pub top: usize,
}

fn parse_time(v: &Value, what: &str) -> Result<i64, String> {
    let bad = || {
        format!("\"{what}\": expected an RFC 3339 UTC time such as 2024-12-25T08:00:00Z (or milliseconds since 1970)")
    };
    match v {
        Value::Number(n) => n.as_i64().ok_or_else(bad),
        Value::String(s) => s
            .parse::<i64>()
            .ok()
            .or_else(|| seawarden_ais::meta::parse_iso8601(s.trim().as_bytes()))
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

impl Request {
    /// Parses and checks a request body; the error names the field at fault.
    pub fn parse(body: &[u8]) -> Result<Request, String> {
        let b: RequestBody =
            serde_json::from_slice(body).map_err(|e| format!("invalid request: {e}"))?;
        let features: Vec<String> = match &b.feature {
            Value::String(s) => s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map(|s| s.trim().to_string()))
                .collect::<Option<Vec<_>>>()
                .ok_or("\"feature\": expected an id or an array of ids")?,
            _ => return Err("\"feature\": expected the id of a cable or pipeline".into()),
        };
        if features.is_empty()
            || features.len() > 20
            || features.iter().any(|f| f.is_empty() || f.len() > 200)
        {
            return Err(
                "\"feature\": expected 1 to 20 ids of cables or pipelines (as in /api/infrastructure)"
                    .into(),
            );
        }
        let from_ms = parse_time(&b.from, "from")?;
        let to_ms = parse_time(&b.to, "to")?;
        if to_ms <= from_ms {
            return Err("\"to\" must be after \"from\"".into());
        }
        if to_ms - from_ms > MAX_WINDOW_DAYS * 86_400_000 {
            return Err(format!(
                "the window may cover at most {MAX_WINDOW_DAYS} days"
            ));
        }
        let fault = match &b.near {
            None | Some(Value::Null) => {
                if b.radius_km.is_some() {
                    return Err("\"radius_km\" needs \"near\" (the fault position)".into());
                }
                None
            }
            Some(v) => {
                let pair = v
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
                let Some((lon, lat)) = pair else {
                    return Err("\"near\": expected [lon, lat] in degrees".into());
                };
                if !(lon.abs() <= 180.0 && lat.abs() <= 90.0) {
                    return Err(format!(
                        "\"near\": [{lon}, {lat}] is not [lon, lat] within -180..180, -90..90"
                    ));
                }
                let r = b.radius_km.unwrap_or(10.0);
                if !(r.is_finite() && r > 0.0 && r <= 1000.0) {
                    return Err("\"radius_km\": expected a number from 0 to 1000".into());
                }
                Some(Fault {
                    lat,
                    lon,
                    radius_m: r * 1000.0,
                })
            }
        };
        let context_hours = b.context_hours.unwrap_or(12.0);
        if !(context_hours.is_finite() && (0.0..=72.0).contains(&context_hours)) {
            return Err("\"context_hours\": expected a number from 0 to 72".into());
        }
        let top = b.top.unwrap_or(10);
        if !(1..=100).contains(&top) {
            return Err("\"top\": expected a number from 1 to 100".into());
        }
        let query = Query {
            from_ms,
            to_ms,
            fault,
        };
        query.validate().map_err(|e| e.to_string())?;
        Ok(Request {
            features,
            query,
            context_hours,
            top,
        })
    }
}

/// What is listed about an investigation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub features: Vec<String>,
    pub from: String,
    pub to: String,
    /// `[lon, lat]` of the fault.
    pub near: Option<[f64; 2]>,
    pub radius_km: Option<f64>,
    pub requested_by: String,
    pub created: String,
    pub finished: Option<String>,
    pub error: Option<String>,
    /// Raw lines read.
    pub lines: u64,
    /// Ships with reports in the range read.
    pub ships: usize,
    /// Position reports in the range read.
    pub positions: usize,
    /// Number of suspects.
    pub suspects: usize,
    /// The first-ranked suspect: `{mmsi, name, score}`.
    pub top: Option<Value>,
    /// Seconds taken.
    pub seconds: Option<f64>,
}

struct Record {
    summary: Summary,
    suspects: Option<Arc<Value>>,
    report: Option<Arc<String>>,
}

/// The investigations of this server.
pub(crate) struct Investigations {
    dir: Option<PathBuf>,
    records: Mutex<BTreeMap<u64, Record>>,
    next: AtomicU64,
    /// One investigation at a time.
    gate: tokio::sync::Semaphore,
}

/// A failure to report through the API: status and message.
pub(crate) type ApiErr = (u16, String);

impl Investigations {
    /// Opens `dir` (created if needed) and lists what it holds; `None` keeps them in memory.
    pub fn open(dir: Option<PathBuf>) -> anyhow::Result<Investigations> {
        let mut records = BTreeMap::new();
        let mut next = 1;
        if let Some(d) = &dir {
            std::fs::create_dir_all(d)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", d.display()))?;
            for e in std::fs::read_dir(d)?.flatten() {
                let p = e.path();
                if p.extension().is_none_or(|x| x != "json") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let Ok(mut v) = serde_json::from_str::<Value>(&text) else {
                    eprintln!(
                        "seawarden serve: {} is not an investigation; ignored",
                        p.display()
                    );
                    continue;
                };
                // On disk, "suspects" holds the suspects; listed, their number.
                if let Some(n) = v.get("suspects").and_then(Value::as_array).map(Vec::len) {
                    v["suspects"] = Value::from(n);
                }
                let Ok(mut s) = serde_json::from_value::<Summary>(v) else {
                    eprintln!(
                        "seawarden serve: {} is not an investigation; ignored",
                        p.display()
                    );
                    continue;
                };
                let Some(seq) = seq_of(&s.id) else { continue };
                if s.status == "running" {
                    // Interrupted by a stop.
                    s.status = "failed".into();
                    s.error = Some("the server stopped before it finished".into());
                }
                next = next.max(seq + 1);
                records.insert(
                    seq,
                    Record {
                        summary: s,
                        suspects: None,
                        report: None,
                    },
                );
            }
        }
        Ok(Investigations {
            dir,
            records: Mutex::new(records),
            next: AtomicU64::new(next),
            gate: tokio::sync::Semaphore::new(1),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Record>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every investigation, newest first.
    pub fn list(&self) -> Vec<Summary> {
        self.lock()
            .values()
            .rev()
            .map(|r| r.summary.clone())
            .collect()
    }

    /// The summary with the ranked suspects (when done).
    pub fn get(&self, id: &str) -> Option<Value> {
        let seq = seq_of(id)?;
        let (summary, suspects) = {
            let g = self.lock();
            let r = g.get(&seq)?;
            (r.summary.clone(), r.suspects.clone())
        };
        let mut v = serde_json::to_value(&summary).ok()?;
        let suspects = match suspects {
            Some(s) => Some(s),
            None if summary.status == "done" => self.read_file(id, "json").and_then(|t| {
                serde_json::from_str::<Value>(&t)
                    .ok()
                    .and_then(|mut v| v.get_mut("suspects").map(Value::take))
                    .map(Arc::new)
            }),
            None => None,
        };
        if let Some(s) = suspects {
            v["suspects"] = (*s).clone();
        }
        Some(v)
    }

    /// The HTML report: `Ok(None)` for an unknown id, `Err` while running or after a failure.
    pub fn report(&self, id: &str) -> Result<Option<Arc<String>>, ApiErr> {
        let Some(seq) = seq_of(id) else {
            return Ok(None);
        };
        let (status, error, report) = {
            let g = self.lock();
            let Some(r) = g.get(&seq) else {
                return Ok(None);
            };
            (
                r.summary.status.clone(),
                r.summary.error.clone(),
                r.report.clone(),
            )
        };
        match status.as_str() {
            "running" => Err((409, format!("investigation {id} is still running"))),
            "failed" => Err((
                409,
                format!("investigation {id} failed: {}", error.unwrap_or_default()),
            )),
            _ => match report {
                Some(r) => Ok(Some(r)),
                None => self
                    .read_file(id, "html")
                    .map(|t| Some(Arc::new(t)))
                    .ok_or((500, format!("the report of {id} cannot be read"))),
            },
        }
    }

    fn read_file(&self, id: &str, ext: &str) -> Option<String> {
        let d = self.dir.as_ref()?;
        std::fs::read_to_string(d.join(format!("{id}.{ext}"))).ok()
    }

    /// Registers a new investigation as running; returns its id.
    fn begin(&self, req: &Request, by: &str) -> String {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let now = crate::now_ms();
        let id = format!("inv-{seq}-{now}");
        let summary = Summary {
            id: id.clone(),
            status: "running".into(),
            features: req.features.clone(),
            from: crate::rfc3339(req.query.from_ms),
            to: crate::rfc3339(req.query.to_ms),
            near: req.query.fault.map(|f| [f.lon, f.lat]),
            radius_km: req.query.fault.map(|f| f.radius_m / 1000.0),
            requested_by: by.to_string(),
            created: crate::rfc3339(now),
            finished: None,
            error: None,
            lines: 0,
            ships: 0,
            positions: 0,
            suspects: 0,
            top: None,
            seconds: None,
        };
        if let Some(d) = &self.dir {
            // Listed (as failed) after a restart if the server stops first.
            let json = serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n";
            if let Err(e) = std::fs::write(d.join(format!("{id}.json")), json) {
                eprintln!(
                    "seawarden serve: cannot keep investigation {id} in {}: {e}",
                    d.display()
                );
            }
        }
        let mut g = self.lock();
        g.insert(
            seq,
            Record {
                summary,
                suspects: None,
                report: None,
            },
        );
        if self.dir.is_none() {
            while g.len() > KEEP_IN_MEMORY {
                let Some(&oldest) = g.keys().next() else {
                    break;
                };
                g.remove(&oldest);
            }
        }
        id
    }

    /// Records the outcome (and writes it to disk with `--data`).
    fn finish(&self, id: &str, outcome: Result<Outcome, String>, started: Instant) {
        let Some(seq) = seq_of(id) else { return };
        let mut g = self.lock();
        let Some(r) = g.get_mut(&seq) else { return };
        r.summary.finished = Some(crate::rfc3339(crate::now_ms()));
        r.summary.seconds = Some((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
        match outcome {
            Ok(o) => {
                r.summary.status = "done".into();
                r.summary.lines = o.lines;
                r.summary.ships = o.ships;
                r.summary.positions = o.positions;
                r.summary.suspects = o.suspects.as_array().map_or(0, Vec::len);
                r.summary.top = o.suspects.get(0).map(|s| {
                    serde_json::json!({"mmsi": s["mmsi"], "name": s["name"], "score": s["score"]})
                });
                r.suspects = Some(Arc::new(o.suspects));
                r.report = Some(Arc::new(o.report));
            }
            Err(e) => {
                r.summary.status = "failed".into();
                r.summary.error = Some(e);
            }
        }
        if let Some(d) = &self.dir {
            let mut v = serde_json::to_value(&r.summary).unwrap_or(Value::Null);
            if let Some(s) = &r.suspects {
                v["suspects"] = (**s).clone();
            }
            let json = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
            let written = match &r.report {
                Some(h) => std::fs::write(d.join(format!("{id}.html")), h.as_bytes()),
                None => Ok(()),
            }
            .and_then(|_| std::fs::write(d.join(format!("{id}.json")), json));
            match written {
                // On disk: free the memory.
                Ok(()) => {
                    r.suspects = None;
                    r.report = None;
                }
                Err(e) => eprintln!(
                    "seawarden serve: cannot keep investigation {id} in {}: {e}",
                    d.display()
                ),
            }
        }
    }
}

/// `inv-<seq>-<ms>` to `seq`.
fn seq_of(id: &str) -> Option<u64> {
    let rest = id.strip_prefix("inv-")?;
    let (seq, ms) = rest.split_once('-')?;
    ms.parse::<u64>().ok()?;
    seq.parse().ok()
}

struct Outcome {
    lines: u64,
    ships: usize,
    positions: usize,
    suspects: Value,
    report: String,
}

/// Everything an investigation needs besides its request.
pub(crate) struct Job {
    pub request: Request,
    pub spec: WorldSpec,
    pub lines: LineSource,
    pub alerts: Vec<PriorAlert>,
    pub requested_by: String,
    pub request_text: String,
}

/// The target lines of a request, loaded as the pipeline loads the world.
fn load_target(spec: &WorldSpec, features: &[String]) -> Result<(Target, Vec<String>), ApiErr> {
    let mut lines = Vec::new();
    let mut files = Vec::new();
    for path in spec.infra.iter().chain(&spec.zones) {
        let o = crate::infra::options_for(path, spec);
        let layer = seawarden_geo::load_geojson_file(path, &o)
            .map_err(|e| (500, format!("cannot load {path}: {e}")))?;
        if !layer.lines.is_empty() {
            files.push(path.clone());
        }
        lines.extend(layer.lines);
    }
    if lines.is_empty() {
        return Err((
            400,
            "this server has no cables or pipelines to investigate (give --infra or upload to /api/infrastructure)".into(),
        ));
    }
    let target = Target::select(lines, features).map_err(|e| (400, e.to_string()))?;
    Ok((target, files))
}

/// Starts an investigation: checks the feature at once (an unknown one is a
/// 400), then runs the rest in the background. Returns the id.
pub(crate) async fn start(inv: &Arc<Investigations>, job: Job) -> Result<String, ApiErr> {
    let spec = job.spec.clone();
    let features = job.request.features.clone();
    let (target, infra_files) = tokio::task::spawn_blocking(move || load_target(&spec, &features))
        .await
        .map_err(|e| (500, format!("investigation task: {e}")))??;
    let id = inv.begin(&job.request, &job.requested_by);
    let inv = inv.clone();
    let run_id = id.clone();
    tokio::spawn(async move {
        let Ok(_permit) = inv.gate.acquire().await else {
            return;
        };
        let started = Instant::now();
        let outcome = tokio::task::spawn_blocking(move || run(job, target, infra_files))
            .await
            .unwrap_or_else(|e| Err(format!("the investigation stopped: {e}")));
        let inv2 = inv.clone();
        let _ = tokio::task::spawn_blocking(move || inv2.finish(&run_id, outcome, started)).await;
    });
    Ok(id)
}

/// Feeds complete lines (skipping `#tick` lines) to the builder; returns the
/// bytes used (up to the last newline).
fn feed_lines(bytes: &[u8], tracks: &mut TrackBuilder, lines: &mut u64) -> usize {
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    for line in bytes[..end].split(|&b| b == b'\n') {
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        *lines += 1;
        tracks.feed(line);
    }
    end
}

/// Reads the raw lines received in `[from_ms, to_ms]` into tracks and
/// records what was read.
fn read_lines(
    source: &LineSource,
    (from_ms, to_ms): (i64, i64),
    tracks: &mut TrackBuilder,
    custody: &mut Custody,
) -> Result<u64, String> {
    let mut lines = 0u64;
    match source {
        LineSource::Journal(dir) => {
            let read = seawarden_store::journal::read_window(dir, from_ms, to_ms.saturating_add(1), |_, src, line| {
                if src != crate::persist::TICK_SOURCE {
                    lines += 1;
                    tracks.feed(line);
                }
            })
            .map_err(|e| format!("cannot read the journal: {e}"))?;
            for seg in read.segments.iter().filter(|s| s.blocks_read > 0) {
                custody.inputs.push(InputFile {
                    role: format!(
                        "journal segment ({} blocks in the window read, {} skipped)",
                        seg.blocks_read, seg.blocks_skipped
                    ),
                    path: seg.path.to_string_lossy().into_owned(),
                    bytes: seg.bytes_read,
                    sha256: hex(&seg.sha256),
                });
            }
        }
        LineSource::Memory(recent) => {
            let (batches, dropped) = recent.snapshot();
            let mut hash = Sha256::new();
            let mut total = 0u64;
            for b in &batches {
                let used = feed_lines(b, tracks, &mut lines);
                hash.update(&b[..used]);
                total += used as u64;
            }
            custody.inputs.push(InputFile {
                role: "lines received (in memory)".into(),
                path: format!(
                    "memory: {} batches{}",
                    batches.len(),
                    if dropped > 0 {
                        format!(", {dropped} older bytes no longer held")
                    } else {
                        String::new()
                    }
                ),
                bytes: total,
                sha256: hex(&hash.finalize()),
            });
        }
    }
    Ok(lines)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The embedded Natural Earth land, parsed once, for the report's map.
fn land() -> &'static [ZoneFeature] {
    static LAND: OnceLock<Vec<ZoneFeature>> = OnceLock::new();
    LAND.get_or_init(|| {
        crate::api::web_file_bytes("data/land.geojson")
            .and_then(|b| parse_geojson(b, "land.geojson", &LoadOptions::default()).ok())
            .map(|l| l.zones)
            .unwrap_or_default()
    })
}

/// Name, version and the SHA-256 of the running executable.
fn tool_identity() -> &'static str {
    static TOOL: OnceLock<String> = OnceLock::new();
    TOOL.get_or_init(|| {
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| seawarden_investigate::custody::sha256_file(&p.to_string_lossy()).ok());
        match exe {
            Some((sha, _)) => format!(
                "seawarden serve {} (executable SHA-256 {sha})",
                env!("CARGO_PKG_VERSION")
            ),
            None => format!("seawarden serve {}", env!("CARGO_PKG_VERSION")),
        }
    })
}

fn run(job: Job, target: Target, infra_files: Vec<String>) -> Result<Outcome, String> {
    let Job {
        request,
        spec,
        lines: source,
        alerts,
        requested_by,
        request_text,
    } = job;
    let mut custody = Custody {
        tool: tool_identity().to_string(),
        command: format!("POST /api/investigations {request_text} (token {requested_by:?})"),
        ..Custody::default()
    };
    for p in &infra_files {
        custody
            .add_file("infrastructure", p)
            .map_err(|e| e.to_string())?;
    }
    let ports = match &spec.ports {
        Some(p) => {
            custody.add_file("ports", p).map_err(|e| e.to_string())?;
            Ports::load(p).map_err(|e| format!("cannot load {p}: {e}"))?
        }
        None => Ports::north_europe(),
    };
    let watchlist =
        Watchlist::load_all(&spec.watchlist).map_err(|e| format!("cannot load watchlists: {e}"))?;
    for p in &spec.watchlist {
        custody
            .add_file("watchlist", p)
            .map_err(|e| e.to_string())?;
    }
    let q = &request.query;
    let margin = (request.context_hours * 3_600_000.0) as i64;
    let range = (
        q.from_ms.saturating_sub(margin),
        q.to_ms.saturating_add(margin),
    );
    let mut tracks = TrackBuilder::new(range.0, range.1);
    let lines = read_lines(&source, range, &mut tracks, &mut custody)?;
    let (positions, statics) = tracks.finish();
    let params = Params::default();
    let ctx = Context {
        ports: Some(&ports),
        watchlist: Some(&watchlist),
        alerts: &alerts,
    };
    let inv = investigate(&target, q, &positions, &statics, ctx, &params);
    custody.generated = crate::rfc3339(crate::now_ms());
    let report = render_html(&ReportInput {
        target: &target,
        query: q,
        investigation: &inv,
        custody: &custody,
        land: land(),
        top: request.top,
    });
    let suspects = serde_json::to_value(&inv.suspects).map_err(|e| e.to_string())?;
    Ok(Outcome {
        lines,
        ships: inv.ships,
        positions: inv.positions,
        suspects,
        report,
    })
}

/// The alert book's episodes that overlap `[from_ms, to_ms]`.
pub(crate) fn prior_alerts(
    book: &crate::alerts::Book,
    from_ms: i64,
    to_ms: i64,
) -> Vec<PriorAlert> {
    let all = crate::alerts::Filter {
        limit: usize::MAX,
        ..Default::default()
    };
    book.list(&all)
        .into_iter()
        .filter_map(|e| {
            let a = &e.alert;
            let time = |k: &str| {
                a.get(k)
                    .and_then(Value::as_str)
                    .and_then(|s| seawarden_ais::meta::parse_iso8601(s.as_bytes()))
            };
            let (start_ms, end_ms) = (time("start")?, time("end")?);
            if end_ms < from_ms || start_ms > to_ms {
                return None;
            }
            Some(PriorAlert {
                kind: a.get("kind")?.as_str()?.to_string(),
                mmsi: a.get("mmsi")?.as_u64()? as u32,
                start_ms,
                end_ms,
                score: a.get("score").and_then(Value::as_u64).unwrap_or(0).min(100) as u8,
                summary: a
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            })
        })
        .collect()
}

/// Checks an investigation id's form (before any lookup).
pub(crate) fn valid_id(id: &str) -> bool {
    seq_of(id).is_some() && id.len() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_field_by_field() {
        let ok = Request::parse(br#"{"feature":"estlink-2","from":"2025-03-10T08:00:00Z","to":"2025-03-10T12:00:00Z","near":[25.9,59.93],"radius_km":5}"#).unwrap();
        assert_eq!(ok.features, ["estlink-2"]);
        assert_eq!(ok.query.to_ms - ok.query.from_ms, 4 * 3_600_000);
        let f = ok.query.fault.unwrap();
        assert_eq!((f.lat, f.lon, f.radius_m), (59.93, 25.9, 5000.0));
        assert_eq!(ok.context_hours, 12.0);
        for (body, needle) in [
            (
                r#"{"from":"2025-03-10T08:00:00Z","to":"2025-03-10T12:00:00Z"}"#,
                "feature",
            ),
            (
                r#"{"feature":"x","from":"yesterday","to":"2025-03-10T12:00:00Z"}"#,
                "\"from\"",
            ),
            (
                r#"{"feature":"x","from":"2025-03-10T12:00:00Z","to":"2025-03-10T08:00:00Z"}"#,
                "after",
            ),
            (
                r#"{"feature":"x","from":"2025-01-10T12:00:00Z","to":"2025-03-10T08:00:00Z"}"#,
                "31 days",
            ),
            (r#"{"feature":"x","from":1,"to":2,"near":[200,10]}"#, "near"),
            (
                r#"{"feature":"x","from":1,"to":2,"near":[20,10],"radius_km":-1}"#,
                "radius_km",
            ),
            (
                r#"{"feature":"x","from":1,"to":2,"radius_km":3}"#,
                "needs \"near\"",
            ),
            (
                r#"{"feature":"x","from":1,"to":2,"colour":"red"}"#,
                "colour",
            ),
            (r#"{"feature":"","from":1,"to":2}"#, "feature"),
            (r#"not json"#, "invalid request"),
        ] {
            let e = Request::parse(body.as_bytes()).unwrap_err();
            assert!(e.contains(needle), "{body}: {e}");
        }
    }

    #[test]
    fn recent_lines_are_bounded_by_size() {
        let r = Recent::new(100, std::time::Duration::from_secs(3600));
        for i in 0..10u8 {
            r.push(vec![b'a' + i; 30]);
        }
        assert!(r.bytes() <= 100, "{}", r.bytes());
        let (b, dropped) = r.snapshot();
        assert_eq!(b.len(), 3);
        assert_eq!(b[2][0], b'a' + 9, "the newest is kept");
        assert_eq!(dropped, 7 * 30);
    }

    #[test]
    fn partial_lines_and_ticks_are_not_fed() {
        let mut t = TrackBuilder::new(0, i64::MAX);
        let mut n = 0;
        let whole = "#tick 5\n\\s:FI-Hanko,c:1741593600*57\\!AIVDM,1,1,,B,13:4Gk@0231aHO@R=cDC>2T00AUQ,0*75\n";
        let bytes = format!("{whole}!AIVDM,1,1");
        let used = feed_lines(bytes.as_bytes(), &mut t, &mut n);
        assert_eq!(n, 1);
        assert_eq!(used, whole.len());
        let (p, _) = t.finish();
        assert_eq!(p.len(), 1);
        assert!(valid_id("inv-3-1741593600000"));
        assert!(!valid_id("inv-x"));
        assert!(!valid_id("../etc"));
    }
}
