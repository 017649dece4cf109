//! Chain of custody: what the findings were computed from.

use std::fs::File;
use std::io::{self, Read};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Error, ErrorKind};

/// One input file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    /// What the file is (`ais`, `infra`, `watchlist`, `ports`, `land`,
    /// `store segment`, ...).
    pub role: String,
    /// Path as given.
    pub path: String,
    /// Size, bytes.
    pub bytes: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

/// Provenance of a report: inputs, tool, command, time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Custody {
    /// Every input file with its SHA-256.
    pub inputs: Vec<InputFile>,
    /// Tool name and version (with `git describe` when known).
    pub tool: String,
    /// The exact command line, arguments quoted for a POSIX shell.
    pub command: String,
    /// When the report was generated, RFC 3339 UTC.
    pub generated: String,
}

impl Custody {
    /// Hashes `path` and records it under `role`.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn add_file(&mut self, role: &str, path: &str) -> Result<(), Error> {
        let (sha256, bytes) = sha256_file(path)
            .map_err(|e| Error::new(ErrorKind::Input, format!("cannot hash {path}: {e}")))?;
        self.inputs.push(InputFile {
            role: role.to_string(),
            path: path.to_string(),
            bytes,
            sha256,
        });
        Ok(())
    }
}

/// SHA-256 (lowercase hex) and size of a file, read in 1 MiB blocks.
pub fn sha256_file(path: &str) -> io::Result<(String, u64)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((hex(&h.finalize()), n))
}

/// SHA-256 (lowercase hex) of bytes.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// Quotes arguments for a POSIX shell, so the command can be pasted back.
pub fn shell_command(args: impl IntoIterator<Item = String>) -> String {
    let quote = |a: &str| {
        if !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@+%".contains(&b))
        {
            a.to_string()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    args.into_iter()
        .map(|a| quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_vectors() {
        // FIPS 180-2 examples.
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_bytes(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn file_hash_matches_bytes() {
        let dir = std::env::temp_dir().join(format!(
            "seawarden-investigate-custody-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.txt");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        let (h, n) = sha256_file(p.to_str().unwrap()).unwrap();
        assert_eq!((h, n), (sha256_bytes(&data), data.len() as u64));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn command_is_quoted() {
        let c = shell_command(
            [
                "seawarden",
                "investigate",
                "--feature",
                "estlink-2",
                "--out",
                "my report.html",
                "it's",
            ]
            .map(String::from),
        );
        assert_eq!(
            c,
            r"seawarden investigate --feature estlink-2 --out 'my report.html' 'it'\''s'"
        );
    }
}
