//! Decodes files with the library alone, the way `seawarden decode --format
//! none` does (every field, multi-part assembly), and prints the counts and
//! the throughput. For profiling the codec without the CLI around it:
//!
//! ```sh
//! cargo run --release -p seawarden-ais --example decode_file -- FILE...
//! ```

use std::time::Instant;

use seawarden_ais::{Decoder, Event};

fn main() {
    let mut decoder = Decoder::new();
    let started = Instant::now();
    let mut bytes = 0usize;
    for path in std::env::args().skip(1) {
        let buf = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("decode_file: cannot read {path}: {e}");
                std::process::exit(1);
            }
        };
        bytes += buf.len();
        decoder.feed_lines(&buf, &mut |e: Event<'_>| {
            std::hint::black_box(e);
        });
    }
    decoder.finish(&mut |e: Event<'_>| {
        std::hint::black_box(e);
    });
    let secs = started.elapsed().as_secs_f64();
    let s = decoder.stats();
    println!(
        "msgs={} lines={} rejected={} bytes={bytes} in {secs:.3} s: {:.2} M msgs/s",
        s.messages(),
        s.lines,
        s.rejected_total(),
        s.messages() as f64 / secs / 1e6
    );
}
