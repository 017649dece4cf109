//! The raw journal: every received line with its receive time and source,
//! in append-only, compressed, checksummed, hash-chained segments.
//!
//! A segment `journal/NNNNNNNN.seg` is a 64-byte header followed by blocks.
//!
//! Header (little-endian): magic `SWJRNL\0\0` (8), format version u32,
//! reserved u32, sequence number u64, creation time ms i64, SHA-256 of the
//! whole previous segment file (32; zero for the first segment).
//!
//! Block: magic `SWB1` (4), compressed length u32, raw length u32, record
//! count u32, minimum and maximum receive time i64 each, CRC-32 u32 of the
//! 32 header bytes before it and the payload, then the LZ4-compressed
//! payload. A record in the payload is: receive time i64, source length u8,
//! source bytes, line length u32, line bytes.
//!
//! A segment is sealed when the next one starts (at a size limit or when the
//! store is opened again); from then on the next header holds its hash, so
//! any later change to it breaks the chain.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

pub(crate) const SEGMENT_MAGIC: &[u8; 8] = b"SWJRNL\0\0";
pub(crate) const BLOCK_MAGIC: &[u8; 4] = b"SWB1";
/// Journal format version written in every segment header.
pub const FORMAT_VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 64;
pub(crate) const BLOCK_HEADER_LEN: usize = 36;
/// Raw bytes gathered before a block is compressed and written.
const BLOCK_RAW_BYTES: usize = 1 << 20;
/// Longest block accepted when reading (guards against corrupt lengths).
const MAX_BLOCK_BYTES: u32 = 64 << 20;

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Lowercase hex of a digest.
pub fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// One journal record as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRecord {
    /// Receive time, milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Where the line came from (file, receiver, peer address).
    pub source: String,
    /// The line exactly as received, without its line terminator.
    pub line: Vec<u8>,
}

/// A segment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentHeader {
    /// Format version.
    pub version: u32,
    /// Sequence number, from 1.
    pub seq: u64,
    /// Creation time, ms since the epoch (wall clock of the writer).
    pub created_ms: i64,
    /// SHA-256 of the previous segment file.
    pub prev_hash: Hash,
}

impl SegmentHeader {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[..8].copy_from_slice(SEGMENT_MAGIC);
        h[8..12].copy_from_slice(&self.version.to_le_bytes());
        h[16..24].copy_from_slice(&self.seq.to_le_bytes());
        h[24..32].copy_from_slice(&self.created_ms.to_le_bytes());
        h[32..64].copy_from_slice(&self.prev_hash);
        h
    }

    fn decode(h: &[u8]) -> Option<SegmentHeader> {
        if h.len() < HEADER_LEN || &h[..8] != SEGMENT_MAGIC {
            return None;
        }
        Some(SegmentHeader {
            version: u32::from_le_bytes(h[8..12].try_into().ok()?),
            seq: u64::from_le_bytes(h[16..24].try_into().ok()?),
            created_ms: i64::from_le_bytes(h[24..32].try_into().ok()?),
            prev_hash: h[32..64].try_into().ok()?,
        })
    }
}

/// A block header as read back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockHeader {
    pub compressed: u32,
    pub raw: u32,
    pub records: u32,
    pub min_ms: i64,
    pub max_ms: i64,
    pub crc: u32,
}

impl BlockHeader {
    fn decode(h: &[u8; BLOCK_HEADER_LEN]) -> Option<BlockHeader> {
        if &h[..4] != BLOCK_MAGIC {
            return None;
        }
        let u = |i: usize| u32::from_le_bytes(h[i..i + 4].try_into().unwrap_or_default());
        let i = |o: usize| i64::from_le_bytes(h[o..o + 8].try_into().unwrap_or_default());
        Some(BlockHeader {
            compressed: u(4),
            raw: u(8),
            records: u(12),
            min_ms: i(16),
            max_ms: i(24),
            crc: u(32),
        })
    }
}

/// The path of segment `seq` in `dir`.
pub(crate) fn segment_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("{seq:08}.seg"))
}

/// The segment files of `dir`, by sequence number (parsed from the name).
pub(crate) fn list_segments(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(stem) = name.strip_suffix(".seg") {
            if let Ok(seq) = stem.parse::<u64>() {
                out.push((seq, entry.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// SHA-256 of a whole file.
pub(crate) fn hash_file(path: &Path) -> Result<Hash> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().into())
}

/// The result of scanning one segment.
#[derive(Debug, Clone, Default)]
pub(crate) struct SegmentScan {
    pub header: Option<SegmentHeader>,
    /// Bytes of the header and every intact block.
    pub valid_len: u64,
    /// File length.
    pub file_len: u64,
    pub blocks: u64,
    pub records: u64,
    pub min_ms: Option<i64>,
    pub max_ms: Option<i64>,
    /// Why scanning stopped before the end of the file, if it did.
    pub problem: Option<String>,
}

/// One intact block as [`scan_segment`] hands it over.
pub(crate) struct Block<'a> {
    /// The block exactly as on disk: header and compressed payload.
    pub header_bytes: &'a [u8],
    pub payload: &'a [u8],
    /// The decompressed payload (records).
    pub raw: &'a [u8],
}

/// Reads a segment block by block, checking each CRC. `on_block` gets each
/// intact block (decompressed) that `want` accepts.
pub(crate) fn scan_segment(
    path: &Path,
    want: impl FnMut(&BlockHeader) -> bool,
    on_block: impl FnMut(&Block<'_>) -> Result<()>,
) -> Result<SegmentScan> {
    scan_segment_with(path, true, want, on_block)
}

/// [`scan_segment`]; with `check_skipped` false, the payload of a block
/// that `want` refuses is not read at all (nor its CRC checked): the
/// reader seeks past it, so only the 36-byte headers of blocks outside a
/// time window are read.
pub(crate) fn scan_segment_with(
    path: &Path,
    check_skipped: bool,
    mut want: impl FnMut(&BlockHeader) -> bool,
    mut on_block: impl FnMut(&Block<'_>) -> Result<()>,
) -> Result<SegmentScan> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut f = io::BufReader::with_capacity(1 << 16, f);
    let mut scan = SegmentScan {
        file_len,
        ..SegmentScan::default()
    };
    let mut hbuf = [0u8; HEADER_LEN];
    if f.read_exact(&mut hbuf).is_err() {
        scan.problem = Some("segment shorter than its header".into());
        return Ok(scan);
    }
    let Some(header) = SegmentHeader::decode(&hbuf) else {
        scan.problem = Some("bad segment header".into());
        return Ok(scan);
    };
    if header.version != FORMAT_VERSION {
        scan.problem = Some(format!("unsupported format version {}", header.version));
        return Ok(scan);
    }
    scan.header = Some(header);
    let mut pos = HEADER_LEN as u64;
    scan.valid_len = pos;
    let mut payload = Vec::new();
    let mut raw = Vec::new();
    while pos < file_len {
        let mut bh = [0u8; BLOCK_HEADER_LEN];
        if file_len - pos < BLOCK_HEADER_LEN as u64 {
            scan.problem = Some(format!("torn block header at byte {pos}"));
            break;
        }
        f.read_exact(&mut bh).map_err(|e| Error::io(path, e))?;
        let Some(b) = BlockHeader::decode(&bh) else {
            scan.problem = Some(format!("bad block header at byte {pos}"));
            break;
        };
        let end = pos + BLOCK_HEADER_LEN as u64 + b.compressed as u64;
        if b.compressed > MAX_BLOCK_BYTES || b.raw > MAX_BLOCK_BYTES * 4 || end > file_len {
            scan.problem = Some(format!(
                "torn block at byte {pos} ({} of {} payload bytes present)",
                file_len.saturating_sub(pos + BLOCK_HEADER_LEN as u64),
                b.compressed
            ));
            break;
        }
        let wanted = want(&b);
        if wanted || check_skipped {
            // The CRC is checked whenever the payload is read, so
            // corruption anywhere is found by a full scan.
            payload.resize(b.compressed as usize, 0);
            f.read_exact(&mut payload).map_err(|e| Error::io(path, e))?;
            let mut crc = crc32fast::Hasher::new();
            crc.update(&bh[..32]);
            crc.update(&payload);
            if crc.finalize() != b.crc {
                scan.problem = Some(format!("checksum mismatch in block at byte {pos}"));
                break;
            }
        } else {
            f.seek_relative(b.compressed as i64)
                .map_err(|e| Error::io(path, e))?;
        }
        if wanted {
            raw.resize(b.raw as usize, 0);
            match lz4_flex::block::decompress_into(&payload, &mut raw) {
                Ok(n) if n == b.raw as usize => {}
                _ => {
                    scan.problem = Some(format!("block at byte {pos} does not decompress"));
                    break;
                }
            }
            on_block(&Block {
                header_bytes: &bh,
                payload: &payload,
                raw: &raw,
            })?;
        }
        pos = end;
        scan.valid_len = pos;
        scan.blocks += 1;
        scan.records += b.records as u64;
        if b.records > 0 {
            scan.min_ms = Some(scan.min_ms.map_or(b.min_ms, |m| m.min(b.min_ms)));
            scan.max_ms = Some(scan.max_ms.map_or(b.max_ms, |m| m.max(b.max_ms)));
        }
    }
    Ok(scan)
}

/// Splits a decompressed block payload into records.
pub(crate) fn for_each_record(raw: &[u8], mut f: impl FnMut(i64, &[u8], &[u8])) -> Result<()> {
    let mut p = 0usize;
    let bad = || Error::corrupt("journal", "record framing inside a block is inconsistent");
    while p < raw.len() {
        let t = i64::from_le_bytes(
            raw.get(p..p + 8)
                .ok_or_else(bad)?
                .try_into()
                .map_err(|_| bad())?,
        );
        let sl = *raw.get(p + 8).ok_or_else(bad)? as usize;
        let src = raw.get(p + 9..p + 9 + sl).ok_or_else(bad)?;
        let q = p + 9 + sl;
        let ll = u32::from_le_bytes(
            raw.get(q..q + 4)
                .ok_or_else(bad)?
                .try_into()
                .map_err(|_| bad())?,
        ) as usize;
        let line = raw.get(q + 4..q + 4 + ll).ok_or_else(bad)?;
        f(t, src, line);
        p = q + 4 + ll;
    }
    Ok(())
}

/// Appends records to the journal's newest segment.
///
/// Records gather in memory and are compressed into a block of about 1 MiB;
/// [`JournalWriter::flush`] writes the partial block and hands everything to
/// the operating system: from then on the records survive the process being
/// killed. [`JournalWriter::sync`] also asks the disk to persist them.
pub struct JournalWriter {
    dir: PathBuf,
    file: File,
    path: PathBuf,
    seq: u64,
    len: u64,
    segment_bytes: u64,
    buf: Vec<u8>,
    records: u32,
    min_ms: i64,
    max_ms: i64,
    compressed: Vec<u8>,
    appended: u64,
    /// Sealed segments since opening: (seq, hash, bytes, min_ms, max_ms).
    sealed: Vec<SealedSegment>,
}

/// A segment that the writer sealed.
#[derive(Debug, Clone)]
pub(crate) struct SealedSegment {
    pub seq: u64,
    pub hash: Hash,
    pub bytes: u64,
    pub min_ms: Option<i64>,
    pub max_ms: Option<i64>,
    pub records: u64,
}

/// What opening the journal found and repaired.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// Bytes cut from the end of the newest segment (a torn tail).
    pub truncated_bytes: u64,
    /// Why they were cut.
    pub reason: Option<String>,
}

impl JournalWriter {
    /// Opens the journal in `dir`: checks the newest segment, cuts a torn
    /// tail, seals it and starts a new segment chained to it.
    pub(crate) fn open(
        dir: &Path,
        segment_bytes: u64,
        now_ms: i64,
    ) -> Result<(JournalWriter, Recovery)> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let segments = list_segments(dir)?;
        let mut recovery = Recovery::default();
        let mut sealed = Vec::new();
        let (seq, prev_hash) = match segments.last() {
            None => (1, [0u8; 32]),
            Some((last_seq, path)) => {
                let scan = scan_segment(path, |_| false, |_| Ok(()))?;
                if scan.header.is_none() {
                    // A header that never made it to disk: nothing was
                    // acknowledged in this segment.
                    if scan.file_len < HEADER_LEN as u64 {
                        recovery.truncated_bytes = scan.file_len;
                        recovery.reason = scan.problem.clone();
                        fs::remove_file(path).map_err(|e| Error::io(path, e))?;
                        let prev = match segments.len() {
                            1 => [0u8; 32],
                            n => hash_file(&segments[n - 2].1)?,
                        };
                        return Self::start(
                            dir,
                            segment_bytes,
                            *last_seq,
                            prev,
                            now_ms,
                            recovery,
                            sealed,
                        );
                    }
                    return Err(Error::corrupt(
                        path.display().to_string(),
                        scan.problem.unwrap_or_default(),
                    ));
                }
                if scan.valid_len < scan.file_len {
                    recovery.truncated_bytes = scan.file_len - scan.valid_len;
                    recovery.reason = scan.problem.clone();
                    let f = OpenOptions::new()
                        .write(true)
                        .open(path)
                        .map_err(|e| Error::io(path, e))?;
                    f.set_len(scan.valid_len).map_err(|e| Error::io(path, e))?;
                    f.sync_all().map_err(|e| Error::io(path, e))?;
                }
                let hash = hash_file(path)?;
                sealed.push(SealedSegment {
                    seq: *last_seq,
                    hash,
                    bytes: scan.valid_len,
                    min_ms: scan.min_ms,
                    max_ms: scan.max_ms,
                    records: scan.records,
                });
                (last_seq + 1, hash)
            }
        };
        Self::start(dir, segment_bytes, seq, prev_hash, now_ms, recovery, sealed)
    }

    fn start(
        dir: &Path,
        segment_bytes: u64,
        seq: u64,
        prev_hash: Hash,
        now_ms: i64,
        recovery: Recovery,
        sealed: Vec<SealedSegment>,
    ) -> Result<(JournalWriter, Recovery)> {
        let path = segment_path(dir, seq);
        let mut file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let header = SegmentHeader {
            version: FORMAT_VERSION,
            seq,
            created_ms: now_ms,
            prev_hash,
        };
        file.write_all(&header.encode())
            .map_err(|e| Error::io(&path, e))?;
        let w = JournalWriter {
            dir: dir.to_path_buf(),
            file,
            path,
            seq,
            len: HEADER_LEN as u64,
            segment_bytes,
            buf: Vec::with_capacity(BLOCK_RAW_BYTES + 4096),
            records: 0,
            min_ms: i64::MAX,
            max_ms: i64::MIN,
            compressed: Vec::new(),
            appended: 0,
            sealed,
        };
        Ok((w, recovery))
    }

    /// Appends one line. Sources longer than 255 bytes are cut.
    #[inline]
    pub fn append(&mut self, time_ms: i64, source: &str, line: &[u8]) -> Result<()> {
        let src = &source.as_bytes()[..source.len().min(255)];
        self.buf.extend_from_slice(&time_ms.to_le_bytes());
        self.buf.push(src.len() as u8);
        self.buf.extend_from_slice(src);
        self.buf
            .extend_from_slice(&(line.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(line);
        self.records += 1;
        self.min_ms = self.min_ms.min(time_ms);
        self.max_ms = self.max_ms.max(time_ms);
        self.appended += 1;
        if self.buf.len() >= BLOCK_RAW_BYTES {
            self.write_block()?;
        }
        Ok(())
    }

    /// Records appended through this writer.
    pub fn appended(&self) -> u64 {
        self.appended
    }

    /// Sequence number of the segment being written.
    pub fn segment_seq(&self) -> u64 {
        self.seq
    }

    fn write_block(&mut self) -> Result<()> {
        if self.records == 0 {
            return Ok(());
        }
        let bound = lz4_flex::block::get_maximum_output_size(self.buf.len());
        self.compressed.resize(BLOCK_HEADER_LEN + bound, 0);
        let n = lz4_flex::block::compress_into(&self.buf, &mut self.compressed[BLOCK_HEADER_LEN..])
            .map_err(|e| Error::corrupt("journal", format!("compression failed: {e}")))?;
        let h = &mut self.compressed[..BLOCK_HEADER_LEN];
        h[..4].copy_from_slice(BLOCK_MAGIC);
        h[4..8].copy_from_slice(&(n as u32).to_le_bytes());
        h[8..12].copy_from_slice(&(self.buf.len() as u32).to_le_bytes());
        h[12..16].copy_from_slice(&self.records.to_le_bytes());
        h[16..24].copy_from_slice(&self.min_ms.to_le_bytes());
        h[24..32].copy_from_slice(&self.max_ms.to_le_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(&self.compressed[..32]);
        crc.update(&self.compressed[BLOCK_HEADER_LEN..BLOCK_HEADER_LEN + n]);
        let crc = crc.finalize();
        self.compressed[32..36].copy_from_slice(&crc.to_le_bytes());
        // One write per block: a kill can tear it, never interleave it.
        self.file
            .write_all(&self.compressed[..BLOCK_HEADER_LEN + n])
            .map_err(|e| Error::io(&self.path, e))?;
        self.len += (BLOCK_HEADER_LEN + n) as u64;
        self.buf.clear();
        self.records = 0;
        self.min_ms = i64::MAX;
        self.max_ms = i64::MIN;
        if self.len >= self.segment_bytes {
            self.rotate()?;
        }
        Ok(())
    }

    fn rotate(&mut self) -> Result<()> {
        self.file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        let scan = scan_segment(&self.path, |_| false, |_| Ok(()))?;
        let hash = hash_file(&self.path)?;
        self.sealed.push(SealedSegment {
            seq: self.seq,
            hash,
            bytes: self.len,
            min_ms: scan.min_ms,
            max_ms: scan.max_ms,
            records: scan.records,
        });
        let created = scan.max_ms.unwrap_or(0);
        let (next, _) = Self::start(
            &self.dir,
            self.segment_bytes,
            self.seq + 1,
            hash,
            created,
            Recovery::default(),
            Vec::new(),
        )?;
        let sealed = std::mem::take(&mut self.sealed);
        *self = next;
        self.sealed = sealed;
        Ok(())
    }

    /// Writes the partial block and hands everything appended so far to the
    /// operating system (it then survives a crash of this process).
    pub fn flush(&mut self) -> Result<()> {
        self.write_block()?;
        self.file.flush().map_err(|e| Error::io(&self.path, e))
    }

    /// [`JournalWriter::flush`], then asks the disk to persist the segment
    /// (survives a power loss).
    pub fn sync(&mut self) -> Result<()> {
        self.flush()?;
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }

    /// Segments sealed since the last call.
    pub(crate) fn take_sealed(&mut self) -> Vec<SealedSegment> {
        std::mem::take(&mut self.sealed)
    }
}

/// What one segment gave to [`read_window`]: the chain of custody of a
/// read (which bytes of which file were used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRead {
    /// Segment sequence number.
    pub seq: u64,
    /// The segment file.
    pub path: PathBuf,
    /// Blocks read (their time range overlaps the window).
    pub blocks_read: u64,
    /// Blocks skipped by their header's time range, payload not read.
    pub blocks_skipped: u64,
    /// Bytes of the blocks read, as on disk (headers and payloads).
    pub bytes_read: u64,
    /// SHA-256 of those bytes, in file order.
    pub sha256: Hash,
}

/// What [`read_window`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowRead {
    /// Records inside the window handed to the caller.
    pub records: u64,
    /// Every segment looked at, oldest first.
    pub segments: Vec<SegmentRead>,
}

/// Reads the journal records with a receive time in `[from_ms, to_ms)`
/// from every segment of `dir`, in journal order. Each block's header
/// carries the minimum and maximum receive time of its records: blocks
/// entirely outside the window are skipped without reading their payload.
/// Only intact blocks are served (length and CRC checked), so a segment
/// being written by another process is read up to its last complete block;
/// a segment removed meanwhile (retention) is passed over.
pub fn read_window(
    dir: &Path,
    from_ms: i64,
    to_ms: i64,
    mut f: impl FnMut(i64, &str, &[u8]),
) -> Result<WindowRead> {
    let mut out = WindowRead::default();
    for (seq, path) in list_segments(dir)? {
        if !path.exists() {
            continue;
        }
        let mut hash = Sha256::new();
        let mut read = SegmentRead {
            seq,
            path: path.clone(),
            blocks_read: 0,
            blocks_skipped: 0,
            bytes_read: 0,
            sha256: [0; 32],
        };
        let scan = scan_segment_with(
            &path,
            false,
            |b| {
                let w = b.records > 0 && b.max_ms >= from_ms && b.min_ms < to_ms;
                read.blocks_skipped += u64::from(!w);
                w
            },
            |b| {
                hash.update(b.header_bytes);
                hash.update(b.payload);
                read.blocks_read += 1;
                read.bytes_read += (b.header_bytes.len() + b.payload.len()) as u64;
                for_each_record(b.raw, |t, src, line| {
                    if t >= from_ms && t < to_ms {
                        out.records += 1;
                        f(t, std::str::from_utf8(src).unwrap_or("?"), line);
                    }
                })
            },
        );
        match scan {
            Ok(_) => {}
            // Removed between listing and opening.
            Err(e) if e.kind() == crate::ErrorKind::Io && !path.exists() => continue,
            Err(e) => return Err(e),
        }
        read.sha256 = hash.finalize().into();
        out.segments.push(read);
    }
    Ok(out)
}

/// The newest receive time in the journal of `dir` (the newest segment that
/// holds any record), read from block headers only.
pub fn newest_time(dir: &Path) -> Result<Option<i64>> {
    for (_, path) in list_segments(dir)?.iter().rev() {
        let scan = scan_segment_with(path, false, |_| false, |_| Ok(()))?;
        if scan.max_ms.is_some() {
            return Ok(scan.max_ms);
        }
    }
    Ok(None)
}

/// Returns the bytes of `path` from `offset` on (for tests and tools).
#[allow(dead_code)]
pub(crate) fn read_tail(path: &Path, offset: u64) -> io::Result<Vec<u8>> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut v = Vec::new();
    f.read_to_end(&mut v)?;
    Ok(v)
}
