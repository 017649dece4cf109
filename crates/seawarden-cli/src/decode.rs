//! `seawarden decode`: AIS lines in, JSON Lines / CSV / counts out.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use seawarden_ais::meta::format_rfc3339;
use seawarden_ais::{gpsd_json, AisMessage, Decoded, Decoder, Event, RejectReason, Stats};

use seawarden_pipeline::input;

/// Output formats of `decode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One gpsd-style JSON object per message (JSON Lines).
    Json,
    /// One CSV row per position report: mmsi,time,lat,lon,sog,cog,heading,status,type.
    Csv,
    /// Decode everything, print nothing but the counts (for benchmarks).
    None,
}

/// Arguments of `seawarden decode`.
#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// Input files (plain or gzip); `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Print counts by message type and by rejection reason, and the throughput
    /// (to stderr; to stdout with `--format none`).
    #[arg(long)]
    stats: bool,
    /// Print each rejected line with its reason to stderr.
    #[arg(long)]
    show_rejects: bool,
}

/// Runs the command.
pub fn run(args: DecodeArgs) -> Result<ExitCode> {
    let files = if args.files.is_empty() { vec!["-".to_string()] } else { args.files.clone() };
    let stdout = io::stdout();
    let mut sink = Output {
        out: io::BufWriter::with_capacity(1 << 16, stdout.lock()),
        buf: Vec::with_capacity(1 << 16),
        format: args.format,
        show_rejects: args.show_rejects,
        error: None,
    };
    let mut decoder = Decoder::new();
    let mut failed_inputs = 0;
    let started = Instant::now();

    if args.format == Format::Csv {
        sink.buf.extend_from_slice(b"mmsi,time,lat,lon,sog,cog,heading,status,type\n");
    }
    for path in &files {
        if let Err(e) = input::for_each_line_of(path, |line| decoder.feed(line, &mut |e| sink.handle(e))) {
            eprintln!("seawarden: {e:#}");
            failed_inputs += 1;
        }
        if let Some(e) = sink.error.take() {
            return Err(e).context("cannot write output");
        }
    }
    decoder.finish(&mut |e| sink.handle(e));
    let mut out = sink.finish().context("cannot write output")?;

    if args.stats {
        let elapsed = started.elapsed().as_secs_f64();
        let report = stats_report(decoder.stats(), elapsed);
        if args.format == Format::None {
            out.write_all(report.as_bytes())?;
            out.flush()?;
        } else {
            eprint!("{report}");
        }
    }
    Ok(if failed_inputs > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Formats decoder events and writes them out in large blocks.
struct Output<W: Write> {
    out: W,
    buf: Vec<u8>,
    format: Format,
    show_rejects: bool,
    /// The first write error; output stops there, and the run fails with it.
    error: Option<io::Error>,
}

impl<W: Write> Output<W> {
    #[inline]
    fn handle(&mut self, event: Event<'_>) {
        match event {
            Event::Message(d) => {
                match self.format {
                    Format::Json => {
                        gpsd_json(d, &mut self.buf);
                        self.buf.push(b'\n');
                    }
                    Format::Csv => csv_row(d, &mut self.buf),
                    Format::None => {
                        std::hint::black_box(d);
                    }
                }
                if self.buf.len() >= 1 << 15 {
                    if self.error.is_none() {
                        if let Err(e) = self.out.write_all(&self.buf) {
                            self.error = Some(e);
                        }
                    }
                    self.buf.clear();
                }
            }
            Event::Rejected { reason, count, line } => {
                if self.show_rejects {
                    let text = line.map(String::from_utf8_lossy).unwrap_or_default();
                    eprintln!("rejected ({reason}, {count} sentence{}): {text}", if count == 1 { "" } else { "s" });
                }
            }
        }
    }

    fn finish(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// One CSV row for position-carrying vessel reports (types 1-3, 9, 18, 19, 27).
fn csv_row(d: &Decoded, buf: &mut Vec<u8>) {
    use std::fmt::Write as _;
    if !matches!(
        d.message,
        AisMessage::Position(_) | AisMessage::SarAircraft(_) | AisMessage::ClassBPosition(_) | AisMessage::ClassBExtended(_) | AisMessage::LongRange(_)
    ) {
        return;
    }
    let Some(fix) = d.message.position() else { return };
    let mut s = String::with_capacity(96);
    let _ = write!(s, "{},", d.message.mmsi());
    if let Some(t) = d.meta.rx_time_ms {
        format_rfc3339(t, &mut s);
    }
    let _ = write!(s, ",{:.6},{:.6},", fix.lat, fix.lon);
    if let Some(v) = fix.sog {
        let _ = write!(s, "{v:.1}");
    }
    s.push(',');
    if let Some(v) = fix.cog {
        let _ = write!(s, "{v:.1}");
    }
    s.push(',');
    if let Some(v) = fix.heading {
        let _ = write!(s, "{v}");
    }
    s.push(',');
    if let Some(v) = fix.status {
        let _ = write!(s, "{v}");
    }
    let _ = writeln!(s, ",{}", d.message.msg_type());
    buf.extend_from_slice(s.as_bytes());
}

/// The `--stats` report.
pub fn stats_report(s: &Stats, seconds: f64) -> String {
    use std::fmt::Write as _;
    let mut r = String::new();
    let rate = |n: u64| if seconds > 0.0 { n as f64 / seconds / 1e6 } else { 0.0 };
    let _ = writeln!(
        r,
        "decoded {} messages from {} lines in {:.3} s: {:.2} M messages/s, {:.2} M lines/s  msgs={}",
        s.messages(),
        s.lines,
        seconds,
        rate(s.messages()),
        rate(s.lines),
        s.messages()
    );
    let _ = writeln!(r, "lines        {:>12}", s.lines);
    let _ = writeln!(r, "  ais        {:>12}", s.ais_lines);
    let _ = writeln!(r, "  wrappers   {:>12}  ($PGHP headers, lone tag blocks; {} bad)", s.wrappers, s.bad_wrappers);
    let _ = writeln!(r, "  non_ais    {:>12}  (skipped: other NMEA, CSV headers, noise)", s.non_ais);
    let _ = writeln!(r, "  blank      {:>12}", s.blank);
    let _ = writeln!(r, "sentences    {:>12}  ({} after tag blocks with an unchecked `*00` or partial checksum)", s.sentences, s.unchecked_tag_blocks);
    let _ = writeln!(r, "  decoded    {:>12}", s.decoded_sentences);
    let _ = writeln!(r, "  rejected   {:>12}", s.rejected_total());
    for reason in RejectReason::ALL {
        let n = s.rejected(reason);
        if n > 0 {
            let _ = writeln!(r, "    {:<22}{:>10}", reason.as_str(), n);
        }
    }
    let _ = writeln!(r, "  pending    {:>12}", s.pending);
    let _ = writeln!(r, "messages     {:>12}", s.messages());
    for (t, &n) in s.messages_by_type.iter().enumerate() {
        if n > 0 {
            let _ = writeln!(r, "  type {t:>2}    {n:>12}");
        }
    }
    r
}
