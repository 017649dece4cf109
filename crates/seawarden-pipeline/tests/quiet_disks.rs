//! The engine answers a vessel's positions inside its quiet disk (where,
//! by `World::settled_radius_m`, zones and land do not change, and by
//! `World::quiet_radius_m` corridors and lines neither) without asking the
//! world. That must change nothing: real
//! Danish and Norwegian logs are replayed with the real cables, pipelines,
//! territorial seas and land, once as they are and once through a world
//! that never offers a disk, and every alert must come out the same.
//!
//! Debug builds (these tests) also check each answer taken from a disk
//! against the world, position by position (see the engine).

use seawarden_detect::{Config, InfraContact, InfraCrossing, PortRef, WatchHit, World};
use seawarden_pipeline::{GeoWorld, Pipeline, WorldSpec};

const DATA: &str = "../../../shared/data";

/// The world as it is, except that it never offers a quiet disk.
struct NoQuietDisks<'a>(&'a GeoWorld);

impl World for NoQuietDisks<'_> {
    fn infra_near(&self, lat: f64, lon: f64, out: &mut Vec<InfraContact>) {
        self.0.infra_near(lat, lon, out)
    }
    fn infra_crossings(&self, a: (f64, f64), b: (f64, f64), out: &mut Vec<InfraCrossing>) {
        self.0.infra_crossings(a, b, out)
    }
    fn zones_at(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        self.0.zones_at(lat, lon, out)
    }
    fn is_land(&self, lat: f64, lon: f64) -> bool {
        self.0.is_land(lat, lon)
    }
    fn near_coast(&self, lat: f64, lon: f64, m: f64) -> bool {
        self.0.near_coast(lat, lon, m)
    }
    fn nearest_port(&self, lat: f64, lon: f64, max_m: f64) -> Option<PortRef<'_>> {
        self.0.nearest_port(lat, lon, max_m)
    }
    fn watch(&self, mmsi: u32, imo: Option<u32>, name: &str) -> Option<WatchHit> {
        self.0.watch(mmsi, imo, name)
    }
    fn flag(&self, mmsi: u32) -> Option<String> {
        self.0.flag(mmsi)
    }
    fn infra_id(&self, feature: u32) -> &str {
        self.0.infra_id(feature)
    }
    fn infra_name(&self, feature: u32) -> &str {
        self.0.infra_name(feature)
    }
    fn zone_id(&self, zone: u32) -> &str {
        self.0.zone_id(zone)
    }
    fn zone_name(&self, zone: u32) -> &str {
        self.0.zone_name(zone)
    }
    fn zone_kind(&self, zone: u32) -> &str {
        self.0.zone_kind(zone)
    }
    // `quiet_radius_m` and `settled_radius_m`: the trait's defaults, never.
}

/// Alerts as JSON Lines, the positions answered from disks, and the
/// positions the tracker found inland.
fn replay<W: World>(world: W, files: &[&str]) -> (Vec<String>, u64, u64, u64) {
    let mut p = Pipeline::new(world, Config::default(), 60_000);
    let mut alerts = Vec::new();
    for f in files {
        p.begin_input();
        seawarden_pipeline::input::for_each_line_of(f, |line| {
            p.feed_line(line, &mut |_| {});
            alerts.extend(p.drain_alerts().iter().map(|a| a.to_json()));
        })
        .unwrap();
    }
    p.finish(&mut |_| {});
    alerts.extend(p.drain_alerts().iter().map(|a| a.to_json()));
    let e = p.engine();
    let t = e.tracker().stats();
    (alerts, e.stats().quiet_positions, t.applied, t.on_land)
}

#[test]
fn quiet_disks_change_no_alert() {
    let spec = WorldSpec {
        infra: vec![format!("{DATA}/infrastructure/telegeography/cable-geo.json"), format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson")],
        zones: vec![format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson")],
        land: Some(format!("{DATA}/boundaries/natural_earth/ne_10m_land.json.gz")),
        ..WorldSpec::default()
    };
    let world = GeoWorld::load(&spec).unwrap();
    // The demo logs (Norwegian coast, Danish straits) and more from the
    // Danish Maritime Authority.
    let files = ["../../demo/ais/kystverket-2019-08-07.nm4", "../../demo/ais/dma-2010-06-11.txt", &format!("{DATA}/ais/dma_aisabnormal/ais-sample.txt.gz"), &format!("{DATA}/ais/dma_nearmiss_oresund/oresund_1169_20181119.csv")];
    let (alerts, quiet, applied, on_land) = replay(&world, &files);
    let (want, none, applied_without, on_land_without) = replay(NoQuietDisks(&world), &files);
    eprintln!("{} alerts; {quiet} of {applied} observations answered from quiet disks; {on_land} inland", alerts.len());
    assert_eq!(none, 0, "a world without disks gives none");
    assert!(applied > 10_000 && quiet * 2 > applied, "most positions of ships at anchor, in port or at sea away from cables come from disks: {quiet} of {applied}");
    assert_eq!((applied, on_land), (applied_without, on_land_without), "the tracker saw the same");
    assert!(alerts.len() > 10, "the logs raise alerts: {}", alerts.len());
    assert_eq!(alerts.len(), want.len());
    for (got, want) in alerts.iter().zip(&want) {
        assert_eq!(got, want);
    }
}
