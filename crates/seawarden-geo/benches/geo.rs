//! Load times and cost per query with the full data loaded, on random
//! North Sea / Baltic positions. Run with `cargo bench -p seawarden-geo`
//! (needs `shared/data` beside the repository). Prints a table; asserts
//! nothing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use seawarden_geo::*;

const DATA: &str = "../../../shared/data";
const N: usize = 1_000_000;

/// xorshift64*: deterministic positions without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A position in lon -4..30, lat 51..66 (North Sea, Skagerrak, Baltic).
    fn position(&mut self) -> LatLon {
        LatLon::new(51.0 + 15.0 * self.next_f64(), -4.0 + 34.0 * self.next_f64())
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

/// Runs `f` `REPS` times and keeps the fastest run: the machine may be
/// shared, and the minimum is the least disturbed.
fn best<T>(mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut out = timed(&mut f);
    for _ in 1..REPS {
        let (v, d) = timed(&mut f);
        if d < out.1 {
            out = (v, d);
        }
    }
    out
}

const REPS: usize = 5;

fn ns_per(d: Duration, n: usize) -> f64 {
    d.as_nanos() as f64 / n as f64
}

fn main() {
    if !std::path::Path::new(DATA).exists() {
        eprintln!(
            "{DATA} not found: run from the crate directory with shared/ beside the repository"
        );
        return;
    }
    println!("## Load and build");
    let (cables, t) = best(|| {
        load_geojson_file(
            format!("{DATA}/infrastructure/telegeography/cable-geo.json"),
            &LoadOptions::telegeography(),
        )
        .unwrap()
    });
    println!(
        "load   {:<58} {:>8.1} ms",
        cables.report.to_string(),
        t.as_secs_f64() * 1e3
    );
    let (pipes, t) = best(|| {
        load_geojson_file(
            format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson"),
            &LoadOptions::sodir_pipelines(),
        )
        .unwrap()
    });
    println!(
        "load   {:<58} {:>8.1} ms",
        pipes.report.to_string(),
        t.as_secs_f64() * 1e3
    );
    let (countries, t) = best(|| {
        load_geojson_file(
            format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson"),
            &LoadOptions::countries_maritime(),
        )
        .unwrap()
    });
    println!(
        "load   {:<58} {:>8.1} ms",
        countries.report.to_string(),
        t.as_secs_f64() * 1e3
    );
    let mut lines = cables.lines;
    lines.extend(pipes.lines);

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let points: Vec<LatLon> = (0..N).map(|_| rng.position()).collect();

    let (layer10, t) = best(|| {
        load_geojson_file(
            format!("{DATA}/boundaries/natural_earth/ne_10m_land.json.gz"),
            &LoadOptions::default(),
        )
        .unwrap()
    });
    println!(
        "load   {:<58} {:>8.1} ms",
        layer10.report.to_string(),
        t.as_secs_f64() * 1e3
    );
    let (land10, t) = best(|| LandMask::new(layer10.zones.clone(), LandMaskOptions::default()));
    println!(
        "build  land mask ne_10m (1/16°, 100 m): {:.1} ms, {:.1} MB, {:?}",
        t.as_secs_f64() * 1e3,
        land10.stats().heap_bytes as f64 / 1e6,
        land10.stats()
    );
    let (layer50, t) = best(|| {
        load_geojson_file(
            format!("{DATA}/boundaries/natural_earth/ne_50m_land.json"),
            &LoadOptions::default(),
        )
        .unwrap()
    });
    println!(
        "load   {:<58} {:>8.1} ms",
        layer50.report.to_string(),
        t.as_secs_f64() * 1e3
    );
    let sea: Vec<LatLon> = points
        .iter()
        .copied()
        .filter(|p| !land10.is_land(*p))
        .collect();
    println!(
        "positions: {} random, {} at sea (ne_10m)",
        points.len(),
        sea.len()
    );

    println!(
        "\n## Infrastructure ({} features), by grid resolution",
        lines.len()
    );
    let mut hits = Vec::new();
    let mut crossings = Vec::new();
    let paths: Vec<(LatLon, LatLon)> = sea
        .iter()
        .take(200_000)
        .map(|&a| {
            let b = destination(a, 360.0 * rng.next_f64(), 20_000.0 * rng.next_f64());
            (a, b)
        })
        .collect();
    // Positions within 3 km of a vertex of a line in the box: the busy case.
    let vertices: Vec<LatLon> = lines
        .iter()
        .flat_map(|l| l.parts().iter().flatten().copied())
        .filter(|v| (51.0..66.0).contains(&v.lat) && (-4.0..30.0).contains(&v.lon))
        .collect();
    let close: Vec<LatLon> = (0..200_000)
        .map(|i| {
            destination(
                vertices[i % vertices.len()],
                360.0 * rng.next_f64(),
                3000.0 * rng.next_f64(),
            )
        })
        .collect();
    for per_degree in [4, 8, 16, 32] {
        let res = GridResolution::cells_per_degree(per_degree).unwrap();
        let (infra, t) =
            best(|| InfraIndex::with_options(lines.clone(), InfraIndexOptions { resolution: res }));
        let (n_close, tnc) = best(|| {
            let mut n = 0usize;
            for p in &close {
                infra.near(black_box(*p), &mut hits);
                n += hits.len();
            }
            n
        });
        let (n_hits, tn) = best(|| {
            let mut n = 0usize;
            for p in &sea {
                infra.near(black_box(*p), &mut hits);
                n += hits.len();
            }
            n
        });
        let (n_cross, tc) = best(|| {
            let mut n = 0usize;
            for (a, b) in &paths {
                infra.crossings(black_box(*a), black_box(*b), &mut crossings);
                n += crossings.len();
            }
            n
        });
        println!(
            "1/{per_degree:<2}°: build {:>6.1} ms, grid {:>5.1} MB | near, random at sea {:>6.1} ns ({:.3} hits/query), within 3 km of a vertex {:>6.1} ns ({:.2} hits/query) | crossings of 0-20 km paths {:>7.1} ns ({:.3}/path)",
            t.as_secs_f64() * 1e3,
            infra.grid_bytes() as f64 / 1e6,
            ns_per(tn, sea.len()),
            n_hits as f64 / sea.len() as f64,
            ns_per(tnc, close.len()),
            n_close as f64 / close.len() as f64,
            ns_per(tc, paths.len()),
            n_cross as f64 / paths.len() as f64
        );
    }

    println!(
        "\n## Zones ({} countries incl. 12 nm), by grid resolution",
        countries.zones.len()
    );
    let mut zs = Vec::new();
    for per_degree in [4, 8, 16, 32] {
        let res = GridResolution::cells_per_degree(per_degree).unwrap();
        let (zones, t) = best(|| {
            ZoneIndex::with_options(
                countries.zones.clone(),
                ZoneIndexOptions { resolution: res },
            )
        });
        let (n_in, tz) = best(|| {
            let mut n = 0usize;
            for p in &sea {
                zones.zones_at(black_box(*p), &mut zs);
                n += zs.len();
            }
            n
        });
        println!(
            "1/{per_degree:<2}°: build {:>6.1} ms, grid {:>5.1} MB | zones_at {:>6.1} ns ({:.3} zones/query)",
            t.as_secs_f64() * 1e3,
            zones.stats().heap_bytes as f64 / 1e6,
            ns_per(tz, sea.len()),
            n_in as f64 / sea.len() as f64
        );
    }

    println!("\n## Land mask, by grid resolution (100 m coast tolerance)");
    for (name, layer) in [("ne_10m", &layer10), ("ne_50m", &layer50)] {
        for per_degree in [8, 16, 32] {
            let res = GridResolution::cells_per_degree(per_degree).unwrap();
            let (mask, t) = best(|| {
                LandMask::new(
                    layer.zones.clone(),
                    LandMaskOptions {
                        resolution: res,
                        ..LandMaskOptions::default()
                    },
                )
            });
            let (n_land, tl) = best(|| {
                let mut n = 0usize;
                for p in &points {
                    n += mask.is_land(black_box(*p)) as usize;
                }
                n
            });
            let (_, ts) = best(|| {
                for p in &sea {
                    black_box(mask.is_land(black_box(*p)));
                }
            });
            println!(
                "{name} 1/{per_degree:<2}°: build {:>6.1} ms, grid {:>5.1} MB | is_land {:>6.1} ns all positions ({:.3} land), {:>6.1} ns at sea",
                t.as_secs_f64() * 1e3,
                mask.stats().heap_bytes as f64 / 1e6,
                ns_per(tl, points.len()),
                n_land as f64 / points.len() as f64,
                ns_per(ts, sea.len())
            );
        }
    }

    println!("\n## All three per position at sea (defaults: 1/16°, ne_10m)");
    let infra = InfraIndex::new(lines);
    let zones = ZoneIndex::new(countries.zones);
    let (_, t) = best(|| {
        for p in &sea {
            infra.near(black_box(*p), &mut hits);
            zones.zones_at(black_box(*p), &mut zs);
            black_box(land10.is_land(black_box(*p)));
        }
    });
    println!(
        "near + zones_at + is_land: {:.1} ns per position",
        ns_per(t, sea.len())
    );

    println!("\n## Geodesy");
    let pairs: Vec<(LatLon, LatLon)> = sea
        .iter()
        .take(100_000)
        .map(|&a| (a, destination(a, 45.0, 10_000.0)))
        .collect();
    let (_, t) = best(|| {
        for (a, b) in &pairs {
            black_box(geodesic_distance_m(black_box(*a), black_box(*b)));
        }
    });
    println!(
        "geodesic_distance_m        {:>7.1} ns",
        ns_per(t, pairs.len())
    );
    let (_, t) = best(|| {
        for (a, b) in &pairs {
            black_box(equirectangular_distance_m(black_box(*a), black_box(*b)));
        }
    });
    println!(
        "equirectangular_distance_m {:>7.1} ns",
        ns_per(t, pairs.len())
    );
}
