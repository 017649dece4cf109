//! # seawarden-detect
//!
//! Detectors that turn vessel tracks near cables, pipelines and zones into
//! explainable alerts.
//!
//! The [`Engine`] keeps a [`seawarden_track::Tracker`], asks a [`World`] what
//! lies at each position (corridors, crossings, zones, ports, land) once, and
//! hands those facts to nine detectors: `loitering`, `anchor_drag`, `ais_gap`,
//! `spoofing`, `encounter`, `zone_entry`, `identity_change`,
//! `repeated_crossing` and `drift` (see each module for its definition and
//! the source of its default thresholds, all set in one TOML [`Config`]).
//!
//! A condition that holds over time is one [`Alert`] episode with events
//! `start`, `update` (when its score rises) and `end`; the score (0-100) is
//! the capped sum of named [`Factor`]s, so every alert explains itself.
//! Everything is deterministic: the same input gives the same alerts.
#![warn(missing_docs)]

pub mod alert;
pub mod config;
mod detectors;
pub mod engine;
pub mod episode;
pub mod world;

pub use alert::{Alert, AlertKind, Factor};
pub use config::Config;
pub use engine::{Engine, EngineStats, MemoryUse};
pub use world::{EmptyWorld, InfraContact, InfraCrossing, PortRef, WatchHit, World};
