//! The web map in a real headless Chromium, against the real server.
//!
//! Starts `seawarden serve --demo --listen 127.0.0.1:0`, then runs
//! `crates/seawarden-serve/tests/web/map.test.mjs` (Node + playwright-core
//! driving Debian's `/usr/bin/chromium`), which blocks every request that
//! leaves this machine and checks that the map renders offline, vessels
//! appear and an alert opens its evidence. `.ci/run` installs Chromium and
//! runs `npm ci` there; this test runs `npm ci` itself when `node_modules` is
//! missing. It is skipped, loudly, only when Chromium is not installed and
//! `SEAWARDEN_REQUIRE_BROWSER=1` is not set (`.ci/run` sets it).
//!
//! `SEAWARDEN_SCREENSHOTS=1` writes the screenshots to `docs/screenshots/`
//! (otherwise to a scratch directory), and first waits (a few minutes) for
//! the demo's anchor dragger to cross Estlink 2, so that the investigation
//! shown is the case the tool is for.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Kills the child process when dropped (also when an assertion fails).
struct Killer(Child);

impl Drop for Killer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn chromium() -> Option<PathBuf> {
    let p =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    p.exists().then_some(p)
}

/// Waits for a child with a deadline; kills it when the deadline passes.
fn wait_with_deadline(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

#[test]
fn web_map_renders_offline_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        if std::env::var("SEAWARDEN_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("Chromium is not installed and SEAWARDEN_REQUIRE_BROWSER=1");
        }
        eprintln!(
            "\n\n!!!!!!!! SKIPPED: the web map browser test needs Chromium (/usr/bin/chromium or $CHROMIUM).\n\
             !!!!!!!! Install it with: apt-get install chromium chromium-driver (.ci/run does).\n\n"
        );
        return;
    };
    let web_tests = repo_root().join("crates/seawarden-serve/tests/web");
    if !web_tests.join("node_modules/playwright-core").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&web_tests)
            .status()
            .expect("cannot run npm (Node.js with npm is needed for the web map test)");
        assert!(status.success(), "npm ci failed in {}", web_tests.display());
    }

    // The real server on an ephemeral port.
    let mut server = Killer(
        Command::new(env!("CARGO_BIN_EXE_seawarden"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .current_dir(repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start seawarden serve"),
    );
    let stdout = server.0.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("serve: {line}");
            if let Some(i) = line.find("http://") {
                let url = line[i..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let _ = tx.send(url);
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("seawarden serve did not print the address it serves on within 60 s");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "unexpected address {url:?}"
    );

    let docs_shots = std::env::var_os("SEAWARDEN_SCREENSHOTS").is_some();
    let shots = if docs_shots {
        repo_root().join("docs/screenshots")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-map-screenshots")
    };
    let mut node = Command::new("node")
        .arg("map.test.mjs")
        .arg(&url)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", &shots)
        .env("WAIT_FOR_DRAGGER", if docs_shots { "1" } else { "0" })
        .current_dir(&web_tests)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run node (Node.js is needed for the web map test)");
    // Its report is printed through the test harness (shown when the test fails, or with --nocapture).
    let drain = |r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            BufReader::new(r)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        })
    };
    let out = drain(Box::new(node.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(node.stderr.take().expect("piped stderr")));
    let deadline = if docs_shots { 900 } else { 240 };
    let status = wait_with_deadline(&mut node, Duration::from_secs(deadline));
    for line in out
        .join()
        .unwrap_or_default()
        .iter()
        .chain(err.join().unwrap_or_default().iter())
    {
        println!("browser: {line}");
    }
    let status = status.expect("the browser test did not finish within 240 s");
    assert!(
        status.success(),
        "the web map browser test failed ({status}); see its checks above"
    );
    for name in ["map.png", "alert-evidence.png", "vessel-replay.png"] {
        let len = std::fs::metadata(shots.join(name))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(
            len > 10_000,
            "screenshot {name} missing or empty in {}",
            shots.display()
        );
    }
}
