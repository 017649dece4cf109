//! End to end: the real server in this process on ephemeral ports, fed
//! recorded real AIS over real TCP and UDP sockets, checked through the
//! HTTP API, the WebSocket stream, the metrics, webhooks delivered to a real
//! local HTTP server, and a restart from the data directory.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use seawarden_serve::{ServeConfig, Server, SourceSpec, Token};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

fn demo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(rel)
}

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "seawarden-serve-test-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn base_config() -> ServeConfig {
    ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    }
}

async fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let c = reqwest::Client::new();
    let mut r = c.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn send(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (u16, Value) {
    let c = reqwest::Client::new();
    let mut r = c.request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.header("content-type", "application/json").body(b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn wait_for(what: &str, secs: u64, mut f: impl AsyncFnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn metric(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(name_and_labels)
                .and_then(|r| r.trim().parse().ok())
        })
        .unwrap_or_else(|| panic!("no metric {name_and_labels} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_feeds_over_tcp_and_udp_reach_the_api_and_the_stream() {
    let mut config = base_config();
    config
        .sources
        .push(SourceSpec::parse("listen-tcp", "push=127.0.0.1:0").unwrap());
    config
        .sources
        .push(SourceSpec::parse("udp", "udp=127.0.0.1:0").unwrap());
    config
        .sources
        .push(SourceSpec::parse("listen-tcp", "junk=127.0.0.1:0").unwrap());
    let server = seawarden_serve::start(config).await.unwrap();
    let base = format!("http://{}", server.addr());

    // A client watching the Norwegian coast.
    let bbox = (4.0, 57.0, 32.0, 72.0);
    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "ws://{}/api/stream?bbox={},{},{},{}",
        server.addr(),
        bbox.0,
        bbox.1,
        bbox.2,
        bbox.3
    ))
    .await
    .unwrap();

    // A source that sends garbage, and keeps its connection open.
    let mut junk = tokio::net::TcpStream::connect(server.source_addr("junk").unwrap())
        .await
        .unwrap();
    junk.write_all(b"GET / HTTP/1.1\r\n\x00\x01\x02\xff\xfe garbage\n{\"json\": true}\n")
        .await
        .unwrap();

    // Kystverket's feed (tag blocks) over TCP.
    let kyst = std::fs::read(demo("ais/kystverket-2019-08-07.nm4")).unwrap();
    let mut push = tokio::net::TcpStream::connect(server.source_addr("push").unwrap())
        .await
        .unwrap();
    push.write_all(&kyst).await.unwrap();
    push.shutdown().await.unwrap();

    // The Danish Maritime Authority's recording ($PGHP headers) over UDP,
    // each header with its sentence in one datagram.
    let mut dma_text = String::new();
    let shared_file = shared("ais/dma_aisabnormal/ais-sample.txt.gz");
    if shared_file.exists() {
        flate2::read::GzDecoder::new(std::fs::File::open(&shared_file).unwrap())
            .read_to_string(&mut dma_text)
            .unwrap();
    } else {
        eprintln!(
            "{} is missing: sending the bundled DMA recording instead",
            shared_file.display()
        );
        dma_text = std::fs::read_to_string(demo("ais/dma-2010-06-11.txt")).unwrap();
    }
    let lines: Vec<&str> = dma_text.lines().take(20_000).collect();
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = server.source_addr("udp").unwrap();
    let mut datagram = String::new();
    let mut sent_sentences = 0;
    for (i, l) in lines.iter().enumerate() {
        datagram.push_str(l);
        datagram.push('\n');
        if l.starts_with('!') {
            sent_sentences += 1;
        }
        let next_is_sentence = lines.get(i + 1).is_some_and(|n| n.starts_with('!'));
        if datagram.len() > 1200 && !next_is_sentence {
            udp.send_to(datagram.as_bytes(), target).await.unwrap();
            datagram.clear();
            tokio::time::sleep(Duration::from_micros(300)).await;
        }
    }
    udp.send_to(datagram.as_bytes(), target).await.unwrap();
    // After the garbage, the junk source still takes a valid line.
    junk.write_all(b"!AIVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*44\n")
        .await
        .unwrap();

    let metrics_url = format!("{base}/metrics");
    wait_for("every line to be read", 30, async || {
        let (_, m) = get(&metrics_url, None).await;
        let m = m.as_str().unwrap_or("").to_string();
        metric(
            &m,
            "seawarden_source_lines_total{source=\"push\",kind=\"listen-tcp\"}",
        ) >= 999.0
            && metric(
                &m,
                "seawarden_source_lines_total{source=\"udp\",kind=\"udp\"}",
            ) >= (sent_sentences as f64) * 0.95
            && metric(
                &m,
                "seawarden_source_lines_total{source=\"junk\",kind=\"listen-tcp\"}",
            ) >= 1.0
    })
    .await;
    let (_, m) = get(&metrics_url, None).await;
    let m = m.as_str().unwrap().to_string();
    assert!(
        metric(
            &m,
            "seawarden_source_invalid_lines_total{source=\"junk\",kind=\"listen-tcp\"}"
        ) >= 3.0,
        "{m}"
    );
    assert_eq!(
        metric(
            &m,
            "seawarden_source_invalid_lines_total{source=\"push\",kind=\"listen-tcp\"}"
        ),
        0.0
    );
    assert!(m.contains("# TYPE seawarden_alert_latency_seconds histogram"));

    wait_for("the pipeline to count the messages", 10, async || {
        get(&format!("{base}/api/health"), None).await.1["messages"]
            .as_u64()
            .unwrap_or(0)
            > 5_000
    })
    .await;
    let (status, health) = get(&format!("{base}/api/health"), None).await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert!(health["vessels"].as_u64().unwrap() > 100, "{health}");

    // Vessels in an area, and only there.
    let (status, norway) = get(
        &format!(
            "{base}/api/vessels?bbox={},{},{},{}",
            bbox.0, bbox.1, bbox.2, bbox.3
        ),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let norway = norway.as_array().unwrap();
    assert!(norway.len() > 50, "{} vessels off Norway", norway.len());
    for v in norway {
        let (lon, lat) = (v["lon"].as_f64().unwrap(), v["lat"].as_f64().unwrap());
        assert!(
            lon >= bbox.0 && lon <= bbox.2 && lat >= bbox.1 && lat <= bbox.3,
            "{v}"
        );
        assert!(
            v["mmsi"].is_u64()
                && v["last_seen"].is_string()
                && (v["class"] == "A" || v["class"] == "B"),
            "{v}"
        );
    }
    let (_, all) = get(&format!("{base}/api/vessels"), None).await;
    assert!(all.as_array().unwrap().len() > norway.len());

    // One vessel with its track: the one with the most reports.
    let mmsi = norway
        .iter()
        .find(|v| v["name"].as_str().is_some_and(|n| !n.is_empty()))
        .map(|v| v["mmsi"].as_u64().unwrap())
        .unwrap_or(norway[0]["mmsi"].as_u64().unwrap());
    let (status, one) = get(&format!("{base}/api/vessels/{mmsi}?track=true"), None).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["mmsi"].as_u64(), Some(mmsi));
    let track = one["track"].as_array().unwrap();
    assert!(!track.is_empty());
    assert!(track[0]["t"].is_string() && track[0]["lat"].is_f64());
    assert_eq!(get(&format!("{base}/api/vessels/12x"), None).await.0, 400);
    assert_eq!(
        get(&format!("{base}/api/vessels/999999999"), None).await.0,
        404
    );
    let (status, e) = get(&format!("{base}/api/vessels?bbox=1,2,3"), None).await;
    assert_eq!(status, 400);
    assert!(e["error"].as_str().unwrap().contains("bbox"));

    // The stream sent positions inside the box, and none outside.
    let mut positions = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, ws.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "position" {
                let (lon, lat) = (v["lon"].as_f64().unwrap(), v["lat"].as_f64().unwrap());
                assert!(
                    lon >= bbox.0 && lon <= bbox.2 && lat >= bbox.1 && lat <= bbox.3,
                    "{v}"
                );
                positions += 1;
            }
        }
    }
    assert!(positions > 20, "{positions} positions on the stream");

    // Documents and the map.
    let (status, doc) = get(&format!("{base}/api/openapi.json"), None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.0.3");
    let index = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(index.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(get(&format!("{base}/api/nothing"), None).await.0, 404);
    server.shutdown().await;
}

/// Lines for one vessel that changes its identity
/// ([`seawarden_sim::traffic::identity_change`]: three positions, then its
/// name reported as `first` and then as `second`), stamped from `t0_ms`.
fn identity_change_lines(mmsi: u32, first: &str, second: &str, t0_ms: i64) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, s) in seawarden_sim::traffic::identity_change(mmsi, [first, second], 3, t0_ms) {
        seawarden_serve::lines::stamp(s.as_bytes(), t, "sim", &mut out);
        out.push(b'\n');
    }
    out
}

/// A local webhook receiver that fails its first `fail_first` requests.
async fn webhook_server(
    fail_first: usize,
) -> (SocketAddr, Arc<Mutex<Vec<Value>>>, Arc<Mutex<usize>>) {
    use axum::routing::post;
    let got = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(Mutex::new(0usize));
    let (g, c) = (got.clone(), calls.clone());
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: String| {
            let (g, c) = (g.clone(), c.clone());
            async move {
                let n = {
                    let mut c = c.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n <= fail_first {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                g.lock().unwrap().push(serde_json::from_str(&body).unwrap());
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (addr, got, calls)
}

const VIEWER: &str = "viewer-secret-0123456789";
const ANALYST: &str = "analyst-secret-0123456789";
const ADMIN: &str = "admin-secret-0123456789";

fn tokens() -> Vec<Token> {
    vec![
        Token::parse(&format!("vera:viewer:{VIEWER}")).unwrap(),
        Token::parse(&format!("ana:analyst:{ANALYST}")).unwrap(),
        Token::parse(&format!("adam:admin:{ADMIN}")).unwrap(),
    ]
}

async fn start_with_data(
    data: &std::path::Path,
    hook: SocketAddr,
    jsonl: &std::path::Path,
) -> Server {
    let mut config = base_config();
    config
        .sources
        .push(SourceSpec::parse("listen-tcp", "push=127.0.0.1:0").unwrap());
    config.data_dir = Some(data.to_path_buf());
    config.webhooks = vec![format!("http://{hook}/hook")];
    config.alerts_jsonl = Some(jsonl.to_path_buf());
    config.tokens = tokens();
    seawarden_serve::start(config).await.unwrap()
}

async fn push_lines(server: &Server, bytes: &[u8]) {
    let mut s = tokio::net::TcpStream::connect(server.source_addr("push").unwrap())
        .await
        .unwrap();
    s.write_all(bytes).await.unwrap();
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_are_delivered_reviewed_and_survive_a_restart() {
    let dir = temp_dir("alerts");
    let data = dir.join("data");
    let jsonl = dir.join("alerts.jsonl");
    let (hook, got, calls) = webhook_server(1).await;
    let server = start_with_data(&data, hook, &jsonl).await;
    let base = format!("http://{}", server.addr());
    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "ws://{}/api/stream?token={VIEWER}",
        server.addr()
    ))
    .await
    .unwrap();
    let t0 = 1_735_120_800_000;
    push_lines(
        &server,
        &identity_change_lines(230_123_000, "ALPHA", "BRAVO", t0),
    )
    .await;

    // The alert reaches the stream, the API, the file and (after one failure) the webhook.
    let alert = loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("an alert on the stream")
            .unwrap()
            .unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "alert" {
                break v;
            }
        }
    };
    assert_eq!(alert["kind"], "identity_change");
    assert_eq!(alert["mmsi"], 230_123_000);
    assert_eq!(alert["state"], "open");
    let id = alert["id"].as_str().unwrap().to_string();
    wait_for("the webhook", 15, async || !got.lock().unwrap().is_empty()).await;
    assert!(
        *calls.lock().unwrap() >= 2,
        "the first POST failed and was retried"
    );
    assert_eq!(got.lock().unwrap()[0]["id"], id.as_str());

    // Roles.
    assert_eq!(get(&format!("{base}/api/alerts"), None).await.0, 401);
    assert_eq!(
        get(
            &format!("{base}/api/alerts"),
            Some("wrong-token-0123456789")
        )
        .await
        .0,
        401
    );
    let (status, list) = get(
        &format!("{base}/api/alerts?kind=identity_change&state=open"),
        Some(VIEWER),
    )
    .await;
    assert_eq!(status, 200);
    let events_before = list.as_array().unwrap().len();
    assert!(events_before >= 1);
    assert_eq!(
        get(&format!("{base}/api/alerts?kind=nonsense"), Some(VIEWER))
            .await
            .0,
        400
    );
    assert_eq!(
        get(&format!("{base}/api/alerts?state=closed"), Some(VIEWER))
            .await
            .0,
        400
    );
    assert_eq!(
        send(
            reqwest::Method::POST,
            &format!("{base}/api/alerts/{id}/ack"),
            Some(VIEWER),
            None
        )
        .await
        .0,
        403
    );
    let (status, acked) = send(
        reqwest::Method::POST,
        &format!("{base}/api/alerts/{id}/ack"),
        Some(ANALYST),
        None,
    )
    .await;
    assert_eq!(status, 200, "{acked}");
    assert_eq!(acked["state"], "acknowledged");
    assert_eq!(acked["acknowledged_by"], "ana");
    let (status, commented) = send(
        reqwest::Method::POST,
        &format!("{base}/api/alerts/{id}/comments"),
        Some(ANALYST),
        Some(json!({"text": "called the ship"}).to_string()),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(commented["comments"][0]["text"], "called the ship");
    assert_eq!(
        send(
            reqwest::Method::POST,
            &format!("{base}/api/alerts/{id}/comments"),
            Some(ANALYST),
            Some("{\"txt\": 1}".into())
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(
            reqwest::Method::POST,
            "{base}/api/alerts/nope/ack"
                .replace("{base}", &base)
                .as_str(),
            Some(ANALYST),
            None
        )
        .await
        .0,
        404
    );
    assert!(get(
        &format!("{base}/api/alerts?state=open&kind=identity_change"),
        Some(VIEWER)
    )
    .await
    .1
    .as_array()
    .unwrap()
    .iter()
    .all(|a| a["id"] != id.as_str()));
    assert_eq!(get(&format!("{base}/metrics"), None).await.0, 401);
    assert_eq!(get(&format!("{base}/metrics"), Some(VIEWER)).await.0, 200);

    let delivered_before = std::fs::read_to_string(&jsonl).unwrap().lines().count();
    assert!(delivered_before >= 1);
    server.shutdown().await;

    // Simulate a crash that lost the last delivery: remove the last event
    // from the store's log of delivered events; the restart must deliver
    // that event again, and only that one.
    let store = seawarden_store::Store::open(&data).unwrap();
    let events = store.alert_events().unwrap();
    assert_eq!(events.len(), delivered_before, "every delivered event is stored");
    let lost: Value = serde_json::from_str(events.last().unwrap()).unwrap();
    store
        .sql()
        .execute(
            "DELETE FROM alert_events WHERE seq = (SELECT max(seq) FROM alert_events)",
            [],
        )
        .unwrap();
    drop(store);
    let webhooks_before = got.lock().unwrap().len();

    let server = start_with_data(&data, hook, &jsonl).await;
    let base = format!("http://{}", server.addr());
    wait_for("the lost event to be delivered again", 15, async || {
        got.lock().unwrap().len() > webhooks_before
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again: Vec<Value> = got.lock().unwrap()[webhooks_before..].to_vec();
    assert_eq!(
        again.len(),
        1,
        "exactly the lost event is delivered again: {again:?}"
    );
    assert_eq!(again[0]["id"], lost["id"]);
    assert_eq!(again[0]["event"], lost["event"]);
    let delivered_after = std::fs::read_to_string(&jsonl).unwrap().lines().count();
    assert_eq!(delivered_after, delivered_before + 1);
    let stored = seawarden_store::Store::open(&data)
        .unwrap()
        .alert_events()
        .unwrap()
        .len();
    assert_eq!(stored, delivered_before, "stored again, once");
    // The review state came back.
    let (status, a) = get(&format!("{base}/api/alerts/{id}"), Some(VIEWER)).await;
    assert_eq!(status, 200);
    assert_eq!(a["state"], "acknowledged");
    assert_eq!(a["comments"][0]["text"], "called the ship");
    assert_eq!(
        get(
            &format!("{base}/api/alerts?kind=identity_change"),
            Some(VIEWER)
        )
        .await
        .1
        .as_array()
        .unwrap()
        .len(),
        events_before
    );
    // The tracks came back from the journal.
    let (status, v) = get(
        &format!("{base}/api/vessels/230123000?track=true"),
        Some(VIEWER),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "BRAVO");
    assert_eq!(v["track"].as_array().unwrap().len(), 3);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infrastructure_and_watchlists_are_managed_by_admins() {
    let mut config = base_config();
    config
        .sources
        .push(SourceSpec::parse("listen-tcp", "push=127.0.0.1:0").unwrap());
    config.world.infra.push(
        demo("geo/baltic-energy-approx.geojson")
            .to_string_lossy()
            .into_owned(),
    );
    config.tokens = tokens();
    let server = seawarden_serve::start(config).await.unwrap();
    let base = format!("http://{}", server.addr());
    let url = format!("{base}/api/infrastructure");

    let (status, fc) = get(&url, Some(VIEWER)).await;
    assert_eq!(status, 200);
    let n0 = fc["features"].as_array().unwrap().len();
    assert!(n0 >= 3, "{fc}");
    let f = &fc["features"][0];
    assert!(
        f["properties"]["id"].is_string()
            && f["properties"]["kind"].is_string()
            && f["geometry"]["coordinates"].is_array()
    );

    let cable = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "test-cable", "name": "Test cable", "kind": "cable", "corridor_m": 1000}, "geometry": {"type": "LineString", "coordinates": [[24.0, 59.5], [25.0, 60.0]]}}]}).to_string();
    assert_eq!(
        send(
            reqwest::Method::POST,
            &url,
            Some(ANALYST),
            Some(cable.clone())
        )
        .await
        .0,
        403
    );
    let (status, e) = send(reqwest::Method::POST, &url, Some(ADMIN), Some("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[1]]}}]}".into())).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].is_string());
    assert_eq!(
        send(
            reqwest::Method::POST,
            &url,
            Some(ADMIN),
            Some("not json".into())
        )
        .await
        .0,
        400
    );
    let (status, r) = send(
        reqwest::Method::POST,
        &url,
        Some(ADMIN),
        Some(cable.clone()),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["ids"][0], "test-cable");
    assert_eq!(
        send(reqwest::Method::POST, &url, Some(ADMIN), Some(cable))
            .await
            .0,
        409
    );
    let (_, fc) = get(&url, Some(VIEWER)).await;
    assert_eq!(fc["features"].as_array().unwrap().len(), n0 + 1);
    assert!(fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["id"] == "test-cable" && f["properties"]["origin"] == "upload"));
    let startup_id = fc["features"][0]["properties"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        send(
            reqwest::Method::DELETE,
            &format!("{url}/{startup_id}"),
            Some(ADMIN),
            None
        )
        .await
        .0,
        409
    );
    assert_eq!(
        send(
            reqwest::Method::DELETE,
            &format!("{url}/no-such"),
            Some(ADMIN),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(
            reqwest::Method::DELETE,
            &format!("{url}/test-cable"),
            Some(ADMIN),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        get(&url, Some(VIEWER)).await.1["features"]
            .as_array()
            .unwrap()
            .len(),
        n0
    );

    let wl = format!("{base}/api/watchlists");
    assert_eq!(get(&wl, Some(VIEWER)).await.1, json!([]));
    let entries = json!([{"mmsi": 230123000, "imo": null, "name": "BRAVO", "list": "test", "reason": "exercise"}]).to_string();
    assert_eq!(
        send(
            reqwest::Method::POST,
            &wl,
            Some(ANALYST),
            Some(entries.clone())
        )
        .await
        .0,
        403
    );
    assert_eq!(
        send(
            reqwest::Method::POST,
            &wl,
            Some(ADMIN),
            Some("[{\"name\": \"\"}]".into())
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(reqwest::Method::POST, &wl, Some(ADMIN), Some(entries))
            .await
            .0,
        201
    );
    let (_, list) = get(&wl, Some(VIEWER)).await;
    assert_eq!(list[0]["mmsi"], 230123000);
    assert_eq!(list[0]["list"], "test");
    server.shutdown().await;
}

#[tokio::test]
async fn unsafe_or_broken_configurations_are_refused() {
    let mut c = base_config();
    c.listen = "0.0.0.0:0".parse().unwrap();
    let e = seawarden_serve::start(c.clone())
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("without API tokens"), "{e}");
    c.webhooks = vec!["ftp://x".into()];
    c.insecure = true;
    assert!(seawarden_serve::start(c)
        .await
        .err()
        .unwrap()
        .to_string()
        .contains("--webhook"));
    let mut c = base_config();
    c.sources
        .push(SourceSpec::parse("udp", "a=127.0.0.1:0").unwrap());
    c.sources
        .push(SourceSpec::parse("udp", "a=127.0.0.1:0").unwrap());
    assert!(seawarden_serve::start(c).await.is_err());
    assert!(SourceSpec::parse("udp", "x=notanaddress").is_err());
    assert!(SourceSpec::parse("tcp", "noequals").is_err());
    let mut c = base_config();
    c.tls = Some(("/nonexistent.pem".into(), "/nonexistent.key".into()));
    assert!(seawarden_serve::start(c)
        .await
        .err()
        .unwrap()
        .to_string()
        .contains("certificate"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tcp_client_reconnects_and_a_followed_file_is_read_as_it_grows() {
    // A feed like Kystverket's: the server connects to it.
    let feed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dir = temp_dir("follow");
    let file = dir.join("growing.nm4");
    std::fs::write(&file, b"").unwrap();
    let mut config = base_config();
    config
        .sources
        .push(SourceSpec::parse("tcp", &format!("feed={}", feed.local_addr().unwrap())).unwrap());
    config
        .sources
        .push(SourceSpec::parse("follow", &format!("file={}", file.display())).unwrap());
    let server = seawarden_serve::start(config).await.unwrap();
    let base = format!("http://{}", server.addr());
    let kyst = std::fs::read(demo("ais/kystverket-2019-08-07.nm4")).unwrap();
    let (half_a, half_b) = kyst.split_at(kyst.len() / 2);
    // First connection: half the feed, then the feed goes away.
    let (mut c, _) = tokio::time::timeout(Duration::from_secs(5), feed.accept())
        .await
        .unwrap()
        .unwrap();
    c.write_all(half_a).await.unwrap();
    drop(c);
    // The client comes back (after its 1 s backoff) and gets the rest.
    let (mut c, _) = tokio::time::timeout(Duration::from_secs(10), feed.accept())
        .await
        .expect("the client reconnects")
        .unwrap();
    c.write_all(half_b).await.unwrap();
    c.shutdown().await.unwrap();
    // The followed file grows after the server opened it.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(
        &mut f,
        &identity_change_lines(230_999_000, "ONE", "TWO", 1_735_120_800_000),
    )
    .unwrap();
    drop(f);
    let metrics_url = format!("{base}/metrics");
    wait_for("both sources", 15, async || {
        let (_, m) = get(&metrics_url, None).await;
        let m = m.as_str().unwrap_or("").to_string();
        metric(
            &m,
            "seawarden_source_lines_total{source=\"feed\",kind=\"tcp\"}",
        ) >= 999.0
            && metric(
                &m,
                "seawarden_source_lines_total{source=\"file\",kind=\"follow\"}",
            ) >= 5.0
    })
    .await;
    let (_, m) = get(&metrics_url, None).await;
    let m = m.as_str().unwrap().to_string();
    assert!(
        metric(
            &m,
            "seawarden_source_connections_total{source=\"feed\",kind=\"tcp\"}"
        ) >= 2.0,
        "{m}"
    );
    wait_for("the followed file's vessel", 10, async || {
        get(&format!("{base}/api/vessels/230999000"), None).await.0 == 200
    })
    .await;
    assert_eq!(
        get(&format!("{base}/api/vessels/230999000"), None).await.1["name"],
        "TWO"
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_the_api_with_the_given_certificate() {
    let dir = temp_dir("tls");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert_pem, key_pem) = (cert.cert.pem(), cert.key_pair.serialize_pem());
    std::fs::write(dir.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), &key_pem).unwrap();
    let mut config = base_config();
    config.tls = Some((dir.join("cert.pem"), dir.join("key.pem")));
    config.tokens = tokens();
    let server = seawarden_serve::start(config).await.unwrap();
    let port = server.addr().port();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", server.addr())
        .build()
        .unwrap();
    let r = client
        .get(format!("https://localhost:{port}/api/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["status"], "ok");
    let r = client
        .get(format!("https://localhost:{port}/api/vessels"))
        .bearer_auth(VIEWER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        client
            .get(format!("https://localhost:{port}/api/vessels"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // Plain HTTP on the TLS port gets no API.
    let plain = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert!(plain
        .get(format!("http://127.0.0.1:{port}/api/health"))
        .send()
        .await
        .is_err());
    // A key that does not parse is refused at start.
    std::fs::write(dir.join("bad.pem"), "not a key").unwrap();
    let mut bad = base_config();
    bad.tls = Some((dir.join("cert.pem"), dir.join("bad.pem")));
    assert!(seawarden_serve::start(bad).await.is_err());
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The demo's simulated anchor drag over Estlink 2 (`scenarios/gulf_of_finland.toml`).
const KAPELLA_S: u64 = 518_100_001;

fn demo_investigation_config(data: &std::path::Path) -> (ServeConfig, usize) {
    let files = vec![demo("ais/kystverket-2019-08-07.nm4")];
    let scenario = demo("../scenarios/gulf_of_finland.toml");
    // Lines of one loop of the demo, to know when it has all been played.
    let mut rec = seawarden_serve::demo::Recording::load(&files).unwrap();
    rec.add_scenario(&scenario, 7).unwrap();
    let mut config = base_config();
    config.sources.push(SourceSpec::Demo {
        name: "demo".into(),
        files,
        // Four hours of the scenario in about six seconds.
        speed: 2500.0,
        scenario: Some(scenario),
    });
    config.world.infra = vec![demo("geo/baltic-energy-approx.geojson")
        .to_string_lossy()
        .into_owned()];
    config.world.watchlist = vec![demo("../scenarios/watchlists/incidents.csv")
        .to_string_lossy()
        .into_owned()];
    config.data_dir = Some(data.to_path_buf());
    config.tokens = tokens();
    (config, rec.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_investigation_over_the_demo_ranks_the_anchor_dragger_first() {
    let data = temp_dir("investigate");
    let (config, loop_lines) = demo_investigation_config(&data);
    let t0 = seawarden_serve::now_ms();
    let server = seawarden_serve::start(config).await.unwrap();
    let base = format!("http://{}", server.addr());
    // The whole first loop played and processed.
    wait_for("the demo's first loop", 120, async || {
        let (_, h) = get(&format!("{base}/api/health"), None).await;
        h["sources"][0]["lines"].as_u64().unwrap_or(0) >= loop_lines as u64
    })
    .await;
    wait_for("the anchor drag alert", 30, async || {
        let (_, a) = get(
            &format!("{base}/api/alerts?kind=anchor_drag&mmsi={KAPELLA_S}"),
            Some(VIEWER),
        )
        .await;
        a.as_array().is_some_and(|a| !a.is_empty())
    })
    .await;

    // The scenario starts when the server does; its second loop starts
    // 4.5 h of data later, outside the window and its context.
    let window = json!({
        "feature": "estlink-2",
        "from": t0 - 600_000,
        "to": t0 + 4 * 3_600_000 + 600_000,
        "context_hours": 0.25,
    });
    let url = format!("{base}/api/investigations");
    let post = |token: &'static str, body: Value| {
        let url = url.clone();
        async move {
            send(
                reqwest::Method::POST,
                &url,
                Some(token),
                Some(body.to_string()),
            )
            .await
        }
    };
    let (code, e) = post(VIEWER, window.clone()).await;
    assert_eq!(code, 403, "{e}");
    let mut unknown = window.clone();
    unknown["feature"] = json!("no-such-cable");
    let (code, e) = post(ANALYST, unknown).await;
    assert_eq!(code, 400, "{e}");
    assert!(
        e["error"].as_str().unwrap().contains("no-such-cable"),
        "{e}"
    );
    let (code, e) = post(
        ANALYST,
        json!({"feature": "estlink-2", "from": "then", "to": "now"}),
    )
    .await;
    assert_eq!(code, 400, "{e}");
    assert!(e["error"].as_str().unwrap().contains("\"from\""), "{e}");

    let (code, started) = post(ANALYST, window.clone()).await;
    assert_eq!(code, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let mut result = Value::Null;
    wait_for("the investigation", 120, async || {
        let (code, v) = get(&format!("{url}/{id}"), Some(VIEWER)).await;
        assert_eq!(code, 200, "{v}");
        assert_ne!(v["status"], "failed", "{v}");
        result = v;
        result["status"] == "done"
    })
    .await;
    let suspects = result["suspects"].as_array().unwrap();
    eprintln!(
        "investigation: {} lines read, {} ships, {} suspects in {} s",
        result["lines"],
        result["ships"],
        result["suspects"].as_array().map_or(0, Vec::len),
        result["seconds"]
    );
    assert!(suspects.len() >= 2, "{result}");
    let first = &suspects[0];
    assert_eq!(first["mmsi"], KAPELLA_S, "{first}");
    assert_eq!(first["name"], "KAPELLA S");
    assert_eq!(first["rank"], 1);
    assert!(
        first["score"].as_f64().unwrap() > suspects[1]["score"].as_f64().unwrap(),
        "{result}"
    );
    assert!(
        first["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["factor"] == "anchor_drag" && r["points"].as_f64().unwrap() > 0.0),
        "{first}"
    );
    // The live detectors' alert about it is attached.
    assert!(
        first["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "anchor_drag"),
        "{first}"
    );
    // The sanctioned tanker crossing the cable is a suspect, on the watchlist.
    let sirius = suspects
        .iter()
        .find(|s| s["mmsi"] == 613_999_002u64)
        .unwrap();
    assert!(
        !sirius["watchlist"].as_array().unwrap().is_empty(),
        "{sirius}"
    );
    assert!(
        result["lines"].as_u64().unwrap() >= loop_lines as u64,
        "{result}"
    );
    assert_eq!(result["top"]["mmsi"], KAPELLA_S);

    let report = reqwest::Client::new()
        .get(format!("{url}/{id}/report"))
        .bearer_auth(VIEWER)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    assert!(report.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = report.text().await.unwrap();
    assert!(html.contains("KAPELLA S"));
    assert!(
        html.contains("journal/00000001.seg") && html.contains("blocks in the window read"),
        "the journal segments read are in the chain of custody"
    );
    assert!(
        !html.contains("<script src"),
        "the report is self-contained"
    );

    let (code, list) = get(&url, Some(VIEWER)).await;
    assert_eq!(code, 200);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "done");
    let (code, _) = get(&format!("{url}/inv-999-1"), Some(VIEWER)).await;
    assert_eq!(code, 404);
    let (code, _) = get(&format!("{url}/..%2Fetc/report"), Some(VIEWER)).await;
    assert_eq!(code, 400);
    server.shutdown().await;

    // Kept in the data directory: listed and served again after a restart.
    let mut config = base_config();
    config
        .sources
        .push(SourceSpec::parse("listen-tcp", "push=127.0.0.1:0").unwrap());
    config.data_dir = Some(data.clone());
    config.tokens = tokens();
    let server = seawarden_serve::start(config).await.unwrap();
    let url = format!("http://{}/api/investigations", server.addr());
    let (_, list) = get(&url, Some(VIEWER)).await;
    assert_eq!(list[0]["id"], id.as_str(), "{list}");
    let (_, again) = get(&format!("{url}/{id}"), Some(VIEWER)).await;
    assert_eq!(again["suspects"][0]["mmsi"], KAPELLA_S);
    let (code, html2) = get(&format!("{url}/{id}/report"), Some(VIEWER)).await;
    assert_eq!(code, 200);
    assert_eq!(html2.as_str().unwrap(), html);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
}
