//! Shared by the fuzz targets; the checks themselves live in `checks.rs` so
//! that `crates/seawarden-ais/tests/fuzz_corpus.rs` can include the very same
//! file (`#[path]`) and replay the corpus through them in `cargo test`.

#[path = "checks.rs"]
pub mod checks;
