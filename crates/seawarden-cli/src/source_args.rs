//! The live-feed flags (`--tcp`, `--udp`, `--listen-tcp`, `--follow`)
//! shared by `seawarden serve` and `seawarden bus ingest`.

use anyhow::{bail, Result};
use clap::Args;
use seawarden_sources::SourceSpec;

/// Live AIS feeds, each named (the name appears in metrics, logs and the
/// `s:` field stamped on lines that carry no source).
#[derive(Args, Debug, Default, Clone)]
pub struct SourceArgs {
    /// A TCP feed to connect to, reconnecting with backoff, e.g.
    /// `kystverket=153.44.253.27:5631`; repeatable.
    #[arg(long = "tcp", value_name = "NAME=HOST:PORT")]
    pub tcp: Vec<String>,
    /// A UDP port to listen on (AIS-catcher, OpenCPN), e.g. `catcher=0.0.0.0:10110`; repeatable.
    #[arg(long = "udp", value_name = "NAME=ADDR")]
    pub udp: Vec<String>,
    /// A TCP port receivers push lines to; repeatable.
    #[arg(long = "listen-tcp", value_name = "NAME=ADDR")]
    pub listen_tcp: Vec<String>,
    /// A file being written to, read from its start and followed; repeatable.
    #[arg(long = "follow", value_name = "NAME=FILE")]
    pub follow: Vec<String>,
}

impl SourceArgs {
    /// The sources given, checked; names must be unique.
    pub fn specs(&self) -> Result<Vec<SourceSpec>> {
        let mut specs: Vec<SourceSpec> = Vec::new();
        for (kind, list) in [
            ("tcp", &self.tcp),
            ("udp", &self.udp),
            ("listen-tcp", &self.listen_tcp),
            ("follow", &self.follow),
        ] {
            for a in list {
                let spec = SourceSpec::parse(kind, a)?;
                if specs.iter().any(|s| s.name() == spec.name()) {
                    bail!("two sources are named {:?}: give each its own name", spec.name());
                }
                specs.push(spec);
            }
        }
        Ok(specs)
    }
}
