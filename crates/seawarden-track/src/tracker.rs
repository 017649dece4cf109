//! The tracker: every vessel's state, fed with time-ordered observations.

use crate::fastmap::FastMap;

use crate::dedup::Dedup;
use crate::grid::{CellGrid, GridEntry};
use crate::observation::{Observation, PositionObs};
use crate::vessel::{Class, IdentityChange, TrackPoint, Vessel};

/// Tracker settings.
#[derive(Debug, Clone, Copy)]
pub struct TrackerConfig {
    /// Track points kept per vessel.
    pub track_capacity: usize,
    /// Copies of a transmission within this window count once, milliseconds.
    pub dedup_window_ms: i64,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        // 10 s: relays of one national network forward a sentence within
        // seconds, while the fastest class A reporting interval is 2 s and a
        // moored ship repeats an identical report only every 3 minutes.
        TrackerConfig { track_capacity: 128, dedup_window_ms: 10_000 }
    }
}

/// Memory held by a [`Tracker`], in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackerMemory {
    /// Vessels tracked.
    pub vessels: usize,
    /// Everything but the track history: vessel records, grid, duplicate filter.
    pub hot_bytes: usize,
    /// Track history (the bounded rings of points).
    pub track_bytes: usize,
}

/// Counts of what the tracker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackerStats {
    /// Observations applied.
    pub applied: u64,
    /// Copies of a transmission already seen from another receiver.
    pub duplicates: u64,
    /// Positions older than the vessel's last fix (arrived too late).
    pub out_of_order: u64,
    /// Positions on land (flagged, kept out of the track).
    pub on_land: u64,
    /// Positions from implausible MMSIs.
    pub invalid_mmsi: u64,
}

/// What applying one observation did.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// A new position; `previous` is the vessel's fix before it.
    Position {
        /// The vessel's previous fix, if any.
        previous: Option<PositionObs>,
        /// True if the position lies on land.
        on_land: bool,
    },
    /// Identity or voyage data; the fields that changed.
    Static {
        /// Changes of name, call sign, IMO or ship type.
        changes: Vec<IdentityChange>,
        /// The name or the IMO number became known with this report.
        newly_identified: bool,
    },
    /// A copy of a transmission already applied.
    Duplicate,
    /// A position older than the last one (arrived too late): not applied.
    OutOfOrder,
}

/// Vessel state for every MMSI heard.
#[derive(Debug)]
pub struct Tracker {
    config: TrackerConfig,
    /// Vessels by slot, in the order first heard.
    vessels: Vec<Vessel>,
    /// When each vessel was last heard, by slot: each vessel's
    /// `last_seen_ms` again, kept apart so that a sweep over every vessel
    /// reads eight bytes a vessel rather than its whole record.
    last_seen: Vec<i64>,
    /// MMSI to slot.
    slots: FastMap<u32, u32>,
    dedup: Dedup,
    grid: CellGrid,
    stats: TrackerStats,
}

impl Tracker {
    /// An empty tracker.
    pub fn new(config: TrackerConfig) -> Self {
        Tracker { config, vessels: Vec::new(), last_seen: Vec::new(), slots: FastMap::default(), dedup: Dedup::new(config.dedup_window_ms), grid: CellGrid::new(), stats: TrackerStats::default() }
    }

    /// Applies an observation. `is_land` tells whether a position is on land.
    pub fn apply(&mut self, obs: &Observation, is_land: impl Fn(f64, f64) -> bool) -> Update {
        self.apply_at(obs, |_, lat, lon| is_land(lat, lon)).0
    }

    /// The slot of `mmsi`, creating its vessel if it is new.
    fn slot_for(&mut self, mmsi: u32, class: Class, time_ms: i64) -> usize {
        let n = self.vessels.len();
        let slot = *self.slots.entry(mmsi).or_insert(n as u32) as usize;
        if slot == n {
            crate::slots::reserve_by_quarters(&mut self.vessels, n + 1);
            self.vessels.push(Vessel::new(mmsi, class, time_ms, self.config.track_capacity));
            crate::slots::reserve_by_quarters(&mut self.last_seen, n + 1);
            self.last_seen.push(time_ms);
        }
        slot
    }

    /// Applies an observation, like [`Tracker::apply`], and gives the
    /// vessel's slot (`None` for a duplicate: it was not looked up).
    /// `is_land(slot, lat, lon)` is also told the vessel's slot, so that an
    /// answer kept per vessel can be reused.
    pub fn apply_at(&mut self, obs: &Observation, is_land: impl FnOnce(usize, f64, f64) -> bool) -> (Update, Option<usize>) {
        if self.dedup.is_duplicate(obs.payload_hash(), obs.mmsi(), obs.time_ms()) {
            self.stats.duplicates += 1;
            return (Update::Duplicate, None);
        }
        match obs {
            Observation::Position(p) => {
                let slot = self.slot_for(p.mmsi, p.class, p.time_ms);
                let v = &mut self.vessels[slot];
                if v.last.is_some_and(|l| p.time_ms < l.time_ms) {
                    self.stats.out_of_order += 1;
                    return (Update::OutOfOrder, Some(slot));
                }
                self.stats.applied += 1;
                if v.flags.invalid_mmsi {
                    self.stats.invalid_mmsi += 1;
                }
                v.messages += 1;
                v.last_seen_ms = v.last_seen_ms.max(p.time_ms);
                self.last_seen[slot] = v.last_seen_ms;
                if p.class != Class::A || v.class != Class::B {
                    v.class = p.class;
                }
                let on_land = is_land(slot, p.lat, p.lon);
                let previous = v.last;
                if on_land {
                    self.stats.on_land += 1;
                    v.flags.seen_on_land = true;
                } else {
                    v.last = Some(*p);
                    v.track.push(TrackPoint::from(p));
                    self.grid.update(GridEntry { mmsi: p.mmsi, time_ms: p.time_ms, lat: p.lat, lon: p.lon, sog: p.sog });
                }
                (Update::Position { previous, on_land }, Some(slot))
            }
            Observation::Static(s) => {
                let slot = self.slot_for(s.mmsi, s.class, s.time_ms);
                let v = &mut self.vessels[slot];
                self.stats.applied += 1;
                v.messages += 1;
                v.last_seen_ms = v.last_seen_ms.max(s.time_ms);
                self.last_seen[slot] = v.last_seen_ms;
                let known = |v: &Vessel| (v.identity().name.is_some(), v.identity().imo.is_some());
                let before = known(v);
                let changes = v.merge_identity(s);
                let after = known(v);
                (Update::Static { changes, newly_identified: after != before }, Some(slot))
            }
        }
    }

    /// Notes that a vessel sent a position report with no position available.
    pub fn note_unavailable_position(&mut self, mmsi: u32) {
        if let Some(&slot) = self.slots.get(&mmsi) {
            self.vessels[slot as usize].flags.position_unavailable = true;
        }
    }

    /// One vessel.
    pub fn vessel(&self, mmsi: u32) -> Option<&Vessel> {
        self.slots.get(&mmsi).map(|&s| &self.vessels[s as usize])
    }

    /// The slot of a vessel: its index among all vessels in the order first
    /// heard, for state kept in a [`PerVessel`](crate::PerVessel).
    pub fn slot(&self, mmsi: u32) -> Option<usize> {
        self.slots.get(&mmsi).map(|&s| s as usize)
    }

    /// The vessel in a slot.
    pub fn vessel_at(&self, slot: usize) -> Option<&Vessel> {
        self.vessels.get(slot)
    }

    /// When each vessel was last heard (its `last_seen_ms`), by slot: for
    /// a sweep over every vessel that most vessels leave at this test
    /// (it reads eight bytes a vessel, not the vessel records).
    pub fn last_seen_by_slot(&self) -> &[i64] {
        &self.last_seen
    }

    /// All vessels, in slot order (the order first heard).
    pub fn vessels(&self) -> impl Iterator<Item = &Vessel> {
        self.vessels.iter()
    }

    /// Number of vessels.
    pub fn len(&self) -> usize {
        self.vessels.len()
    }

    /// True when no vessel has been heard.
    pub fn is_empty(&self) -> bool {
        self.vessels.is_empty()
    }

    /// Vessels whose latest position lies within about `radius_m` of a point
    /// (grid cells; the caller checks exact distance and recency).
    pub fn around(&self, lat: f64, lon: f64, radius_m: f64, f: impl FnMut(&GridEntry)) {
        self.grid.around(lat, lon, radius_m, f)
    }

    /// Memory the tracker holds: per-vessel state (vessel records with their
    /// boxed identities, the MMSI index, the position grid, the duplicate
    /// filter) and track history.
    pub fn memory(&self) -> TrackerMemory {
        let track_bytes = self.vessels.iter().map(|v| v.track.heap_bytes()).sum();
        let identities: usize = self.vessels.iter().map(|v| v.identity_heap_bytes()).sum();
        let hot_bytes = self.vessels.capacity() * std::mem::size_of::<Vessel>() + identities + self.last_seen.capacity() * std::mem::size_of::<i64>() + crate::fastmap::map_table_bytes(&self.slots) + self.grid.heap_bytes() + self.dedup.heap_bytes();
        TrackerMemory { vessels: self.vessels.len(), hot_bytes, track_bytes }
    }

    /// The counts so far.
    pub fn stats(&self) -> TrackerStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::StaticObs;
    use crate::vessel::Identity;

    fn pos(mmsi: u32, t: i64, lat: f64, lon: f64, hash: u64) -> Observation {
        Observation::Position(PositionObs {
            time_ms: t,
            mmsi,
            lat,
            lon,
            sog: Some(10.0),
            cog: Some(90.0),
            heading: None,
            status: Some(0),
            class: Class::A,
            msg_type: 1,
            source: None,
            payload_hash: hash,
        })
    }

    #[test]
    fn slots_are_dense_in_the_order_first_heard() {
        let mut t = Tracker::new(TrackerConfig::default());
        let sea = |_: usize, _: f64, _: f64| false;
        for (i, mmsi) in [230_000_003u32, 219_000_000, 230_000_003, 257_000_000].iter().enumerate() {
            let (_, slot) = t.apply_at(&pos(*mmsi, i as i64 * 1000, 59.8, 24.8, i as u64), sea);
            assert_eq!(slot, t.slot(*mmsi));
        }
        assert_eq!(t.apply_at(&pos(219_000_000, 3_000, 59.8, 24.8, 1), sea), (Update::Duplicate, None), "a copy is not looked up");
        assert_eq!([t.slot(230_000_003), t.slot(219_000_000), t.slot(257_000_000), t.slot(1)], [Some(0), Some(1), Some(2), None]);
        assert_eq!(t.vessels().map(|v| v.mmsi).collect::<Vec<_>>(), [230_000_003, 219_000_000, 257_000_000]);
        assert_eq!(t.vessel_at(1).map(|v| v.mmsi), Some(219_000_000));
        assert!(t.vessel_at(3).is_none());
    }

    /// The dense array of last-heard times says what each vessel record
    /// says, whatever arrives: positions, identities, copies, late and
    /// on-land positions.
    #[test]
    fn last_seen_by_slot_follows_the_vessel_records() {
        let mut t = Tracker::new(TrackerConfig::default());
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..20_000i64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mmsi = 230_000_000 + (x % 300) as u32;
            // Time runs forward with jitter, so some reports arrive late.
            let time_ms = i * 500 - (x >> 20) as i64 % 30_000;
            let hash = x % 5_000;
            let obs = if x % 7 == 0 {
                Observation::Static(StaticObs { time_ms, mmsi, class: Class::A, identity: Identity::default(), payload_hash: hash })
            } else {
                pos(mmsi, time_ms, 59.8, 24.8, hash)
            };
            t.apply_at(&obs, |_, _, _| x % 11 == 0);
        }
        assert!(t.stats().out_of_order > 0 && t.stats().duplicates > 0 && t.stats().on_land > 0, "{:?}", t.stats());
        let from_records: Vec<i64> = t.vessels().map(|v| v.last_seen_ms).collect();
        assert_eq!(t.last_seen_by_slot(), &from_records[..]);
    }

    /// The vessel table grows by a quarter, not by doubling: 5,000 vessels
    /// are not held in room for 8,192.
    #[test]
    fn vessel_table_grows_by_a_quarter() {
        let mut t = Tracker::new(TrackerConfig::default());
        for i in 0..5_000u32 {
            t.apply(&pos(230_000_000 + i, i as i64 * 1000, 59.8, 24.8, i as u64), |_, _| false);
        }
        assert_eq!(t.len(), 5_000);
        assert!(t.vessels.capacity() <= 5_000 * 5 / 4 + 16, "capacity {}", t.vessels.capacity());
    }

    #[test]
    fn fuses_receivers_and_flags_land() {
        let mut t = Tracker::new(TrackerConfig::default());
        let sea = |_: f64, _: f64| false;
        assert!(matches!(t.apply(&pos(230_000_001, 0, 59.8, 24.8, 7), sea), Update::Position { previous: None, on_land: false }));
        assert_eq!(t.apply(&pos(230_000_001, 1_500, 59.8, 24.8, 7), sea), Update::Duplicate);
        assert!(matches!(t.apply(&pos(230_000_001, 10_000, 59.81, 24.8, 8), sea), Update::Position { previous: Some(_), .. }));
        assert_eq!(t.apply(&pos(230_000_001, 5_000, 59.9, 24.8, 9), sea), Update::OutOfOrder);
        assert!(matches!(t.apply(&pos(230_000_001, 20_000, 60.2, 24.9, 10), |_, _| true), Update::Position { on_land: true, .. }));
        let v = t.vessel(230_000_001).unwrap();
        assert_eq!(v.track.len(), 2);
        assert!(v.flags.seen_on_land && !v.flags.invalid_mmsi);
        assert_eq!(v.last.unwrap().lat, 59.81);
        assert_eq!(t.stats(), TrackerStats { applied: 3, duplicates: 1, out_of_order: 1, on_land: 1, invalid_mmsi: 0 });
    }
}
