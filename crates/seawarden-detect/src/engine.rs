//! The engine: tracker, world and detectors, fed with time-ordered
//! observations, producing alert events.

use seawarden_track::{Observation, PositionObs, Tracker, TrackerConfig, Update, Vessel};
use serde_json::{json, Map, Value};

use crate::alert::{Alert, AlertKind, Factor};
use crate::config::Config;
use crate::detectors::Detectors;
use crate::episode::Episodes;
use crate::world::{InfraContact, InfraCrossing, World};

/// Facts about one new position, computed once for all detectors.
#[derive(Debug, Default)]
pub struct Place {
    /// Corridors containing the position.
    pub infra: Vec<InfraContact>,
    /// Lines crossed since the previous position.
    pub crossings: Vec<InfraCrossing>,
    /// Zones containing the position.
    pub zones: Vec<u32>,
    /// Within the port radius of a port, or inside a `port`/`anchorage` zone.
    pub in_port: bool,
    /// The length of the step from the previous fix, metres, when it is
    /// kinematically impossible (spoofing's jump: a second transmitter, or a
    /// false position); `None` for every possible step.
    pub jump_m: Option<f64>,
}

/// Per-vessel facts the engine caches for detectors.
#[derive(Debug, Clone, Default)]
pub struct VesselFacts {
    /// Watchlist match, looked up when identity changes (boxed: most
    /// ships have none, and this is kept for every ship).
    pub watch: Option<Box<crate::world::WatchHit>>,
    /// The last port the vessel stopped in.
    pub last_port: Option<Box<(String, String)>>,
    /// The last port check (made again after moving 500 m).
    port_check: Option<PortCheck>,
    /// Where nothing about the world changes round an earlier position.
    quiet: Quiet,
}

/// A disk round one of a vessel's positions inside which the zones are the
/// same and so is the land answer ([`World::settled_radius_m`]) and, when
/// `infra_clear`, no corridor holds a position and no line passes
/// ([`World::quiet_radius_m`]): the vessel's next positions inside it are
/// answered from here. Radius 0: no disk.
#[derive(Debug, Clone, Copy, Default)]
struct Quiet {
    lat: f64,
    lon: f64,
    /// The zones there (not kept for an `inland` disk: never asked).
    zones: [u32; 2],
    radius_m: f32,
    zone_count: u8,
    land: bool,
    /// No corridor or line in the disk (else corridors and crossings are
    /// asked for every position, as they change with every report).
    infra_clear: bool,
    /// Every position in the disk is [`crate::world::inland`]: on land and
    /// no port near.
    inland: bool,
}

impl Quiet {
    /// Zones of more than two at once are not kept (then there is no disk).
    const MAX_ZONES: usize = 2;

    /// The disk round a position at sea (or on land in a port) with
    /// `zones`; `in_corridor` if `place` found a corridor there.
    fn at_sea<W: World>(world: &W, lat: f64, lon: f64, land: bool, zones: &[u32], in_corridor: bool) -> Quiet {
        let mut q = Quiet { lat, lon, land, zone_count: zones.len() as u8, infra_clear: !in_corridor, ..Quiet::default() };
        q.zones[..zones.len()].copy_from_slice(zones);
        q.set_radius(if in_corridor { world.settled_radius_m(lat, lon) } else { world.quiet_radius_m(lat, lon) });
        q
    }

    /// The disk round a position inland: also no nearer to a port than the
    /// land exemption, so that the whole disk is inland (and nothing else
    /// is asked there).
    fn inland<W: World>(world: &W, lat: f64, lon: f64) -> Quiet {
        let mut q = Quiet { lat, lon, land: true, inland: true, ..Quiet::default() };
        let r = world.settled_radius_m(lat, lon);
        let exempt = crate::world::LAND_PORT_EXEMPTION_M;
        // Ports measure on a sphere: 1 % and a metre of slack again.
        let port_clear = world.nearest_port(lat, lon, exempt + r).map_or(r, |port| 0.99 * (port.distance_m - exempt) - 1.0);
        q.set_radius(r.min(port_clear));
        q
    }

    fn set_radius(&mut self, r: f64) {
        // Rounded down to a whole metre, so that `f32` never widens it.
        self.radius_m = r.max(0.0).floor().min(f32::MAX as f64) as f32;
    }

    /// True if the position is inside the disk.
    fn covers(&self, lat: f64, lon: f64) -> bool {
        self.radius_m > 0.0 && crate::world::distance_under_m(self.lat, self.lon, lat, lon, self.radius_m as f64)
    }

    fn zones(&self) -> &[u32] {
        &self.zones[..self.zone_count as usize]
    }
}

/// Where a vessel's port check was made, and what it found.
#[derive(Debug, Clone, Copy)]
struct PortCheck {
    lat: f64,
    lon: f64,
    /// Near a port or the shoreline.
    near_port: bool,
    /// The last port of call has been looked up since (once per check).
    last_port_looked_up: bool,
}

impl VesselFacts {
    /// True if the vessel's last checked position was near a port.
    pub fn port_check_in_port(&self) -> bool {
        self.port_check.is_some_and(|c| c.near_port)
    }

    /// True the first time it is asked after each port check (and always
    /// before any): when the last port of call is looked up.
    fn last_port_due(&mut self) -> bool {
        match &mut self.port_check {
            Some(c) => !std::mem::replace(&mut c.last_port_looked_up, true),
            None => true,
        }
    }
}

/// Everything a detector may read or write while handling one position.
pub struct Cx<'a, W: World> {
    /// The world.
    pub world: &'a W,
    /// Thresholds.
    pub config: &'a Config,
    /// All vessels.
    pub tracker: &'a Tracker,
    /// The vessel.
    pub vessel: &'a Vessel,
    /// The vessel's slot in the tracker: detectors keep their per-vessel
    /// state in a [`seawarden_track::PerVessel`] indexed by it.
    pub slot: usize,
    /// Cached facts about the vessel.
    pub facts: &'a VesselFacts,
    /// Where alert episodes go.
    pub episodes: &'a mut Episodes,
}

impl<W: World> Cx<'_, W> {
    /// The vessel as a summary names it: `NAME (MMSI)`, or `Vessel MMSI`
    /// when its name is not known (written only for an alert).
    pub fn who(&self) -> String {
        let (name, mmsi) = (self.vessel.name(), self.vessel.mmsi);
        if name.is_empty() {
            format!("Vessel {mmsi}")
        } else {
            format!("{name} ({mmsi})")
        }
    }

    /// The vessel's flag (alpha-2) from its MMSI: looked up when an alert
    /// needs it rather than kept for every vessel.
    pub fn flag(&self) -> Option<String> {
        self.world.flag(self.vessel.mmsi)
    }

    /// The standard score factors for this vessel: detector base, watchlist,
    /// flag, last port, and proximity to infrastructure.
    pub fn factors(&self, kind: AlertKind, base: u8, detail: impl Into<String>, place: Option<&Place>) -> Vec<Factor> {
        let mut f = vec![Factor { name: kind.as_str().into(), points: base, detail: detail.into() }];
        if let Some(w) = &self.facts.watch {
            f.push(Factor { name: "watchlist".into(), points: 30, detail: format!("on {} (matched by {}): {}", w.list, w.matched_on, w.reason) });
        }
        if let Some(flag) = self.flag() {
            if self.config.general.flags_of_interest.contains(&flag) {
                f.push(Factor { name: "flag".into(), points: 10, detail: format!("flag {flag} is of interest") });
            }
        }
        if let Some((port, country)) = self.facts.last_port.as_deref() {
            if self.config.general.port_countries_of_interest.iter().any(|x| x == country) {
                f.push(Factor { name: "last_port".into(), points: 10, detail: format!("last port of call {port} ({country})") });
            }
        }
        if let Some(place) = place {
            if let Some(c) = place.infra.iter().min_by(|a, b| a.distance_m.total_cmp(&b.distance_m)) {
                let points = if c.distance_m < 300.0 { 15 } else { 10 };
                f.push(Factor { name: "infrastructure".into(), points, detail: format!("{:.0} m from {}", c.distance_m, self.world.infra_name(c.feature)) });
            }
        }
        f
    }

    /// Ids of the infrastructure in `place`.
    pub fn infra_ids(&self, place: &Place) -> Vec<String> {
        let mut v: Vec<String> = place.infra.iter().map(|c| self.world.infra_id(c.feature).to_string()).collect();
        v.dedup();
        v
    }

    /// Ids of the zones in `place`.
    pub fn zone_ids(&self, place: &Place) -> Vec<String> {
        place.zones.iter().map(|&z| self.world.zone_id(z).to_string()).collect()
    }

    /// Evidence common to every alert about a vessel.
    pub fn base_evidence(&self) -> Map<String, Value> {
        let v = self.vessel;
        let mut m = Map::new();
        m.insert("class".into(), json!(v.class.as_str()));
        if let Some(imo) = v.identity().imo {
            m.insert("imo".into(), json!(imo));
        }
        if let Some(c) = &v.identity().callsign {
            m.insert("callsign".into(), json!(c.as_str()));
        }
        if let Some(t) = v.identity().shiptype {
            m.insert("shiptype".into(), json!(t));
        }
        if let Some(flag) = self.flag() {
            m.insert("flag".into(), json!(flag));
        }
        if let Some((port, country)) = self.facts.last_port.as_deref() {
            m.insert("last_port".into(), json!(format!("{port} ({country})")));
        }
        if let Some(w) = &self.facts.watch {
            m.insert("watchlist".into(), json!({"list": w.list, "reason": w.reason, "matched_on": w.matched_on}));
        }
        m
    }
}

/// Counts of what the engine did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Observations processed.
    pub observations: u64,
    /// Alert events emitted, all kinds.
    pub alert_events: u64,
    /// Positions inside their vessel's quiet disk: zones and land answered
    /// from it (and, away from corridors, corridors and crossings too).
    pub quiet_positions: u64,
}

/// Memory the engine holds, in bytes (issue #3's target: under 1 KiB of
/// hot state per vessel plus the bounded track history).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoryUse {
    /// Vessels tracked.
    pub vessels: usize,
    /// Per-vessel state of the tracker, the engine and every detector
    /// (records, table slots, buffers), track history excluded.
    pub hot_bytes: usize,
    /// Track history.
    pub track_bytes: usize,
}

/// Tracker, world and detectors.
pub struct Engine<W: World> {
    world: W,
    config: Config,
    tracker: Tracker,
    /// By vessel slot.
    facts: Vec<VesselFacts>,
    detectors: Detectors,
    episodes: Episodes,
    place: Place,
    now_ms: i64,
    next_tick_ms: i64,
    stats: EngineStats,
}

/// Detectors that look at every vessel run this often, in data time.
const TICK_MS: i64 = 60_000;

impl<W: World> Engine<W> {
    /// An engine over `world` with `config`.
    pub fn new(world: W, config: Config) -> Self {
        let episodes = Episodes::new(config.general.episode_idle_close_s * 1000);
        Engine {
            world,
            config,
            tracker: Tracker::new(TrackerConfig::default()),
            facts: Vec::new(),
            detectors: Detectors::default(),
            episodes,
            place: Place::default(),
            now_ms: i64::MIN,
            next_tick_ms: i64::MIN,
            stats: EngineStats::default(),
        }
    }

    /// The tracker.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The world.
    pub fn world(&self) -> &W {
        &self.world
    }

    /// Counts so far.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// The memory held by vessel state (see [`MemoryUse`]).
    pub fn memory(&self) -> MemoryUse {
        let t = self.tracker.memory();
        let facts = self.facts.capacity() * std::mem::size_of::<VesselFacts>()
            + self.facts.iter().map(|f| f.last_port.as_ref().map_or(0, |p| std::mem::size_of::<(String, String)>() + p.0.capacity() + p.1.capacity()) + f.watch.as_ref().map_or(0, |w| std::mem::size_of::<crate::world::WatchHit>() + w.list.capacity() + w.reason.capacity())).sum::<usize>();
        MemoryUse { vessels: t.vessels, hot_bytes: t.hot_bytes + facts + self.detectors.heap_bytes(), track_bytes: t.track_bytes }
    }

    /// Processes one observation; observations must come in time order
    /// (use [`seawarden_track::Reorder`]).
    pub fn observe(&mut self, obs: &Observation) {
        let t = obs.time_ms();
        self.advance(t);
        self.stats.observations += 1;
        let (world, facts) = (&self.world, &self.facts);
        // Whether the position is inside the vessel's quiet disk, and the
        // land answer there (from the disk when it is).
        let mut seen = None;
        let (update, slot) = self.tracker.apply_at(obs, |slot, lat, lon| {
            let quiet = facts.get(slot).map(|f| f.quiet).filter(|q| q.covers(lat, lon));
            let land = quiet.map_or_else(|| world.is_land(lat, lon), |q| q.land);
            seen = Some((quiet.is_some(), land));
            // Debug builds (the tests) check every answer taken from a disk.
            debug_assert_eq!(land, world.is_land(lat, lon), "quiet disk {quiet:?}: land at {lat},{lon}");
            debug_assert!(!quiet.is_some_and(|q| q.inland) || crate::world::inland(world, lat, lon), "quiet disk {quiet:?}: inland at {lat},{lon}");
            quiet.is_some_and(|q| q.inland) || crate::world::inland_if(world, land, lat, lon)
        });
        self.stats.quiet_positions += u64::from(seen.is_some_and(|(inside, _)| inside));
        let mmsi = obs.mmsi();
        let Some(slot) = slot else { return };
        let Some(vessel) = self.tracker.vessel_at(slot) else { return };
        // Slots are dense: a new vessel's facts come next.
        if self.facts.len() <= slot {
            seawarden_track::reserve_by_quarters(&mut self.facts, slot + 1);
            self.facts.resize_with(slot + 1, VesselFacts::default);
        }
        let facts = &mut self.facts[slot];
        match (&update, obs) {
            (Update::Static { changes, newly_identified }, Observation::Static(_)) => {
                // The watchlist is matched on MMSI, IMO and name: looked up
                // again only when one of them may give a different answer.
                if vessel.messages == 1 || *newly_identified || !changes.is_empty() {
                    facts.watch = self.world.watch(mmsi, vessel.identity().imo, vessel.name()).map(Box::new);
                }
                let mut cx = Cx { world: &self.world, config: &self.config, tracker: &self.tracker, vessel, slot, facts, episodes: &mut self.episodes };
                self.detectors.on_static(&mut cx, changes, t);
            }
            (Update::Position { previous, on_land }, Observation::Position(p)) => {
                if facts.watch.is_none() && vessel.messages == 1 {
                    facts.watch = self.world.watch(mmsi, vessel.identity().imo, vessel.name()).map(Box::new);
                }
                fill_place(&self.world, &self.config, &mut self.place, facts, p, previous.as_ref(), *on_land, seen);
                // The last port of call: looked up at the first slow
                // position in port after each port check (every 500 m),
                // not at every report of a ship lying in port.
                if p.sog.is_some_and(|s| s < 1.0) && self.place.in_port && facts.last_port_due() {
                    if let Some(port) = self.world.nearest_port(p.lat, p.lon, self.config.general.port_radius_m) {
                        // A ship in port stays in the same one: allocated
                        // only when the port changes.
                        if facts.last_port.as_deref().is_none_or(|(name, country)| name != port.name || country != port.country) {
                            facts.last_port = Some(Box::new((port.name.to_string(), port.country.to_string())));
                        }
                    }
                }
                let mut cx = Cx { world: &self.world, config: &self.config, tracker: &self.tracker, vessel, slot, facts, episodes: &mut self.episodes };
                self.detectors.on_position(&mut cx, p, previous.as_ref(), &self.place, *on_land);
            }
            _ => {}
        }
    }

    /// Moves data time forward to `t`, running periodic checks.
    pub fn advance(&mut self, t: i64) {
        if t <= self.now_ms {
            return;
        }
        self.now_ms = t;
        if self.next_tick_ms == i64::MIN {
            self.next_tick_ms = t + TICK_MS;
            return;
        }
        // After a long jump in data time (files from different periods, a
        // feed outage) the minutes in between are not replayed one by one.
        if t - self.next_tick_ms > 10 * TICK_MS {
            self.next_tick_ms = t - TICK_MS;
        }
        while self.next_tick_ms <= t {
            let now = self.next_tick_ms;
            self.detectors.on_tick(&self.world, &self.config, &self.tracker, &self.facts, &mut self.episodes, now);
            self.episodes.close_idle(now);
            self.next_tick_ms += TICK_MS;
        }
    }

    /// Ends the input: closes every open episode.
    pub fn finish(&mut self) {
        let now = self.now_ms;
        self.episodes.close_all(now);
    }

    /// Takes the alert events emitted so far.
    pub fn drain_alerts(&mut self) -> Vec<Alert> {
        let v = self.episodes.drain();
        self.stats.alert_events += v.len() as u64;
        v
    }
}

/// `seen`: whether the tracker found the position inside the vessel's
/// quiet disk, and the land answer there (`None` if it did not look).
#[allow(clippy::too_many_arguments)]
fn fill_place<W: World>(world: &W, config: &Config, place: &mut Place, facts: &mut VesselFacts, p: &PositionObs, prev: Option<&PositionObs>, on_land: bool, seen: Option<(bool, bool)>) {
    place.infra.clear();
    place.crossings.clear();
    place.zones.clear();
    place.in_port = false;
    place.jump_m = None;
    if on_land {
        if let Some((false, _)) = seen {
            facts.quiet = Quiet::inland(world, p.lat, p.lon);
        }
        return;
    }
    let quiet = seen.is_some_and(|(inside, _)| inside);
    if quiet {
        place.zones.extend_from_slice(facts.quiet.zones());
        if !facts.quiet.infra_clear {
            world.infra_near(p.lat, p.lon, &mut place.infra);
        }
        #[cfg(debug_assertions)]
        {
            let (mut infra, mut zones) = (Vec::new(), Vec::new());
            world.infra_near(p.lat, p.lon, &mut infra);
            world.zones_at(p.lat, p.lon, &mut zones);
            assert!(infra == place.infra && zones == place.zones, "quiet disk {:?}: {infra:?} and zones {zones:?} at {},{}", facts.quiet, p.lat, p.lon);
        }
    } else {
        world.infra_near(p.lat, p.lon, &mut place.infra);
        world.zones_at(p.lat, p.lon, &mut place.zones);
    }
    if let Some(prev) = prev {
        // An impossible jump (a spoofed or second transmitter) is not a
        // passage over whatever lies between the two positions.
        place.jump_m = crate::detectors::impossible_jump_m(&config.spoofing, prev, p);
        let impossible = place.jump_m.is_some();
        // A path with both ends in the quiet disk stays in it: no line
        // (asked all the same in debug builds, to check).
        let in_disk = quiet && facts.quiet.infra_clear && facts.quiet.covers(prev.lat, prev.lon);
        if !impossible && (!in_disk || cfg!(debug_assertions)) {
            world.infra_crossings((prev.lat, prev.lon), (p.lat, p.lon), &mut place.crossings);
            debug_assert!(!in_disk || place.crossings.is_empty(), "quiet disk {:?}: {:?} on the way from {},{}", facts.quiet, place.crossings, prev.lat, prev.lon);
        }
    }
    if let Some((false, land)) = seen {
        facts.quiet = if place.zones.len() <= Quiet::MAX_ZONES {
            Quiet::at_sea(world, p.lat, p.lon, land, &place.zones, !place.infra.is_empty())
        } else {
            Quiet::default()
        };
    }
    let in_port_zone = place.zones.iter().any(|&z| matches!(world.zone_kind(z), "port" | "anchorage"));
    // Near a port, or near the shoreline (small harbours): looked up again
    // only after moving 500 m.
    let near_port = match facts.port_check {
        Some(c) if crate::world::distance_under_m(c.lat, c.lon, p.lat, p.lon, 500.0) => c.near_port,
        _ => {
            let ans = world.nearest_port(p.lat, p.lon, config.general.port_radius_m).is_some() || world.near_coast(p.lat, p.lon, config.general.nearshore_m);
            facts.port_check = Some(PortCheck { lat: p.lat, lon: p.lon, near_port: ans, last_port_looked_up: false });
            ans
        }
    };
    // Moored (status 5) is "in port" wherever it is.
    let moored = p.status == Some(5);
    place.in_port = in_port_zone || near_port || moored;
}
