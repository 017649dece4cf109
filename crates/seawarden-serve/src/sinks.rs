//! Alert delivery: the WebSocket stream, a JSON Lines file and webhooks.
//!
//! None of them can hold the pipeline up. The stream is a broadcast channel
//! (a client that falls behind misses messages, counted); the file is
//! buffered and flushed once a second; each webhook URL has its own task
//! with a bounded queue ([`WEBHOOK_QUEUE`] alerts): when the queue is full
//! the newest alert is dropped and counted (`seawarden_webhook_dropped_total`),
//! and a failed POST is retried with exponential backoff (0.5 s doubling, up
//! to [`WEBHOOK_ATTEMPTS`] attempts) before it is given up and counted.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::Shared;

/// Alerts waiting per webhook URL before new ones are dropped.
pub const WEBHOOK_QUEUE: usize = 4096;
/// Attempts per alert and webhook before it is given up.
pub const WEBHOOK_ATTEMPTS: u32 = 6;

/// An alert on the stream: where (for area filters) and the message.
pub(crate) struct AlertMsg {
    pub lat: f64,
    pub lon: f64,
    pub json: Arc<str>,
}

/// The sinks, owned by the pipeline thread.
pub(crate) struct Sinks {
    jsonl: Option<BufWriter<File>>,
    webhooks: Vec<mpsc::Sender<Arc<str>>>,
}

impl Sinks {
    /// Opens the JSON Lines file (appending) and starts one task per webhook
    /// URL on the current runtime.
    pub fn new(shared: &Arc<Shared>, jsonl: Option<&Path>, webhooks: &[String]) -> Result<Sinks> {
        let jsonl = match jsonl {
            Some(p) => Some(BufWriter::new(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .with_context(|| format!("cannot open {}", p.display()))?,
            )),
            None => None,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("cannot start the webhook client")?;
        let mut senders = Vec::new();
        for url in webhooks {
            let (tx, rx) = mpsc::channel(WEBHOOK_QUEUE);
            tokio::spawn(webhook_task(
                shared.clone(),
                client.clone(),
                url.clone(),
                rx,
            ));
            senders.push(tx);
        }
        Ok(Sinks {
            jsonl,
            webhooks: senders,
        })
    }

    /// Delivers one new alert event: `alert` as the detectors wrote it,
    /// `with_state` as the API shows it.
    pub fn deliver(
        &mut self,
        shared: &Shared,
        alert: &Map<String, Value>,
        with_state: Value,
        received: Option<Instant>,
    ) {
        let m = &shared.metrics;
        let lat = alert.get("lat").and_then(Value::as_f64).unwrap_or(f64::NAN);
        let lon = alert.get("lon").and_then(Value::as_f64).unwrap_or(f64::NAN);
        let mut ws = with_state;
        ws["type"] = Value::from("alert");
        let _ = shared.alerts.send(Arc::new(AlertMsg {
            lat,
            lon,
            json: ws.to_string().into(),
        }));
        if let Some(r) = received {
            m.alert_latency.observe(r.elapsed().as_secs_f64());
        }
        let line = serde_json::to_string(alert).unwrap_or_default();
        if let Some(f) = &mut self.jsonl {
            if let Err(e) = writeln!(f, "{line}") {
                eprintln!("seawarden serve: cannot write the alerts file: {e}");
                self.jsonl = None;
            }
        }
        if !self.webhooks.is_empty() {
            let body: Arc<str> = line.into();
            for w in &self.webhooks {
                if w.try_send(body.clone()).is_err() {
                    m.webhook_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Flushes the file.
    pub fn flush(&mut self) {
        if let Some(f) = &mut self.jsonl {
            if let Err(e) = f.flush() {
                eprintln!("seawarden serve: cannot write the alerts file: {e}");
            }
        }
    }
}

async fn webhook_task(
    shared: Arc<Shared>,
    client: reqwest::Client,
    url: String,
    mut rx: mpsc::Receiver<Arc<str>>,
) {
    let m = &shared.metrics;
    while let Some(body) = rx.recv().await {
        let mut delay = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            let result = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            let error = match result {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("HTTP {}", r.status())),
                Err(e) => Some(e.to_string()),
            };
            match error {
                None => {
                    m.webhook_delivered.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Some(e) if attempt >= WEBHOOK_ATTEMPTS => {
                    m.webhook_failed.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "seawarden serve: webhook {url}: given up after {attempt} attempts: {e}"
                    );
                    break;
                }
                Some(e) => {
                    m.webhook_retries.fetch_add(1, Ordering::Relaxed);
                    if attempt == 1 {
                        eprintln!("seawarden serve: webhook {url}: {e}; retrying");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(30));
                    attempt += 1;
                }
            }
        }
    }
}
