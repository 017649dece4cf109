//! The alert book: the latest event of every episode, its state
//! (open/acknowledged) and comments, kept in the store's database
//! (`seawarden-store`, `--data DIR`) so that a restart neither loses nor
//! repeats an alert:
//!
//! - `alert_events`: every alert event delivered, as `docs/alerts.md` shows
//!   it (and `alerts`, the latest event of each episode, which `seawarden
//!   export` and `seawarden investigate --data` read);
//! - `alert_actions`: acknowledgements and comments.
//!
//! An event is known by its episode id, its `event` and its `end` time: the
//! pipeline gives the same ids for the same input, so events re-raised while
//! the journal is re-read after a restart are recognised and not delivered
//! again. An event is stored before it is delivered.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use seawarden_store::{AlertAction, Store};
use serde::Serialize;
use serde_json::{Map, Value};

/// An episode's review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not yet acknowledged.
    Open,
    /// Acknowledged by an analyst.
    Acknowledged,
}

/// A comment on an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// Who wrote it (the token's name, or `anonymous`).
    pub author: String,
    /// When, RFC 3339.
    pub time: String,
    /// The text.
    pub text: String,
}

/// One episode.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The latest event of the episode (alert JSON object).
    pub alert: Map<String, Value>,
    /// Review state.
    pub state: State,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// Order of the latest change, for newest-first listing.
    pub seq: u64,
}

impl Entry {
    /// The alert with `state`, `acknowledged_by` and `comments`.
    pub fn to_json(&self) -> Value {
        let mut m = self.alert.clone();
        m.insert(
            "state".into(),
            serde_json::to_value(self.state).unwrap_or(Value::Null),
        );
        m.insert(
            "acknowledged_by".into(),
            self.acknowledged_by
                .clone()
                .map_or(Value::Null, Value::String),
        );
        m.insert(
            "comments".into(),
            serde_json::to_value(&self.comments).unwrap_or(Value::Null),
        );
        Value::Object(m)
    }

    fn str_field(&self, k: &str) -> &str {
        self.alert.get(k).and_then(Value::as_str).unwrap_or("")
    }
}

/// A filter for [`Book::list`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Detector name.
    pub kind: Option<String>,
    /// Vessel (either party).
    pub mmsi: Option<u32>,
    /// Episodes whose latest event ends at or after this time (RFC 3339 compared as text).
    pub since: Option<String>,
    /// `None` = all.
    pub state: Option<State>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// Why an action on an alert failed.
#[derive(Debug, PartialEq, Eq)]
pub enum ActionError {
    /// No such alert.
    NotFound,
}

/// Every episode seen, with its state; persisted when given a directory.
pub struct Book {
    entries: HashMap<String, Entry>,
    seen: HashSet<u64>,
    seq: u64,
    store: Option<Store>,
    /// Events recognised as already delivered (journal re-reads).
    pub suppressed: u64,
    /// Stored events and actions that could not be read.
    pub unreadable: u64,
}

fn event_key(id: &str, event: &str, end: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id
        .bytes()
        .chain([0])
        .chain(event.bytes())
        .chain([0])
        .chain(end.bytes())
    {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}

impl Book {
    /// An empty book that keeps nothing on disk.
    pub fn in_memory() -> Book {
        Book {
            entries: HashMap::new(),
            seen: HashSet::new(),
            seq: 0,
            store: None,
            suppressed: 0,
            unreadable: 0,
        }
    }

    /// Opens (creating) the book in the store in `dir`, reading what is there.
    pub fn open(dir: &Path) -> Result<Book> {
        let store =
            Store::open(dir).with_context(|| format!("cannot open the store {}", dir.display()))?;
        let mut book = Book::in_memory();
        let read = |e| format!("cannot read the alerts of the store {}: {e}", dir.display());
        for json in store.alert_events().map_err(|e| anyhow::anyhow!(read(e)))? {
            match serde_json::from_str::<Value>(&json) {
                Ok(Value::Object(m)) => {
                    book.apply_event(m);
                }
                _ => book.unreadable += 1,
            }
        }
        for a in store.alert_actions().map_err(|e| anyhow::anyhow!(read(e)))? {
            if !book.apply_action(&a) {
                book.unreadable += 1;
            }
        }
        if book.unreadable > 0 {
            eprintln!(
                "seawarden serve: {} unreadable alert events or actions in {} skipped",
                book.unreadable,
                dir.display()
            );
        }
        book.store = Some(store);
        Ok(book)
    }

    /// Records an alert event (in the store first, with `--data`); `false`
    /// if it was delivered before (and is then neither stored nor to be
    /// delivered again).
    pub fn record(&mut self, alert: &Map<String, Value>) -> bool {
        if !self.apply_event(alert.clone()) {
            self.suppressed += 1;
            return false;
        }
        if let Some(s) = &mut self.store {
            if let Err(e) = s.record_alert_event(alert) {
                eprintln!("seawarden serve: cannot store an alert event: {e}");
            }
        }
        true
    }

    fn apply_event(&mut self, alert: Map<String, Value>) -> bool {
        let id = alert
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let event = alert.get("event").and_then(Value::as_str).unwrap_or("");
        let end = alert.get("end").and_then(Value::as_str).unwrap_or("");
        if !self.seen.insert(event_key(&id, event, end)) {
            return false;
        }
        self.seq += 1;
        let seq = self.seq;
        match self.entries.get_mut(&id) {
            Some(e) => {
                e.alert = alert;
                e.seq = seq;
            }
            None => {
                self.entries.insert(
                    id,
                    Entry {
                        alert,
                        state: State::Open,
                        acknowledged_by: None,
                        comments: Vec::new(),
                        seq,
                    },
                );
            }
        }
        true
    }

    fn apply_action(&mut self, a: &AlertAction) -> bool {
        let Some(e) = self.entries.get_mut(&a.id) else {
            return false;
        };
        match a.action.as_str() {
            "ack" => {
                e.state = State::Acknowledged;
                e.acknowledged_by = Some(a.author.clone());
            }
            "comment" => e.comments.push(Comment {
                author: a.author.clone(),
                time: crate::rfc3339(a.time_ms),
                text: a.text.clone().unwrap_or_default(),
            }),
            _ => return false,
        }
        true
    }

    /// Applies and stores a review action; the episode as the API shows it.
    fn act(
        &mut self,
        id: &str,
        action: &str,
        by: &str,
        text: Option<&str>,
    ) -> Result<Result<Value, ActionError>> {
        if !self.entries.contains_key(id) {
            return Ok(Err(ActionError::NotFound));
        }
        let a = AlertAction {
            id: id.to_string(),
            action: action.to_string(),
            author: by.to_string(),
            time_ms: crate::now_ms(),
            text: text.map(str::to_string),
        };
        if let Some(s) = &mut self.store {
            s.record_alert_action(&a)
                .with_context(|| format!("cannot store the {action} of alert {id}"))?;
        }
        self.apply_action(&a);
        Ok(Ok(self.entries[id].to_json()))
    }

    /// Acknowledges an alert.
    pub fn acknowledge(&mut self, id: &str, by: &str) -> Result<Result<Value, ActionError>> {
        self.act(id, "ack", by, None)
    }

    /// Adds a comment to an alert.
    pub fn comment(
        &mut self,
        id: &str,
        by: &str,
        text: &str,
    ) -> Result<Result<Value, ActionError>> {
        self.act(id, "comment", by, Some(text))
    }

    /// One episode.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Episodes matching `f`, newest change first.
    pub fn list(&self, f: &Filter) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| f.kind.as_deref().is_none_or(|k| e.str_field("kind") == k))
            .filter(|e| {
                f.mmsi.is_none_or(|m| {
                    let m = m as u64;
                    e.alert.get("mmsi").and_then(Value::as_u64) == Some(m)
                        || e.alert.get("other_mmsi").and_then(Value::as_u64) == Some(m)
                })
            })
            .filter(|e| f.since.as_deref().is_none_or(|s| e.str_field("end") >= s))
            .filter(|e| f.state.is_none_or(|s| e.state == s))
            .collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.seq));
        v.truncate(f.limit);
        v
    }

    /// Episodes known.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no episode is known.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(id: &str, event: &str, end: &str) -> Map<String, Value> {
        let v = serde_json::json!({"id": id, "kind": "loitering", "event": event, "mmsi": 257000000,
            "start": "2024-01-01T00:00:00Z", "end": end, "lat": 60.0, "lon": 5.0, "score": 10, "summary": "loitering"});
        v.as_object().unwrap().clone()
    }

    #[test]
    fn events_are_recorded_once_and_survive_reopening() {
        let dir = std::env::temp_dir().join(format!("seawarden-book-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let mut b = Book::open(&dir).unwrap();
            assert!(b.record(&alert("a", "start", "2024-01-01T00:00:00Z")));
            assert!(!b.record(&alert("a", "start", "2024-01-01T00:00:00Z")));
            assert!(b.record(&alert("a", "end", "2024-01-01T01:00:00Z")));
            assert!(b.record(&alert("b", "start", "2024-01-01T00:30:00Z")));
            b.acknowledge("a", "ana").unwrap().unwrap();
            b.comment("a", "ana", "seen on radar").unwrap().unwrap();
            assert_eq!(
                b.acknowledge("zzz", "ana").unwrap(),
                Err(ActionError::NotFound)
            );
        }
        let mut b = Book::open(&dir).unwrap();
        assert_eq!(b.len(), 2);
        assert!(
            !b.record(&alert("a", "end", "2024-01-01T01:00:00Z")),
            "an event delivered before a restart is not delivered again"
        );
        let a = b.get("a").unwrap();
        assert_eq!(a.state, State::Acknowledged);
        assert_eq!(a.comments[0].text, "seen on radar");
        assert_eq!(a.alert["event"], "end");
        let open = b.list(&Filter {
            state: Some(State::Open),
            limit: 10,
            ..Filter::default()
        });
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].alert["id"], "b");
        let since = b.list(&Filter {
            since: Some("2024-01-01T00:45:00Z".into()),
            limit: 10,
            ..Filter::default()
        });
        assert_eq!(since.len(), 1);
        // The store's alert table holds each episode's latest event.
        let store = Store::open(&dir).unwrap();
        let stored = store.alerts(&Default::default()).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored.iter().find(|a| a.id == "a").unwrap().event, "end");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
