//! The HTTP API (`/api/...`, JSON), the WebSocket stream, metrics, the
//! OpenAPI document and the web map's files.

// Validation helpers return the finished error response; they run once per
// request, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Router};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

use crate::alerts::{ActionError, Filter, State as AlertState};
use crate::auth::{Caller, Role};
use crate::engine::{Control, PosItem};
use crate::{BBox, Shared};

include!(concat!(env!("OUT_DIR"), "/web_files.rs"));

type S = State<Arc<Shared>>;

/// A JSON error response: `{"error": message}`.
fn err(status: u16, msg: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": msg.into()}).to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn ok(v: &Value) -> Response {
    json_response(StatusCode::OK, v)
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/health", get(health))
        .route("/api/vessels", get(vessels))
        .route("/api/vessels/{mmsi}", get(vessel))
        .route("/api/alerts", get(alerts))
        .route("/api/alerts/{id}", get(alert))
        .route("/api/alerts/{id}/ack", post(ack))
        .route("/api/alerts/{id}/comments", post(comment))
        .route(
            "/api/infrastructure",
            get(infra_list)
                .post(infra_upload)
                .layer(DefaultBodyLimit::max(64 << 20)),
        )
        .route("/api/infrastructure/{id}", delete(infra_delete))
        .route("/api/basemap", get(basemap))
        .route(
            "/api/watchlists",
            get(watchlists)
                .post(watchlist_upload)
                .layer(DefaultBodyLimit::max(16 << 20)),
        )
        .route(
            "/api/investigations",
            get(investigation_list).post(investigation_start),
        )
        .route("/api/investigations/{id}", get(investigation_get))
        .route("/api/investigations/{id}/report", get(investigation_report))
        .route("/api/stream", get(stream))
        .route("/api/openapi.json", get(openapi))
        .route("/metrics", get(metrics))
        .route("/", get(index))
        .route("/web/{*path}", get(web_file))
        .fallback(not_found);
    api.layer(middleware::from_fn_with_state(shared.clone(), authorise))
        .with_state(shared)
}

/// The role a request needs; `None` = open.
fn required_role(method: &Method, path: &str) -> Option<Role> {
    if !(path.starts_with("/api/") || path == "/metrics")
        || path == "/api/health"
        || path == "/api/openapi.json"
    {
        return None;
    }
    if method == Method::GET || method == Method::HEAD {
        return Some(Role::Viewer);
    }
    if path.starts_with("/api/infrastructure") || path.starts_with("/api/watchlists") {
        Some(Role::Admin)
    } else {
        Some(Role::Analyst)
    }
}

fn token_of(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(h) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = h
            .strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
        {
            return Some(t.trim().to_string());
        }
    }
    query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(percent_decode)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or(""), 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn authorise(State(shared): S, mut req: Request, next: Next) -> Response {
    shared.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_string();
    let need = required_role(req.method(), &path);
    let token = token_of(req.headers(), req.uri().query());
    let caller = shared.auth.identify(token.as_deref());
    if let Some(need) = need {
        match &caller {
            None if token.is_none() => return err(
                401,
                "this API needs a token: Authorization: Bearer <token> (or ?token= on the stream)",
            ),
            None => return err(401, "unknown token"),
            Some(c) if c.role < need => {
                return err(
                    403,
                    format!(
                        "{} needs the {} role; token {:?} is {}",
                        path,
                        need.as_str(),
                        c.name,
                        c.role.as_str()
                    ),
                )
            }
            Some(_) => {}
        }
    }
    req.extensions_mut().insert(caller.unwrap_or(Caller {
        name: "anonymous".into(),
        role: Role::Viewer,
    }));
    next.run(req).await
}

async fn not_found(req: Request) -> Response {
    err(
        404,
        format!(
            "no such endpoint: {} {} (see /api/openapi.json)",
            req.method(),
            req.uri().path()
        ),
    )
}

async fn health(State(s): S) -> Response {
    let m = &s.metrics;
    ok(&json!({
        "status": "ok",
        "uptime_s": s.started.elapsed().as_secs(),
        "messages": m.messages.load(Ordering::Relaxed),
        "vessels": m.vessels.load(Ordering::Relaxed),
        "alerts": s.book.lock().map(|b| b.len()).unwrap_or(0),
        "sources": s.sources.iter().map(|x| json!({"name": x.name, "kind": x.kind, "lines": x.lines.load(Ordering::Relaxed), "invalid": x.invalid.load(Ordering::Relaxed), "connected": x.connected.load(Ordering::Relaxed)})).collect::<Vec<_>>(),
    }))
}

fn parse_limit(q: &HashMap<String, String>, default: usize, max: usize) -> Result<usize, Response> {
    match q.get("limit") {
        None => Ok(default),
        Some(l) => match l.parse::<usize>() {
            Ok(n) if n >= 1 && n <= max => Ok(n),
            _ => Err(err(
                400,
                format!("limit {l:?}: expected a number from 1 to {max}"),
            )),
        },
    }
}

fn parse_bbox(q: &HashMap<String, String>) -> Result<Option<BBox>, Response> {
    match q.get("bbox") {
        None => Ok(None),
        Some(b) => BBox::parse(b).map(Some).map_err(|e| err(400, e)),
    }
}

fn parse_mmsi(s: &str) -> Result<u32, Response> {
    match s.parse::<u32>() {
        Ok(m) if (1..=999_999_999).contains(&m) => Ok(m),
        _ => Err(err(400, format!("{s:?} is not an MMSI (1 to 9 digits)"))),
    }
}

async fn vessels(State(s): S, Query(q): Query<HashMap<String, String>>) -> Response {
    let bbox = match parse_bbox(&q) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let limit = match parse_limit(&q, 50_000, 1_000_000) {
        Ok(l) => l,
        Err(r) => return r,
    };
    match s.ask(|reply| Control::Vessels { bbox, limit, reply }).await {
        Some(v) => ok(&Value::Array(v)),
        None => err(503, "the pipeline is not running"),
    }
}

async fn vessel(
    State(s): S,
    Path(mmsi): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mmsi = match parse_mmsi(&mmsi) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let track = match q.get("track").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(o) => return err(400, format!("track {o:?}: expected true or false")),
    };
    match s.ask(|reply| Control::Vessel { mmsi, track, reply }).await {
        Some(Some(v)) => ok(&v),
        Some(None) => err(404, format!("vessel {mmsi} has not been heard")),
        None => err(503, "the pipeline is not running"),
    }
}

/// Parses an RFC 3339 time or milliseconds since the epoch into RFC 3339.
fn parse_since(s: &str) -> Result<String, Response> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(crate::rfc3339(ms));
    }
    match seawarden_ais::meta::parse_iso8601(s.as_bytes()) {
        Some(ms) => Ok(crate::rfc3339(ms)),
        None => Err(err(400, format!("since {s:?}: expected an RFC 3339 time (2024-12-25T12:00:00Z) or milliseconds since 1970"))),
    }
}

async fn alerts(State(s): S, Query(q): Query<HashMap<String, String>>) -> Response {
    let limit = match parse_limit(&q, 500, 100_000) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let kind = match q.get("kind").filter(|k| !k.is_empty()) {
        Some(k)
            if seawarden_detect::AlertKind::ALL
                .iter()
                .any(|a| a.as_str() == k) =>
        {
            Some(k.clone())
        }
        Some(k) => {
            return err(
                400,
                format!(
                    "kind {k:?}: expected one of {}",
                    seawarden_detect::AlertKind::ALL
                        .map(|a| a.as_str())
                        .join(", ")
                ),
            )
        }
        None => None,
    };
    let mmsi = match q.get("mmsi").filter(|k| !k.is_empty()) {
        Some(m) => match parse_mmsi(m) {
            Ok(m) => Some(m),
            Err(r) => return r,
        },
        None => None,
    };
    let since = match q.get("since").filter(|k| !k.is_empty()) {
        Some(x) => match parse_since(x) {
            Ok(v) => Some(v),
            Err(r) => return r,
        },
        None => None,
    };
    let state = match q.get("state").map(String::as_str) {
        None | Some("") | Some("all") => None,
        Some("open") => Some(AlertState::Open),
        Some("acknowledged") => Some(AlertState::Acknowledged),
        Some(o) => {
            return err(
                400,
                format!("state {o:?}: expected open, acknowledged or all"),
            )
        }
    };
    let book = s.book.lock().unwrap_or_else(|e| e.into_inner());
    let v: Vec<Value> = book
        .list(&Filter {
            kind,
            mmsi,
            since,
            state,
            limit,
        })
        .iter()
        .map(|e| e.to_json())
        .collect();
    ok(&Value::Array(v))
}

fn check_id(id: &str) -> Result<(), Response> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(err(400, format!("{id:?} is not an alert id")));
    }
    Ok(())
}

async fn alert(State(s): S, Path(id): Path<String>) -> Response {
    if let Err(r) = check_id(&id) {
        return r;
    }
    let book = s.book.lock().unwrap_or_else(|e| e.into_inner());
    match book.get(&id) {
        Some(e) => ok(&e.to_json()),
        None => err(404, format!("no alert {id:?}")),
    }
}

fn action_result(r: anyhow::Result<Result<Value, ActionError>>, id: &str) -> Response {
    match r {
        Ok(Ok(v)) => ok(&v),
        Ok(Err(ActionError::NotFound)) => err(404, format!("no alert {id:?}")),
        Err(e) => err(500, format!("{e:#}")),
    }
}

async fn ack(
    State(s): S,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = check_id(&id) {
        return r;
    }
    let r = s
        .book
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .acknowledge(&id, &caller.name);
    action_result(r, &id)
}

async fn comment(
    State(s): S,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = check_id(&id) {
        return r;
    }
    let text = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => match v.get("text").and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() && t.len() <= 10_000 => t.to_string(),
            Some(_) => return err(400, "\"text\" must be 1 to 10000 characters"),
            None => return err(400, "expected {\"text\": \"...\"}"),
        },
        Err(e) => return err(400, format!("invalid JSON: {e}")),
    };
    let r = s
        .book
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .comment(&id, &caller.name, &text);
    match r {
        Ok(Ok(v)) => json_response(StatusCode::CREATED, &v),
        other => action_result(other, &id),
    }
}

async fn infra_list(State(s): S) -> Response {
    let text = s.infra.geojson();
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        text.to_string(),
    )
        .into_response()
}

/// Rebuilds the pipeline's world after a change.
async fn rebuild(s: &Shared) -> Result<(), String> {
    let spec = s.infra.spec();
    match s.ask(|reply| Control::Rebuild { spec, reply }).await {
        Some(r) => r,
        None => Err("the pipeline is not running".into()),
    }
}

async fn infra_upload(State(s): S, body: Bytes) -> Response {
    let _guard = s.infra.change.lock().await;
    let (ids, files) = match s.infra.upload(&body) {
        Ok(x) => x,
        Err((code, m)) => return err(code, m),
    };
    if let Err(e) = rebuild(&s).await {
        for f in files {
            let _ = std::fs::remove_file(f);
        }
        return err(
            400,
            format!("the world cannot be built with this upload: {e}"),
        );
    }
    if let Err((c, m)) = s.infra.refresh() {
        return err(c, m);
    }
    json_response(StatusCode::CREATED, &json!({"ids": ids}))
}

async fn infra_delete(State(s): S, Path(id): Path<String>) -> Response {
    let _guard = s.infra.change.lock().await;
    let path = match s.infra.find_upload(&id) {
        Ok(p) => p,
        Err((c, m)) => return err(c, m),
    };
    if let Err(e) = std::fs::remove_file(&path) {
        return err(500, format!("cannot remove {}: {e}", path.display()));
    }
    if let Err(e) = rebuild(&s).await {
        return err(500, e);
    }
    if let Err((c, m)) = s.infra.refresh() {
        return err(c, m);
    }
    ok(&json!({"deleted": id}))
}

async fn basemap() -> Response {
    match WEB_FILES.iter().find(|(p, _)| *p == "data/land.geojson") {
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, "application/geo+json"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => err(
            404,
            "this build has no basemap (crates/seawarden-serve/web/data/land.geojson)",
        ),
    }
}

async fn watchlists(State(s): S) -> Response {
    match s.infra.watchlist() {
        Ok(entries) => ok(&Value::Array(entries.iter().map(|e| json!({"mmsi": e.mmsi, "imo": e.imo, "name": e.name, "list": e.list, "reason": e.reason})).collect())),
        Err((c, m)) => err(c, m),
    }
}

async fn watchlist_upload(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let _guard = s.infra.change.lock().await;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_json =
        ct.contains("json") || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let (n, path) = match s.infra.upload_watchlist(&body, is_json) {
        Ok(x) => x,
        Err((c, m)) => return err(c, m),
    };
    if let Err(e) = rebuild(&s).await {
        let _ = std::fs::remove_file(path);
        return err(
            400,
            format!("the world cannot be built with this watchlist: {e}"),
        );
    }
    json_response(StatusCode::CREATED, &json!({"added": n}))
}

async fn investigation_start(
    State(s): S,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    if s.reads_bus {
        return err(409, "investigations read the raw AIS lines, which a server reading a bus (--bus) does not receive: run seawarden investigate on the archive");
    }
    let request = match crate::investigations::Request::parse(&body) {
        Ok(r) => r,
        Err(e) => return err(400, e),
    };
    let alerts = {
        let book = s.book.lock().unwrap_or_else(|e| e.into_inner());
        crate::investigations::prior_alerts(&book, request.query.from_ms, request.query.to_ms)
    };
    let job = crate::investigations::Job {
        request,
        spec: s.infra.spec(),
        lines: s.lines.clone(),
        alerts,
        requested_by: caller.name.clone(),
        request_text: String::from_utf8_lossy(&body).chars().take(2000).collect(),
    };
    match crate::investigations::start(&s.investigations, job).await {
        Ok(id) => json_response(
            StatusCode::ACCEPTED,
            &json!({"id": id, "status": "running", "url": format!("/api/investigations/{id}"), "report": format!("/api/investigations/{id}/report")}),
        ),
        Err((code, m)) => err(code, m),
    }
}

async fn investigation_list(State(s): S) -> Response {
    ok(&serde_json::to_value(s.investigations.list()).unwrap_or(Value::Null))
}

fn check_investigation_id(id: &str) -> Result<(), Response> {
    if crate::investigations::valid_id(id) {
        Ok(())
    } else {
        Err(err(
            400,
            format!("{id:?} is not an investigation id (inv-<n>-<ms>)"),
        ))
    }
}

async fn investigation_get(State(s): S, Path(id): Path<String>) -> Response {
    if let Err(r) = check_investigation_id(&id) {
        return r;
    }
    let inv = s.investigations.clone();
    let id2 = id.clone();
    match tokio::task::spawn_blocking(move || inv.get(&id2)).await {
        Ok(Some(v)) => ok(&v),
        Ok(None) => err(404, format!("no investigation {id:?}")),
        Err(e) => err(500, format!("{e}")),
    }
}

async fn investigation_report(State(s): S, Path(id): Path<String>) -> Response {
    if let Err(r) = check_investigation_id(&id) {
        return r;
    }
    let inv = s.investigations.clone();
    let id2 = id.clone();
    match tokio::task::spawn_blocking(move || inv.report(&id2)).await {
        Ok(Ok(Some(h))) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            h.to_string(),
        )
            .into_response(),
        Ok(Ok(None)) => err(404, format!("no investigation {id:?}")),
        Ok(Err((code, m))) => err(code, m),
        Err(e) => err(500, format!("{e}")),
    }
}

/// An embedded file of the web map.
pub(crate) fn web_file_bytes(path: &str) -> Option<&'static [u8]> {
    WEB_FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

async fn metrics(State(s): S) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(&s),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "pbf" => "application/x-protobuf",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(path: &str) -> Response {
    match WEB_FILES.iter().find(|(p, _)| *p == path) {
        Some((p, bytes)) => (
            [(header::CONTENT_TYPE, content_type(p))],
            Body::from(*bytes),
        )
            .into_response(),
        None => err(404, format!("no file /web/{path}")),
    }
}

async fn index() -> Response {
    if WEB_FILES.iter().any(|(p, _)| *p == "index.html") {
        file_response("index.html")
    } else {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], "<!doctype html><title>Seawarden</title><p>Seawarden is running; the web map is not in this build. The API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.").into_response()
    }
}

async fn web_file(Path(path): Path<String>) -> Response {
    file_response(&path)
}

async fn stream(
    State(s): S,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let bbox = match parse_bbox(&q) {
        Ok(b) => b,
        Err(r) => return r,
    };
    ws.on_upgrade(move |socket| client(s, socket, bbox))
}

/// Positions are sent at most this often per vessel (the newest one).
const POSITION_FLUSH: Duration = Duration::from_millis(500);

async fn client(s: Arc<Shared>, socket: WebSocket, bbox: Option<BBox>) {
    s.metrics.ws_clients.fetch_add(1, Ordering::Relaxed);
    let mut positions = s.positions.subscribe();
    let mut alerts = s.alerts.subscribe();
    let (mut tx, mut rx) = socket.split();
    let inside = |lon: f64, lat: f64| bbox.is_none_or(|b| b.contains(lon, lat));
    let mut pending: HashMap<u32, (Arc<Vec<PosItem>>, usize)> = HashMap::new();
    let mut flush = tokio::time::interval(POSITION_FLUSH);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            a = alerts.recv() => match a {
                Ok(a) => {
                    // Alerts without a position (NaN) go to every client.
                    if (a.lat.is_nan() || inside(a.lon, a.lat)) && tx.send(Message::Text(a.json.to_string().into())).await.is_err() {
                        break;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    s.metrics.ws_lagged.fetch_add(n, Ordering::Relaxed);
                }
                Err(_) => break,
            },
            p = positions.recv() => match p {
                Ok(batch) => {
                    for (i, it) in batch.iter().enumerate() {
                        if inside(it.lon, it.lat) {
                            pending.insert(it.mmsi, (batch.clone(), i));
                        }
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    s.metrics.ws_lagged.fetch_add(n, Ordering::Relaxed);
                }
                Err(_) => break,
            },
            _ = flush.tick() => {
                if !pending.is_empty() {
                    let mut failed = false;
                    for (_, (batch, i)) in pending.drain() {
                        if tx.feed(Message::Text(batch[i].json.to_string().into())).await.is_err() {
                            failed = true;
                            break;
                        }
                    }
                    if failed || tx.flush().await.is_err() {
                        break;
                    }
                }
            },
            m = rx.next() => match m {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    s.metrics.ws_clients.fetch_sub(1, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_route() {
        assert_eq!(
            required_role(&Method::GET, "/api/vessels"),
            Some(Role::Viewer)
        );
        assert_eq!(required_role(&Method::GET, "/api/health"), None);
        assert_eq!(required_role(&Method::GET, "/"), None);
        assert_eq!(
            required_role(&Method::POST, "/api/alerts/x/ack"),
            Some(Role::Analyst)
        );
        assert_eq!(
            required_role(&Method::POST, "/api/investigations"),
            Some(Role::Analyst)
        );
        assert_eq!(
            required_role(&Method::DELETE, "/api/infrastructure/x"),
            Some(Role::Admin)
        );
        assert_eq!(
            required_role(&Method::POST, "/api/watchlists"),
            Some(Role::Admin)
        );
        assert_eq!(required_role(&Method::GET, "/metrics"), Some(Role::Viewer));
        assert_eq!(percent_decode("a%2Bb+c"), "a+b c");
    }

    #[test]
    fn the_openapi_document_is_json_and_names_every_route() {
        let v: Value = serde_json::from_str(include_str!("openapi.json")).unwrap();
        let paths = v["paths"].as_object().unwrap();
        for p in [
            "/api/health",
            "/api/vessels",
            "/api/vessels/{mmsi}",
            "/api/alerts",
            "/api/alerts/{id}",
            "/api/alerts/{id}/ack",
            "/api/alerts/{id}/comments",
            "/api/infrastructure",
            "/api/infrastructure/{id}",
            "/api/basemap",
            "/api/watchlists",
            "/api/investigations",
            "/api/investigations/{id}",
            "/api/investigations/{id}/report",
            "/api/stream",
            "/metrics",
        ] {
            assert!(paths.contains_key(p), "{p} missing from openapi.json");
        }
    }
}
