//! The wire encoding of what travels on the observations topic: a compact,
//! versioned, hand-written binary format.
//!
//! A bus message is a *batch*: one version byte ([`VERSION`]) followed by
//! frames back to back. Each frame starts with a tag byte and the frame's
//! sequence number (ingest's global counter, unsigned LEB128):
//!
//! | tag | frame | then |
//! |-----|-------|------|
//! | 1 | position | time (zigzag LEB128 ms), MMSI (LEB128), lat, lon (f64 LE), presence byte (sog, cog, heading, status, source), the present fields (f32 LE, f32 LE, LEB128, u8, length-prefixed bytes), class, message type, payload hash (u64 LE) |
//! | 2 | static | time, MMSI, class, payload hash, presence byte (name, call sign, IMO, type, dimensions, destination, ETA, draught), the present fields |
//! | 3 | tick | time: the detectors' clock reaches this data time |
//! | 4 | end | time: the input is over; close every episode at this time |
//!
//! Floating-point fields are carried bit for bit, so a worker sees exactly
//! the observation a single-node replay sees. Decoding never panics: a
//! truncated or unknown frame is an error naming the offset.

use seawarden_ais::{AisText, Dimensions, Eta, Source};
use seawarden_track::{Class, Identity, Observation, PositionObs, StaticObs};

/// Version byte at the start of every batch.
pub const VERSION: u8 = 1;

/// One unit on the observations topic.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// An observation, as the tracker takes it.
    Obs {
        /// Ingest's sequence number (global, increasing).
        seq: u64,
        /// The observation.
        obs: Observation,
    },
    /// The detectors' data-time clock reaches `time_ms` (sent to every
    /// partition, so each worker runs its once-a-minute checks exactly when
    /// a single node would).
    Tick {
        /// Sequence number.
        seq: u64,
        /// Data time, ms since the epoch.
        time_ms: i64,
    },
    /// The input is over at data time `time_ms`: close every episode.
    End {
        /// Sequence number.
        seq: u64,
        /// Data time of the last observation, ms since the epoch.
        time_ms: i64,
    },
}

impl Frame {
    /// The frame's sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            Frame::Obs { seq, .. } | Frame::Tick { seq, .. } | Frame::End { seq, .. } => *seq,
        }
    }
}

/// A malformed batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// Byte offset where decoding failed.
    pub offset: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed bus message at byte {}: {}",
            self.offset, self.what
        )
    }
}

impl std::error::Error for WireError {}

/// Starts a batch in `buf` (clears it and writes the version byte).
pub fn begin_batch(buf: &mut Vec<u8>) {
    buf.clear();
    buf.push(VERSION);
}

/// Appends one frame to a batch.
pub fn encode_frame(frame: &Frame, buf: &mut Vec<u8>) {
    match frame {
        Frame::Obs {
            seq,
            obs: Observation::Position(p),
        } => {
            buf.push(1);
            uvar(buf, *seq);
            ivar(buf, p.time_ms);
            uvar(buf, p.mmsi as u64);
            buf.extend_from_slice(&p.lat.to_le_bytes());
            buf.extend_from_slice(&p.lon.to_le_bytes());
            let mask = p.sog.is_some() as u8
                | (p.cog.is_some() as u8) << 1
                | (p.heading.is_some() as u8) << 2
                | (p.status.is_some() as u8) << 3
                | (p.source.is_some() as u8) << 4;
            buf.push(mask);
            if let Some(v) = p.sog {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            if let Some(v) = p.cog {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            if let Some(v) = p.heading {
                uvar(buf, v as u64);
            }
            if let Some(v) = p.status {
                buf.push(v);
            }
            if let Some(s) = &p.source {
                bytes(buf, s.as_str().as_bytes());
            }
            buf.push(class_code(p.class));
            buf.push(p.msg_type);
            buf.extend_from_slice(&p.payload_hash.to_le_bytes());
        }
        Frame::Obs {
            seq,
            obs: Observation::Static(s),
        } => {
            buf.push(2);
            uvar(buf, *seq);
            ivar(buf, s.time_ms);
            uvar(buf, s.mmsi as u64);
            buf.push(class_code(s.class));
            buf.extend_from_slice(&s.payload_hash.to_le_bytes());
            let i = &s.identity;
            let mask = i.name.is_some() as u8
                | (i.callsign.is_some() as u8) << 1
                | (i.imo.is_some() as u8) << 2
                | (i.shiptype.is_some() as u8) << 3
                | (i.dimensions.is_some() as u8) << 4
                | (i.destination.is_some() as u8) << 5
                | (i.eta.is_some() as u8) << 6
                | (i.draught.is_some() as u8) << 7;
            buf.push(mask);
            if let Some(t) = &i.name {
                bytes(buf, t.as_bytes());
            }
            if let Some(t) = &i.callsign {
                bytes(buf, t.as_bytes());
            }
            if let Some(v) = i.imo {
                uvar(buf, v as u64);
            }
            if let Some(v) = i.shiptype {
                buf.push(v);
            }
            if let Some(d) = &i.dimensions {
                buf.push(
                    d.to_bow.is_some() as u8
                        | (d.to_stern.is_some() as u8) << 1
                        | (d.to_port.is_some() as u8) << 2
                        | (d.to_starboard.is_some() as u8) << 3,
                );
                for v in [d.to_bow, d.to_stern].into_iter().flatten() {
                    uvar(buf, v as u64);
                }
                for v in [d.to_port, d.to_starboard].into_iter().flatten() {
                    buf.push(v);
                }
            }
            if let Some(t) = &i.destination {
                bytes(buf, t.as_bytes());
            }
            if let Some(e) = &i.eta {
                buf.push(
                    e.month.is_some() as u8
                        | (e.day.is_some() as u8) << 1
                        | (e.hour.is_some() as u8) << 2
                        | (e.minute.is_some() as u8) << 3,
                );
                for v in [e.month, e.day, e.hour, e.minute].into_iter().flatten() {
                    buf.push(v);
                }
            }
            if let Some(v) = i.draught {
                buf.extend_from_slice(&v.to_le_bytes());
            }
        }
        Frame::Tick { seq, time_ms } | Frame::End { seq, time_ms } => {
            buf.push(if matches!(frame, Frame::Tick { .. }) {
                3
            } else {
                4
            });
            uvar(buf, *seq);
            ivar(buf, *time_ms);
        }
    }
}

/// Decodes a whole batch, calling `f` for each frame in order. On error the
/// frames before the bad one have been delivered.
pub fn decode_batch(data: &[u8], mut f: impl FnMut(Frame)) -> Result<(), WireError> {
    let mut r = Reader { data, pos: 0 };
    match r.u8()? {
        VERSION => {}
        _ => {
            return Err(WireError {
                offset: 0,
                what: "unknown version",
            })
        }
    }
    while r.pos < data.len() {
        f(r.frame()?);
    }
    Ok(())
}

fn class_code(c: Class) -> u8 {
    match c {
        Class::A => 0,
        Class::B => 1,
        Class::SarAircraft => 2,
        Class::BaseStation => 3,
        Class::AidToNavigation => 4,
    }
}

fn uvar(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push(v as u8 | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn ivar(buf: &mut Vec<u8>, v: i64) {
    uvar(buf, ((v << 1) ^ (v >> 63)) as u64);
}

fn bytes(buf: &mut Vec<u8>, b: &[u8]) {
    let b = &b[..b.len().min(255)];
    buf.push(b.len() as u8);
    buf.extend_from_slice(b);
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err<T>(&self, what: &'static str) -> Result<T, WireError> {
        Err(WireError {
            offset: self.pos,
            what,
        })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        match self.data.get(self.pos..self.pos + n) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => self.err("truncated"),
        }
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn arr<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn uvar(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.err("varint too long")
    }

    fn ivar(&mut self) -> Result<i64, WireError> {
        let u = self.uvar()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }

    fn u32var(&mut self) -> Result<u32, WireError> {
        let v = self.uvar()?;
        u32::try_from(v).or_else(|_| self.err("value out of range"))
    }

    fn u16var(&mut self) -> Result<u16, WireError> {
        let v = self.uvar()?;
        u16::try_from(v).or_else(|_| self.err("value out of range"))
    }

    fn text(&mut self) -> Result<&'a str, WireError> {
        let n = self.u8()? as usize;
        let b = self.take(n)?;
        std::str::from_utf8(b).or_else(|_| self.err("text is not UTF-8"))
    }

    fn class(&mut self) -> Result<Class, WireError> {
        Ok(match self.u8()? {
            0 => Class::A,
            1 => Class::B,
            2 => Class::SarAircraft,
            3 => Class::BaseStation,
            4 => Class::AidToNavigation,
            _ => return self.err("unknown station class"),
        })
    }

    fn frame(&mut self) -> Result<Frame, WireError> {
        let tag = self.u8()?;
        let seq = self.uvar()?;
        match tag {
            1 => {
                let time_ms = self.ivar()?;
                let mmsi = self.u32var()?;
                let lat = f64::from_le_bytes(self.arr()?);
                let lon = f64::from_le_bytes(self.arr()?);
                let mask = self.u8()?;
                let sog = if mask & 1 != 0 {
                    Some(f32::from_le_bytes(self.arr()?))
                } else {
                    None
                };
                let cog = if mask & 2 != 0 {
                    Some(f32::from_le_bytes(self.arr()?))
                } else {
                    None
                };
                let heading = if mask & 4 != 0 {
                    Some(self.u16var()?)
                } else {
                    None
                };
                let status = if mask & 8 != 0 {
                    Some(self.u8()?)
                } else {
                    None
                };
                let source = if mask & 16 != 0 {
                    Some(Source::new(self.text()?.as_bytes()))
                } else {
                    None
                };
                let class = self.class()?;
                let msg_type = self.u8()?;
                let payload_hash = u64::from_le_bytes(self.arr()?);
                Ok(Frame::Obs {
                    seq,
                    obs: Observation::Position(PositionObs {
                        time_ms,
                        mmsi,
                        lat,
                        lon,
                        sog,
                        cog,
                        heading,
                        status,
                        class,
                        msg_type,
                        source,
                        payload_hash,
                    }),
                })
            }
            2 => {
                let time_ms = self.ivar()?;
                let mmsi = self.u32var()?;
                let class = self.class()?;
                let payload_hash = u64::from_le_bytes(self.arr()?);
                let mask = self.u8()?;
                let mut identity = Identity::default();
                if mask & 1 != 0 {
                    identity.name = Some(AisText::from(self.text()?));
                }
                if mask & 2 != 0 {
                    identity.callsign = Some(AisText::from(self.text()?));
                }
                if mask & 4 != 0 {
                    identity.imo = Some(self.u32var()?);
                }
                if mask & 8 != 0 {
                    identity.shiptype = Some(self.u8()?);
                }
                if mask & 16 != 0 {
                    let m = self.u8()?;
                    let to_bow = if m & 1 != 0 {
                        Some(self.u16var()?)
                    } else {
                        None
                    };
                    let to_stern = if m & 2 != 0 {
                        Some(self.u16var()?)
                    } else {
                        None
                    };
                    let to_port = if m & 4 != 0 { Some(self.u8()?) } else { None };
                    let to_starboard = if m & 8 != 0 { Some(self.u8()?) } else { None };
                    identity.dimensions = Some(Dimensions {
                        to_bow,
                        to_stern,
                        to_port,
                        to_starboard,
                    });
                }
                if mask & 32 != 0 {
                    identity.destination = Some(AisText::from(self.text()?));
                }
                if mask & 64 != 0 {
                    let m = self.u8()?;
                    let mut field = |bit: u8| -> Result<Option<u8>, WireError> {
                        if m & bit != 0 {
                            self.u8().map(Some)
                        } else {
                            Ok(None)
                        }
                    };
                    let month = field(1)?;
                    let day = field(2)?;
                    let hour = field(4)?;
                    let minute = field(8)?;
                    identity.eta = Some(Eta {
                        month,
                        day,
                        hour,
                        minute,
                    });
                }
                if mask & 128 != 0 {
                    identity.draught = Some(f32::from_le_bytes(self.arr()?));
                }
                Ok(Frame::Obs {
                    seq,
                    obs: Observation::Static(StaticObs {
                        time_ms,
                        mmsi,
                        class,
                        identity,
                        payload_hash,
                    }),
                })
            }
            3 => Ok(Frame::Tick {
                seq,
                time_ms: self.ivar()?,
            }),
            4 => Ok(Frame::End {
                seq,
                time_ms: self.ivar()?,
            }),
            _ => self.err("unknown frame tag"),
        }
    }
}
