//! Reading inputs: files or stdin, plain or gzip, line by line with bounded
//! memory, and a progress bar on a terminal.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressStyle};

/// Read buffer size; a line longer than this is cut into pieces of this size
/// (the decoder then counts the pieces as unusable), so memory stays bounded.
const BUF_SIZE: usize = 1 << 22;

/// Memory-mapped input is released from memory in steps of this many bytes.
const RELEASE_BYTES: usize = 8 << 20;

/// Files at least this large get a progress bar when stderr is a terminal.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// Counts bytes read through it, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// Calls `f` with every line of the input at `path` (`-` for stdin), plain or
/// gzip; see [`for_each_block_of`].
pub fn for_each_line_of(path: &str, mut f: impl FnMut(&[u8])) -> Result<()> {
    for_each_block_of(path, |block| seawarden_ais::lines::for_each_line(block, &mut f))
}

/// Calls `f` with blocks of whole lines (each ending with its `\n`, but
/// perhaps the last) of the input at `path` (`-` for stdin), plain or
/// gzip. Plain files are memory-mapped: the fastest way to read them, with
/// no copy; gzip and stdin are read through a fixed-size buffer (a line
/// longer than it comes in pieces, each a block of its own).
pub fn for_each_block_of(path: &str, mut f: impl FnMut(&[u8])) -> Result<()> {
    if path != "-" {
        let file = File::open(Path::new(path)).with_context(|| format!("cannot open {path}"))?;
        let meta = file.metadata().with_context(|| format!("cannot read {path}"))?;
        if meta.is_file() {
            if meta.len() == 0 {
                return Ok(());
            }
            // SAFETY: the map is only read, and only while `file` is open. A
            // file truncated by another process while mapped could fault;
            // `decode` reads finished files (live inputs use the read path).
            let map = unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("cannot map {path}"))?;
            let _ = map.advise(memmap2::Advice::Sequential);
            if !(map.len() >= 2 && map[0] == 0x1f && map[1] == 0x8b) {
                let bar = progress_bar(meta.len());
                // Blocks of whole lines of up to RELEASE_BYTES (a longer line
                // is a block of its own); after each, the pages read are
                // dropped from this process's memory, so resident memory
                // stays flat for any size.
                let mut start = 0;
                let mut released = 0;
                for_each_chunk(&map, RELEASE_BYTES, |block| {
                    f(block);
                    start += block.len();
                    let done = (start / RELEASE_BYTES) * RELEASE_BYTES;
                    if done > released {
                        // SAFETY: the range lies within the map and is never
                        // read again; the map is read-only and file-backed, so
                        // dropping its pages loses nothing.
                        let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, released, done - released) };
                        released = done;
                    }
                    if let Some(bar) = &bar {
                        bar.set_position(start as u64);
                    }
                });
                if let Some(bar) = bar {
                    bar.finish_and_clear();
                }
                return Ok(());
            }
        }
    }
    let (reader, bar) = open(path)?;
    let result = for_each_block(reader, f).with_context(|| format!("error reading {path}"));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// Calls `f` with consecutive pieces of `block` of at most `max_bytes`,
/// each cut after a `\n` (a line longer than `max_bytes` is a piece of its
/// own): for feeding a large block of lines in parts, with the results of
/// each part handled before the next.
pub fn for_each_chunk(block: &[u8], max_bytes: usize, mut f: impl FnMut(&[u8])) {
    let mut rest = block;
    while !rest.is_empty() {
        let cut = if rest.len() <= max_bytes {
            rest.len()
        } else {
            match memchr::memrchr(b'\n', &rest[..max_bytes]) {
                Some(nl) => nl + 1,
                None => memchr::memchr(b'\n', &rest[max_bytes..]).map_or(rest.len(), |nl| max_bytes + nl + 1),
            }
        };
        f(&rest[..cut]);
        rest = &rest[cut..];
    }
}

fn progress_bar(size: u64) -> Option<ProgressBar> {
    (size >= PROGRESS_MIN_BYTES && io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}

/// Opens `path` (`-` for stdin), transparently decompressing gzip.
pub fn open(path: &str) -> Result<(Box<dyn Read>, Option<ProgressBar>)> {
    let (raw, size): (Box<dyn Read>, Option<u64>) = if path == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let f = File::open(Path::new(path)).with_context(|| format!("cannot open {path}"))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let bar = size.and_then(progress_bar);
    let mut counting = io::BufReader::with_capacity(1 << 16, Counting { inner: raw, bar: bar.clone() });
    let is_gzip = {
        use std::io::BufRead;
        let head = counting.fill_buf().with_context(|| format!("cannot read {path}"))?;
        head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
    };
    let reader: Box<dyn Read> = if is_gzip { Box::new(MultiGzDecoder::new(counting)) } else { Box::new(counting) };
    Ok((reader, bar))
}

/// Calls `f` with every line of `reader` (without its `\n`).
pub fn for_each_line(reader: impl Read, mut f: impl FnMut(&[u8])) -> io::Result<()> {
    for_each_block(reader, |block| seawarden_ais::lines::for_each_line(block, &mut f))
}

/// Calls `f` with blocks of whole lines of `reader`, read through a
/// fixed-size buffer (a line longer than it comes in pieces, each a block
/// of its own).
pub fn for_each_block(mut reader: impl Read, mut f: impl FnMut(&[u8])) -> io::Result<()> {
    let mut buf = vec![0u8; BUF_SIZE];
    let mut filled = 0;
    loop {
        let n = match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let end = filled + n;
        // The whole lines read so far, split by the codec's line splitter.
        let start = match memchr::memrchr(b'\n', &buf[filled..end]) {
            Some(nl) => {
                f(&buf[..filled + nl + 1]);
                filled + nl + 1
            }
            None => 0,
        };
        if start == 0 && end == buf.len() {
            // A line longer than the buffer: pass it on in pieces.
            f(&buf[..end]);
            filled = 0;
            continue;
        }
        buf.copy_within(start..end, 0);
        filled = end - start;
    }
    if filled > 0 {
        f(&buf[..filled]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Lines of every length from 0 to 299 bytes, over more than one
    /// release block, so that blocks end in every kind of place.
    fn text(total: usize) -> Vec<u8> {
        let mut t = Vec::with_capacity(total + 300);
        let mut n = 0usize;
        while t.len() < total {
            let len = (n * 37) % 300;
            t.extend((0..len).map(|i| b'!' + ((n + i) % 90) as u8));
            t.push(b'\n');
            n += 1;
        }
        t
    }

    fn lines_of(path: &Path) -> Vec<Vec<u8>> {
        let mut got = Vec::new();
        for_each_line_of(path.to_str().unwrap(), |l| got.push(l.to_vec())).unwrap();
        got
    }

    fn split(buf: &[u8]) -> Vec<Vec<u8>> {
        let mut want: Vec<Vec<u8>> = buf.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
        if buf.is_empty() || buf.ends_with(b"\n") {
            want.pop();
        }
        want
    }

    #[test]
    fn mapped_and_gzip_files_give_every_line() {
        let dir = std::env::temp_dir().join(format!("seawarden-input-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut t = text(RELEASE_BYTES * 2 + 12_345);
        // A last line without its newline.
        t.extend_from_slice(b"!AIVDM,1,1,,A,last");
        let plain = dir.join("a.nmea");
        std::fs::write(&plain, &t).unwrap();
        let want = split(&t);
        assert_eq!(lines_of(&plain), want);
        let gz = dir.join("a.nmea.gz");
        let mut enc = flate2::write::GzEncoder::new(File::create(&gz).unwrap(), flate2::Compression::fast());
        enc.write_all(&t).unwrap();
        enc.finish().unwrap();
        assert_eq!(lines_of(&gz), want);
        // A line longer than a release block, in the mapped file.
        let mut long = b"first\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', RELEASE_BYTES + 10));
        long.extend_from_slice(b"\nlast\n");
        std::fs::write(&plain, &long).unwrap();
        assert_eq!(lines_of(&plain), split(&long));
        // Blocks hold whole lines and, end to end, the whole input.
        for path in [&plain, &gz] {
            std::fs::write(&plain, &t).unwrap();
            let mut joined = Vec::new();
            for_each_block_of(path.to_str().unwrap(), |b| {
                assert!(b.ends_with(b"\n") || joined.len() + b.len() == t.len(), "a block ends with a whole line");
                joined.extend_from_slice(b);
            })
            .unwrap();
            assert_eq!(joined, t);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Chunks are cut after a newline, no longer than asked unless one line
    /// is, and give back the whole block.
    #[test]
    fn chunks_are_whole_lines_within_the_size() {
        let mut t = text(50_000);
        t.extend_from_slice(&[b'y'; 700]);
        t.extend_from_slice(b"\nlast without newline");
        for max in [1, 2, 64, 299, 300, 301, 4096, 1 << 20] {
            let mut joined = Vec::new();
            for_each_chunk(&t, max, |c| {
                let whole = c.ends_with(b"\n") || joined.len() + c.len() == t.len();
                assert!(whole, "{max}: a chunk ends after a newline");
                let one_line = !c[..c.len() - 1].contains(&b'\n');
                assert!(c.len() <= max || one_line, "{max}: a chunk of {} bytes holds more than one line", c.len());
                joined.extend_from_slice(c);
            });
            assert_eq!(joined, t, "{max}");
        }
    }
}
