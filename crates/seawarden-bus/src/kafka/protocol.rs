//! The few Kafka protocol requests the client library lacks: topic creation
//! with a retention, the group coordinator, and committed offsets
//! (OffsetCommit v2 / OffsetFetch v1, a "simple consumer" commit with
//! generation -1, as Kafka's own clients do for manually assigned
//! partitions). All are non-flexible versions that Apache Kafka 2.x to 4.x
//! and tansu accept. Responses are parsed defensively: a short or damaged
//! response is an error, never a panic.

use anyhow::{anyhow, bail, Context as _, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CREATE_TOPICS: i16 = 19;
const FIND_COORDINATOR: i16 = 10;
const OFFSET_COMMIT: i16 = 8;
const OFFSET_FETCH: i16 = 9;

/// Largest response accepted, bytes.
const MAX_RESPONSE: usize = 16 << 20;

/// Kafka error codes met here, by name.
fn error_name(code: i16) -> &'static str {
    match code {
        3 => "UNKNOWN_TOPIC_OR_PARTITION",
        7 => "REQUEST_TIMED_OUT",
        14 => "COORDINATOR_LOAD_IN_PROGRESS",
        15 => "COORDINATOR_NOT_AVAILABLE",
        16 => "NOT_COORDINATOR",
        22 => "ILLEGAL_GENERATION",
        25 => "UNKNOWN_MEMBER_ID",
        29 => "TOPIC_AUTHORIZATION_FAILED",
        30 => "GROUP_AUTHORIZATION_FAILED",
        36 => "TOPIC_ALREADY_EXISTS",
        37 => "INVALID_PARTITIONS",
        38 => "INVALID_REPLICATION_FACTOR",
        40 => "INVALID_CONFIG",
        41 => "NOT_CONTROLLER",
        _ => "error",
    }
}

/// A Kafka error code as an error.
pub fn kafka_error(code: i16, what: &str) -> anyhow::Error {
    anyhow!("{what}: Kafka error {code} ({})", error_name(code))
}

/// True for the errors after which asking the coordinator again may work.
pub fn retriable(code: i16) -> bool {
    matches!(code, 7 | 14 | 15 | 16)
}

/// One connection to one broker, requests answered in order.
pub struct Conn {
    stream: TcpStream,
    correlation: i32,
    addr: String,
}

impl Conn {
    /// Connects to `addr` (`host:port`).
    pub async fn connect(addr: &str) -> Result<Conn> {
        let stream = match tokio::time::timeout(super::CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(stream) => stream.with_context(|| format!("cannot connect to Kafka broker {addr}"))?,
            Err(_) => bail!(
                "cannot connect to Kafka broker {addr}: no answer within {} s",
                super::CONNECT_TIMEOUT.as_secs()
            ),
        };
        stream.set_nodelay(true).ok();
        Ok(Conn {
            stream,
            correlation: 0,
            addr: addr.to_string(),
        })
    }

    /// Sends one request (header v1, client id `seawarden`) and returns the
    /// response body after the correlation id.
    async fn call(&mut self, api_key: i16, version: i16, body: &[u8]) -> Result<Vec<u8>> {
        self.correlation = self.correlation.wrapping_add(1);
        let mut req = Vec::with_capacity(body.len() + 32);
        put_i32(&mut req, 0);
        put_i16(&mut req, api_key);
        put_i16(&mut req, version);
        put_i32(&mut req, self.correlation);
        put_str(&mut req, "seawarden");
        req.extend_from_slice(body);
        let size = (req.len() - 4) as i32;
        req[..4].copy_from_slice(&size.to_be_bytes());
        let io = async {
            self.stream.write_all(&req).await?;
            let mut len = [0u8; 4];
            self.stream.read_exact(&mut len).await?;
            let len = i32::from_be_bytes(len);
            if len < 4 || len as usize > MAX_RESPONSE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("response size {len}"),
                ));
            }
            let mut resp = vec![0u8; len as usize];
            self.stream.read_exact(&mut resp).await?;
            Ok(resp)
        };
        let resp = io
            .await
            .with_context(|| format!("request {api_key} to Kafka broker {}", self.addr))?;
        let mut r = Reader::new(&resp);
        let correlation = r.i32()?;
        if correlation != self.correlation {
            bail!(
                "Kafka broker {} answered request {} with {correlation}",
                self.addr,
                self.correlation
            );
        }
        Ok(resp[4..].to_vec())
    }

    /// Creates `topic` with `partitions` partitions, `replication` replicas
    /// and `retention_ms`; false if it already existed.
    pub async fn create_topic(
        &mut self,
        topic: &str,
        partitions: i32,
        replication: i16,
        retention_ms: i64,
    ) -> Result<bool> {
        // CreateTopics v2.
        let mut b = Vec::new();
        put_i32(&mut b, 1);
        put_str(&mut b, topic);
        put_i32(&mut b, partitions);
        put_i16(&mut b, replication);
        put_i32(&mut b, 0); // no manual assignments
        put_i32(&mut b, 1);
        put_str(&mut b, "retention.ms");
        put_str(&mut b, &retention_ms.to_string());
        put_i32(&mut b, 30_000); // timeout
        b.push(0); // validate_only = false
        let resp = self.call(CREATE_TOPICS, 2, &b).await?;
        let mut r = Reader::new(&resp);
        r.i32()?; // throttle
        let n = r.len()?;
        for _ in 0..n {
            let name = r.string()?;
            let code = r.i16()?;
            let message = r.nullable_string()?;
            if name != topic {
                continue;
            }
            return match code {
                0 => Ok(true),
                36 => Ok(false),
                c => Err(kafka_error(c, &format!("cannot create topic {topic}"))
                    .context(message.unwrap_or_default())),
            };
        }
        bail!("the broker did not answer for topic {topic}")
    }

    /// The `host:port` of the coordinator of `group`.
    pub async fn find_coordinator(&mut self, group: &str) -> Result<String> {
        // FindCoordinator v1, key type 0 (group).
        let mut b = Vec::new();
        put_str(&mut b, group);
        b.push(0);
        let resp = self.call(FIND_COORDINATOR, 1, &b).await?;
        let mut r = Reader::new(&resp);
        r.i32()?; // throttle
        let code = r.i16()?;
        let _message = r.nullable_string()?;
        r.i32()?; // node id
        let host = r.string()?;
        let port = r.i32()?;
        if code != 0 {
            return Err(kafka_error(
                code,
                &format!("no coordinator for group {group}"),
            ));
        }
        Ok(format!("{host}:{port}"))
    }

    /// Commits `offset` (the next offset to read) with `metadata` for
    /// `group` on one topic partition; returns the Kafka error code.
    pub async fn commit(
        &mut self,
        group: &str,
        topic: &str,
        partition: i32,
        offset: i64,
        metadata: &str,
    ) -> Result<i16> {
        // OffsetCommit v2: generation -1 and no member: a commit for a
        // manually assigned partition, outside any group membership.
        let mut b = Vec::new();
        put_str(&mut b, group);
        put_i32(&mut b, -1);
        put_str(&mut b, "");
        put_i64(&mut b, -1); // broker's offset retention
        put_i32(&mut b, 1);
        put_str(&mut b, topic);
        put_i32(&mut b, 1);
        put_i32(&mut b, partition);
        put_i64(&mut b, offset);
        put_str(&mut b, metadata);
        let resp = self.call(OFFSET_COMMIT, 2, &b).await?;
        let mut r = Reader::new(&resp);
        let topics = r.len()?;
        for _ in 0..topics {
            r.string()?;
            let parts = r.len()?;
            for _ in 0..parts {
                let p = r.i32()?;
                let code = r.i16()?;
                if p == partition {
                    return Ok(code);
                }
            }
        }
        bail!("the broker did not answer the commit of {topic}/{partition}")
    }

    /// The committed offset and metadata of `group` on one topic partition
    /// (`None` if nothing was committed), or the Kafka error code.
    pub async fn committed(
        &mut self,
        group: &str,
        topic: &str,
        partition: i32,
    ) -> Result<std::result::Result<Option<(i64, String)>, i16>> {
        // OffsetFetch v1.
        let mut b = Vec::new();
        put_str(&mut b, group);
        put_i32(&mut b, 1);
        put_str(&mut b, topic);
        put_i32(&mut b, 1);
        put_i32(&mut b, partition);
        let resp = self.call(OFFSET_FETCH, 1, &b).await?;
        let mut r = Reader::new(&resp);
        let topics = r.len()?;
        for _ in 0..topics {
            r.string()?;
            let parts = r.len()?;
            for _ in 0..parts {
                let p = r.i32()?;
                let offset = r.i64()?;
                let metadata = r.nullable_string()?.unwrap_or_default();
                let code = r.i16()?;
                if p != partition {
                    continue;
                }
                if code != 0 {
                    return Ok(Err(code));
                }
                return Ok(Ok((offset >= 0).then_some((offset, metadata))));
            }
        }
        Ok(Ok(None))
    }
}

fn put_i16(b: &mut Vec<u8>, v: i16) {
    b.extend_from_slice(&v.to_be_bytes());
}

fn put_i32(b: &mut Vec<u8>, v: i32) {
    b.extend_from_slice(&v.to_be_bytes());
}

fn put_i64(b: &mut Vec<u8>, v: i64) {
    b.extend_from_slice(&v.to_be_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    let s = &s.as_bytes()[..s.len().min(i16::MAX as usize)];
    put_i16(b, s.len() as i16);
    b.extend_from_slice(s);
}

/// Reads big-endian protocol fields; running out is an error.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| anyhow!("Kafka response truncated at byte {}", self.pos))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.take(2)?.try_into()?))
    }

    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.take(4)?.try_into()?))
    }

    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.take(8)?.try_into()?))
    }

    fn len(&mut self) -> Result<usize> {
        let n = self.i32()?;
        // A null array (-1) is empty; a length beyond the bytes left is damage.
        if n <= 0 {
            return Ok(0);
        }
        if n as usize > self.buf.len() - self.pos {
            bail!(
                "Kafka response: array of {n} at byte {} is too long",
                self.pos
            );
        }
        Ok(n as usize)
    }

    fn nullable_string(&mut self) -> Result<Option<String>> {
        let n = self.i16()?;
        if n < 0 {
            return Ok(None);
        }
        Ok(Some(
            String::from_utf8_lossy(self.take(n as usize)?).into_owned(),
        ))
    }

    fn string(&mut self) -> Result<String> {
        Ok(self.nullable_string()?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_responses_are_errors() {
        let mut r = Reader::new(&[0, 0, 0, 9, 0]);
        assert!(r.len().is_err(), "array longer than the response");
        let mut r = Reader::new(&[0, 5, b'a']);
        assert!(r.string().is_err());
        let mut r = Reader::new(&[0xff, 0xff, 0, 1, b'x']);
        assert_eq!(r.nullable_string().unwrap(), None);
        assert_eq!(r.string().unwrap(), "x");
        assert!(r.i16().is_err());
    }
}
