//! What the bus tests share (`tests/bus.rs` on NATS, `tests/bus_kafka.rs`
//! on Kafka): the recorded data, the world, the binary, and the broker
//! process they start.

use std::path::PathBuf;
use std::process::{Child, Command};

/// A path under `../shared/data` beside the repository.
pub fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// A child process killed (and reaped) when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The broker binary: `$ENV`, else `name` on PATH.
pub fn server_bin(env: &str, name: &str) -> Option<String> {
    if let Ok(p) = std::env::var(env) {
        return Some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// The world flags every worker and the single-node replay take.
pub fn world_args() -> Vec<String> {
    vec![
        "--infra".into(),
        data("infrastructure/telegeography/cable-geo.json"),
        "--land".into(),
        data("boundaries/natural_earth/ne_10m_land.json.gz"),
    ]
}

/// The `seawarden` binary under test.
pub fn seawarden() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seawarden"))
}
