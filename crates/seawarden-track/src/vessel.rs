//! One vessel's state: identity, last fix, flags and a bounded track.

use seawarden_ais::{AisText, Dimensions, Eta};

use crate::observation::{PositionObs, StaticObs};

/// The kind of station, from the message types it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Class {
    /// Class A shipborne (types 1-3, 5, 27).
    #[default]
    A,
    /// Class B shipborne (types 18, 19, 24).
    B,
    /// Search-and-rescue aircraft (type 9).
    SarAircraft,
    /// Base station (type 4).
    BaseStation,
    /// Aid to navigation (type 21).
    AidToNavigation,
}

impl Class {
    /// A short name: `A`, `B`, `SAR`, `base`, `AtoN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::SarAircraft => "SAR",
            Class::BaseStation => "base",
            Class::AidToNavigation => "AtoN",
        }
    }

    /// True for ships (class A or B).
    pub fn is_ship(self) -> bool {
        matches!(self, Class::A | Class::B)
    }
}

/// Identity and voyage data, as last reported.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Identity {
    /// Ship name.
    pub name: Option<AisText<20>>,
    /// Call sign.
    pub callsign: Option<AisText<7>>,
    /// IMO number.
    pub imo: Option<u32>,
    /// Ship and cargo type (ITU-R M.1371-5 Table 53).
    pub shiptype: Option<u8>,
    /// Hull dimensions.
    pub dimensions: Option<Dimensions>,
    /// Destination.
    pub destination: Option<AisText<20>>,
    /// Estimated time of arrival.
    pub eta: Option<Eta>,
    /// Draught, metres.
    pub draught: Option<f32>,
}

/// A change of an identity field for one MMSI (the `identity_change` detector
/// raises alerts from these).
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityChange {
    /// The field: `name`, `callsign`, `imo` or `shiptype`.
    pub field: &'static str,
    /// The value before.
    pub before: String,
    /// The value now.
    pub after: String,
}

impl Identity {
    /// No field known (what [`Vessel::identity`] gives before any static report).
    pub const UNKNOWN: Identity = Identity { name: None, callsign: None, imo: None, shiptype: None, dimensions: None, destination: None, eta: None, draught: None };

    /// Merges a static report; returns the changes of name, call sign, IMO and
    /// ship type (only when both the old and the new value are known).
    pub fn merge(&mut self, obs: &StaticObs) -> Vec<IdentityChange> {
        let s = &obs.identity;
        let mut changes = Vec::new();
        fn track<T: PartialEq + Copy + ToString>(field: &'static str, slot: &mut Option<T>, new: Option<T>, changes: &mut Vec<IdentityChange>) {
            if let Some(new) = new {
                if let Some(old) = *slot {
                    if old != new {
                        changes.push(IdentityChange { field, before: old.to_string(), after: new.to_string() });
                    }
                }
                *slot = Some(new);
            }
        }
        track("name", &mut self.name, s.name, &mut changes);
        track("callsign", &mut self.callsign, s.callsign, &mut changes);
        track("imo", &mut self.imo, s.imo, &mut changes);
        track("shiptype", &mut self.shiptype, s.shiptype, &mut changes);
        if s.dimensions.is_some_and(|d| d != Dimensions::default()) {
            self.dimensions = s.dimensions;
        }
        if let Some(d) = s.destination.filter(|d| !d.is_empty()) {
            self.destination = Some(d);
        }
        if s.eta.is_some() {
            self.eta = s.eta;
        }
        if s.draught.is_some() {
            self.draught = s.draught;
        }
        changes
    }
}

/// Quality flags of a vessel's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VesselFlags {
    /// The MMSI is not a plausible ship station identity.
    pub invalid_mmsi: bool,
    /// At least one position on land was reported.
    pub seen_on_land: bool,
    /// Position reports without an available position were received.
    pub position_unavailable: bool,
}

/// True for an MMSI of a station type that is not a ship but exists: coast
/// and base stations (00MIDxxxx), groups (0MIDxxxxx), SAR aircraft
/// (111MIDxxx), SART/MOB/EPIRB (970/972/974xxxxxx), craft of a parent ship
/// (98MIDxxxx) and aids to navigation (99MIDxxxx) (ITU-R M.585).
pub fn mmsi_is_special_station(mmsi: u32) -> bool {
    (2_000_000..=7_999_999).contains(&mmsi)
        || (20_000_000..=79_999_999).contains(&mmsi)
        || (111_200_000..=111_799_999).contains(&mmsi)
        || matches!(mmsi / 1_000_000, 970 | 972 | 974)
        || (982_000_000..=987_999_999).contains(&mmsi)
        || (992_000_000..=997_999_999).contains(&mmsi)
}

/// True for a plausible ship station MMSI: nine digits starting with a
/// maritime identification digit 2-7 (ITU-R M.585).
pub fn mmsi_is_plausible(mmsi: u32) -> bool {
    (200_000_000..800_000_000).contains(&mmsi) && !matches!(mmsi, 222_222_222 | 333_333_333 | 444_444_444 | 555_555_555 | 666_666_666 | 777_777_777 | 234_567_890 | 123_456_789)
}

/// A compact track point: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrackPoint {
    /// Time, milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Latitude, degrees (f32: about 1 m resolution).
    pub lat: f32,
    /// Longitude, degrees.
    pub lon: f32,
    /// Speed over ground in tenths of a knot; `u16::MAX` when unknown.
    pub sog_tenths: u16,
    /// Course over ground in tenths of a degree; `u16::MAX` when unknown.
    pub cog_tenths: u16,
    /// Navigational status; 15 when unknown.
    pub status: u8,
}

impl TrackPoint {
    /// Speed over ground, knots.
    pub fn sog(&self) -> Option<f32> {
        (self.sog_tenths != u16::MAX).then(|| self.sog_tenths as f32 / 10.0)
    }
    /// Course over ground, degrees.
    pub fn cog(&self) -> Option<f32> {
        (self.cog_tenths != u16::MAX).then(|| self.cog_tenths as f32 / 10.0)
    }
}

impl From<&PositionObs> for TrackPoint {
    fn from(p: &PositionObs) -> Self {
        TrackPoint {
            time_ms: p.time_ms,
            lat: p.lat as f32,
            lon: p.lon as f32,
            sog_tenths: p.sog.map_or(u16::MAX, |s| (s * 10.0).round() as u16),
            cog_tenths: p.cog.map_or(u16::MAX, |c| (c * 10.0).round() as u16),
            status: p.status.unwrap_or(15),
        }
    }
}

/// A bounded ring of the most recent track points (at most `u32::MAX`).
#[derive(Debug, Clone, Default)]
pub struct TrackRing {
    points: Vec<TrackPoint>,
    /// u32 rather than usize: the ring is part of every vessel's record.
    head: u32,
    capacity: u32,
}

impl TrackRing {
    /// A ring keeping at most `capacity` points.
    pub fn new(capacity: usize) -> Self {
        TrackRing { points: Vec::new(), head: 0, capacity: capacity.clamp(1, u32::MAX as usize) as u32 }
    }

    /// Adds a point, dropping the oldest when full.
    pub fn push(&mut self, p: TrackPoint) {
        if self.points.len() < self.capacity as usize {
            self.points.push(p);
        } else {
            self.points[self.head as usize] = p;
            self.head = (self.head + 1) % self.capacity;
        }
    }

    /// Bytes of points held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.points.capacity() * std::mem::size_of::<TrackPoint>()
    }

    /// Points oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TrackPoint> + '_ {
        let (a, b) = self.points.split_at(self.head as usize);
        b.iter().chain(a.iter())
    }

    /// Number of points held.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when no point is held.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The newest point.
    pub fn last(&self) -> Option<&TrackPoint> {
        if self.points.is_empty() {
            None
        } else {
            Some(&self.points[(self.head as usize + self.points.len() - 1) % self.points.len()])
        }
    }
}

/// Everything known about one MMSI.
#[derive(Debug, Clone)]
pub struct Vessel {
    /// The MMSI.
    pub mmsi: u32,
    /// Station class, from the message types seen.
    pub class: Class,
    /// Identity and voyage data, boxed once a static report came (many
    /// vessels never send one, and the record is kept for every vessel);
    /// read it with [`Vessel::identity`].
    identity: Option<Box<Identity>>,
    /// Data quality flags.
    pub flags: VesselFlags,
    /// The last accepted position.
    pub last: Option<PositionObs>,
    /// First and last time heard, milliseconds.
    pub first_seen_ms: i64,
    /// Last time heard (any message), milliseconds.
    pub last_seen_ms: i64,
    /// Messages accepted (duplicates excluded).
    pub messages: u64,
    /// Recent track.
    pub track: TrackRing,
}

impl Vessel {
    /// A vessel first heard at `time_ms`.
    pub fn new(mmsi: u32, class: Class, time_ms: i64, track_capacity: usize) -> Self {
        Vessel {
            mmsi,
            class,
            identity: None,
            flags: VesselFlags { invalid_mmsi: !mmsi_is_plausible(mmsi), ..VesselFlags::default() },
            last: None,
            first_seen_ms: time_ms,
            last_seen_ms: time_ms,
            messages: 0,
            track: TrackRing::new(track_capacity),
        }
    }

    /// Identity and voyage data as last reported ([`Identity::UNKNOWN`]
    /// before any static report).
    pub fn identity(&self) -> &Identity {
        self.identity.as_deref().unwrap_or(&Identity::UNKNOWN)
    }

    /// Merges a static report into the identity (see [`Identity::merge`]).
    pub fn merge_identity(&mut self, obs: &StaticObs) -> Vec<IdentityChange> {
        self.identity.get_or_insert_with(Box::default).merge(obs)
    }

    /// Bytes the vessel holds on the heap besides its track: the boxed identity.
    pub fn identity_heap_bytes(&self) -> usize {
        self.identity.as_ref().map_or(0, |_| std::mem::size_of::<Identity>())
    }

    /// The name, or an empty string.
    pub fn name(&self) -> &str {
        self.identity().name.as_ref().map_or("", |n| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest() {
        let mut r = TrackRing::new(3);
        for t in 0..5 {
            r.push(TrackPoint { time_ms: t, ..Default::default() });
        }
        let times: Vec<i64> = r.iter().map(|p| p.time_ms).collect();
        assert_eq!(times, [2, 3, 4]);
        assert_eq!(r.last().unwrap().time_ms, 4);
    }

    #[test]
    fn identity_changes_are_reported() {
        let mut id = Identity::default();
        let mut s = StaticObs {
            time_ms: 0,
            mmsi: 1,
            class: Class::A,
            identity: Identity { name: Some("EAGLE S".into()), imo: Some(9329760), shiptype: Some(80), ..Identity::default() },
            payload_hash: 0,
        };
        assert!(id.merge(&s).is_empty());
        s.identity.name = Some("EAGLE".into());
        let ch = id.merge(&s);
        assert_eq!(ch, [IdentityChange { field: "name", before: "EAGLE S".into(), after: "EAGLE".into() }]);
        assert!(!mmsi_is_plausible(123_456_789) && !mmsi_is_plausible(1_234) && mmsi_is_plausible(518_998_000));
    }

    /// The record kept for every vessel stays small: identity is boxed once
    /// a static report comes, and counted then.
    #[test]
    fn identity_is_boxed_when_reported() {
        assert!(std::mem::size_of::<Vessel>() <= 160, "{} bytes", std::mem::size_of::<Vessel>());
        let mut v = Vessel::new(230_000_001, Class::A, 0, 8);
        assert_eq!((v.identity(), v.name(), v.identity_heap_bytes()), (&Identity::UNKNOWN, "", 0));
        let s = StaticObs { time_ms: 0, mmsi: 230_000_001, class: Class::A, identity: Identity { name: Some("EAGLE S".into()), ..Identity::default() }, payload_hash: 0 };
        assert!(v.merge_identity(&s).is_empty());
        assert_eq!((v.name(), v.identity_heap_bytes()), ("EAGLE S", std::mem::size_of::<Identity>()));
        assert_eq!(Identity::UNKNOWN, Identity::default());
    }
}
