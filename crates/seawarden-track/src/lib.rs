//! # seawarden-track
//!
//! Vessel state from decoded AIS: for each MMSI its identity and voyage data,
//! class, last fix and navigational status, and a bounded track history.
//!
//! - [`Observation::from_decoded`] turns a decoded message into a position
//!   or static observation with an event time.
//! - [`Reorder`] puts observations from several receivers back into time
//!   order within a window, and drops the copies of one transmission heard by
//!   several stations ([`Dedup`]).
//! - [`Tracker`] keeps the [`Vessel`]s and a spatial grid of recent
//!   positions, so that "who else is near here?" is cheap. Each vessel has
//!   a dense slot (0, 1, 2, ... in the order first heard); other per-vessel
//!   state lives in a [`PerVessel`] indexed by it.
//!
//! Like the codec, the crate reads no clock: time comes from the data.

mod dedup;
mod fastmap;
mod grid;
mod observation;
mod reorder;
mod slots;
mod tracker;
mod vessel;

pub use dedup::Dedup;
pub use fastmap::{map_table_bytes, FastMap, FastSet, FxHasher};
pub use grid::{CellGrid, GridEntry};
pub use observation::{Observation, PositionObs, StaticObs};
pub use reorder::Reorder;
pub use slots::{reserve_by_quarters, PerVessel};
pub use tracker::{Tracker, TrackerConfig, TrackerMemory, TrackerStats, Update};
pub use vessel::{mmsi_is_plausible, mmsi_is_special_station, Class, Identity, IdentityChange, TrackPoint, TrackRing, Vessel, VesselFlags};
