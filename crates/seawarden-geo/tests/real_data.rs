//! The real files load as they are, with known counts and known answers.
//! Paths are relative to the crate directory: CI clones the repository next
//! to a copy of `shared/`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use seawarden_geo::*;

const DATA: &str = "../../../shared/data";

fn cables() -> &'static Layer {
    static L: OnceLock<Layer> = OnceLock::new();
    L.get_or_init(|| {
        load_geojson_file(
            format!("{DATA}/infrastructure/telegeography/cable-geo.json"),
            &LoadOptions::telegeography(),
        )
        .unwrap()
    })
}

fn pipelines() -> &'static Layer {
    static L: OnceLock<Layer> = OnceLock::new();
    L.get_or_init(|| {
        load_geojson_file(
            format!("{DATA}/infrastructure/sodir/pipLine_wgs84.geojson"),
            &LoadOptions::sodir_pipelines(),
        )
        .unwrap()
    })
}

fn infra() -> &'static InfraIndex {
    static I: OnceLock<InfraIndex> = OnceLock::new();
    I.get_or_init(|| {
        let mut lines = cables().lines.clone();
        lines.extend(pipelines().lines.iter().cloned());
        InfraIndex::new(lines)
    })
}

fn countries() -> &'static ZoneIndex {
    static Z: OnceLock<ZoneIndex> = OnceLock::new();
    Z.get_or_init(|| {
        let layer = load_geojson_file(
            format!("{DATA}/boundaries/osm/countries-maritime-10m_north-europe_clip.geojson"),
            &LoadOptions::countries_maritime(),
        )
        .unwrap();
        assert_eq!(
            (
                layer.report.features,
                layer.zones.len(),
                layer.report.skipped.len()
            ),
            (23, 23, 0)
        );
        ZoneIndex::new(layer.zones)
    })
}

fn land_50m() -> &'static LandMask {
    static L: OnceLock<LandMask> = OnceLock::new();
    L.get_or_init(|| {
        LandMask::from_geojson_file(
            format!("{DATA}/boundaries/natural_earth/ne_50m_land.json"),
            LandMaskOptions::default(),
        )
        .unwrap()
        .0
    })
}

fn names_near(p: LatLon) -> Vec<(String, f64)> {
    let mut hits = Vec::new();
    infra().near(p, &mut hits);
    hits.iter()
        .map(|h| {
            (
                infra().feature(h.feature).unwrap().name.clone(),
                h.distance_m,
            )
        })
        .collect()
}

fn names_crossed(a: LatLon, b: LatLon) -> BTreeSet<String> {
    let mut out = Vec::new();
    infra().crossings(a, b, &mut out);
    out.iter()
        .map(|c| infra().feature(c.feature).unwrap().name.clone())
        .collect()
}

fn zone_ids(p: LatLon) -> Vec<String> {
    let mut out = Vec::new();
    countries().zones_at(p, &mut out);
    out.iter()
        .map(|z| countries().feature(*z).unwrap().id.clone())
        .collect()
}

#[test]
fn telegeography_loads_706_cables() {
    let l = cables();
    assert_eq!(
        (l.report.features, l.lines.len(), l.zones.len()),
        (706, 706, 0)
    );
    assert!(
        l.report.skipped.is_empty() && l.report.warnings.is_empty(),
        "{:?}",
        l.report
    );
    // `feature_id` is unique where `id` is not (706 features, 688 cables).
    let ids: BTreeSet<&str> = l.lines.iter().map(|f| f.feature().id.as_str()).collect();
    assert_eq!(ids.len(), 706);
    let cable_ids: BTreeSet<&str> = l
        .lines
        .iter()
        .filter_map(|f| f.feature().properties.get("id")?.as_str())
        .collect();
    assert_eq!(cable_ids.len(), 688);
    assert!(l
        .lines
        .iter()
        .all(|f| f.feature().kind == FeatureKind::Cable && f.feature().corridor_m == 1852.0));
    // 11 979 segments in the file, 6 of them zero-length (repeated vertices).
    let segments: usize = l.lines.iter().map(LineFeature::segment_count).sum();
    assert_eq!(segments, 11_973);
}

#[test]
fn gulf_of_finland_cables() {
    let names: BTreeSet<&str> = cables()
        .lines
        .iter()
        .map(|f| f.feature().name.as_str())
        .collect();
    for n in [
        "C-Lion1",
        "Finland Estonia Connection 1 (FEC-1)",
        "Finland-Estonia 3 (EESF-3)",
        "Eastern Light Sweden-Finland I",
        "BCS East-West Interlink",
    ] {
        assert!(names.contains(n), "{n} missing");
    }
    // TeleGeography lists telecom cables: the Estlink power cables and the
    // Balticconnector gas pipeline are not in it.
    assert!(!names
        .iter()
        .any(|n| n.contains("Estlink") || n.contains("Balticconnector")));

    // 1 km off the middle of C-Lion1's first segment from Helsinki (its
    // first part, 2 segments, is a branch to Estonia's west coast).
    let clion = infra().find("c-lion1-0").unwrap();
    let (a, b) = infra().segment(clion, 2).unwrap();
    assert_eq!((a.lat, a.lon), (60.171163188940554, 24.932476573539617));
    let mid = LatLon::new(0.5 * (a.lat + b.lat), 0.5 * (a.lon + b.lon));
    let p = destination(mid, initial_bearing_deg(a, b) + 90.0, 1000.0);
    let near = names_near(p);
    let d = near
        .iter()
        .find(|(n, _)| n == "C-Lion1")
        .expect("C-Lion1 near")
        .1;
    assert!((d - 1000.0).abs() < 10.0, "{d}");

    // The high-seas corridor point: within FEC-1's corridor, in no country.
    let p = LatLon::new(59.8, 25.0);
    let near = names_near(p);
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0].0, "Finland Estonia Connection 1 (FEC-1)");
    assert!((1200.0..1300.0).contains(&near[0].1), "{near:?}");

    // Helsinki to Tallinn crosses four cables.
    let crossed = names_crossed(LatLon::new(60.15, 24.95), LatLon::new(59.45, 24.75));
    let want = [
        "Baltic Sea Submarine Cable",
        "Finland Estonia Connection 1 (FEC-1)",
        "Finland Estonia Connection 2 (FEC-2)",
        "Kingisepp-Kaliningrad System (Baltika)",
    ];
    assert_eq!(crossed, want.iter().map(|s| s.to_string()).collect());
}

#[test]
fn sodir_pipelines_load_with_6_null_geometries() {
    let l = pipelines();
    assert_eq!((l.report.features, l.lines.len()), (79, 73));
    let skipped: BTreeSet<&str> = l
        .report
        .skipped
        .iter()
        .map(|i| i.id.as_deref().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["433795", "444651", "444861", "456933", "762593", "763747"]
            .into_iter()
            .collect()
    );
    assert!(l
        .report
        .skipped
        .iter()
        .all(|i| i.kind == IssueKind::NullGeometry));
    let europipe = l
        .lines
        .iter()
        .find(|f| f.feature().id == "323212")
        .unwrap()
        .feature();
    assert_eq!(
        (europipe.name.as_str(), europipe.kind),
        ("Europipe II", FeatureKind::Pipeline)
    );
    // Without a map label the pipeline's full name is used.
    let togi = l
        .lines
        .iter()
        .find(|f| f.feature().id == "313828")
        .unwrap()
        .feature();
    assert_eq!(togi.name, "20\" Gas TOGI, OSEBERG B");

    // On a vertex of Europipe II, off Emden.
    let near = names_near(LatLon::new(53.8002331, 7.391204));
    assert!(
        near.iter().any(|(n, d)| n == "Europipe II" && *d < 0.01),
        "{near:?}"
    );
}

#[test]
fn north_sea_transect_crosses_pipelines_and_cables() {
    let crossed = names_crossed(LatLon::new(56.0, 2.0), LatLon::new(56.0, 6.0));
    let want = [
        "CANTAT-3",
        "Europipe I",
        "Franpipe",
        "Norpipe Gassledning",
        "Tampnet South",
        "Zeepipe I",
    ];
    assert_eq!(crossed, want.iter().map(|s| s.to_string()).collect());
    let mut out = Vec::new();
    infra().crossings(LatLon::new(56.0, 2.0), LatLon::new(56.0, 6.0), &mut out);
    assert_eq!(out.len(), 8, "CANTAT-3 three times");
    assert!(out.windows(2).all(|w| w[0].fraction <= w[1].fraction));
    assert!(out.iter().all(|c| (c.point.lat - 56.0).abs() < 1e-9));
}

#[test]
fn territorial_seas() {
    // Off the Norwegian coast west of Bergen, and at sea.
    for p in [LatLon::new(60.0, 4.7), LatLon::new(58.5, 5.3)] {
        assert_eq!(zone_ids(p), ["NOR"], "{p:?}");
        assert!(!land_50m().is_land(p));
    }
    // The Gulf of Finland high-seas corridor is in no country; either side is.
    assert!(zone_ids(LatLon::new(59.8, 25.0)).is_empty());
    assert_eq!(zone_ids(LatLon::new(59.95, 25.0)), ["FIN"]);
    assert_eq!(zone_ids(LatLon::new(59.65, 25.0)), ["EST"]);
    assert!(
        zone_ids(LatLon::new(56.0, 3.0)).is_empty(),
        "central North Sea"
    );
    assert_eq!(zone_ids(LatLon::new(56.2, 9.3)), ["DNK"]);
    let nor = countries().find("NOR").unwrap();
    assert_eq!(
        countries().feature(nor).unwrap().kind,
        FeatureKind::TerritorialSea
    );
}

#[test]
fn land_masks() {
    let (land10, report) = LandMask::from_geojson_file(
        format!("{DATA}/boundaries/natural_earth/ne_10m_land.json.gz"),
        LandMaskOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (report.features, report.zones, report.skipped.len()),
        (10, 10, 0)
    );
    assert_eq!(land_50m().polygon_count(), 1421);
    for mask in [&land10, land_50m()] {
        assert!(mask.is_land(LatLon::new(56.2, 9.3)), "central Denmark");
        assert!(mask.is_land(LatLon::new(61.0, 9.0)), "inland Norway");
        assert!(!mask.is_land(LatLon::new(59.8, 25.0)), "Gulf of Finland");
        assert!(!mask.is_land(LatLon::new(56.0, 3.0)), "North Sea");
        assert!(!mask.is_land(LatLon::new(f64::NAN, 3.0)));
    }

    // Within 50 m of a coastline vertex near Copenhagen: never land with
    // the 100 m tolerance, though some of these points are inside the
    // polygon.
    let vertex = land10_vertex_near(LatLon::new(55.70, 12.60));
    let mut inside = 0;
    for i in 0..36 {
        let p = destination(vertex, i as f64 * 10.0, 50.0);
        assert!(!land10.is_land(p), "{p:?}");
        inside += land10.is_land_strict(p) as usize;
    }
    assert!(inside > 0);
}

fn land10_vertex_near(p: LatLon) -> LatLon {
    let layer = load_geojson_file(
        format!("{DATA}/boundaries/natural_earth/ne_10m_land.json.gz"),
        &LoadOptions::default(),
    )
    .unwrap();
    layer
        .zones
        .iter()
        .flat_map(|z| z.polygons().iter().flatten().flatten().copied())
        .min_by(|a, b| {
            equirectangular_distance_m(*a, p).total_cmp(&equirectangular_distance_m(*b, p))
        })
        .unwrap()
}

#[test]
fn files_that_are_not_geojson_name_themselves() {
    let csv = format!("{DATA}/ports/nga_wpi/UpdatedPub150.csv");
    let e = load_geojson_file(&csv, &LoadOptions::default()).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Json(_)));
    assert!(
        e.to_string().starts_with(&format!("{csv}: not JSON")),
        "{e}"
    );
    let schema = format!("{DATA}/ports/nga_wpi/UpdatedPub150_schema.json");
    let e = load_geojson_file(&schema, &LoadOptions::default()).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!("{schema}: not GeoJSON")),
        "{e}"
    );
    // Points are read and skipped, not an error.
    let ports = load_geojson_file(
        format!("{DATA}/ports/natural_earth/ne_10m_ports.json"),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(ports.report.skipped.len(), ports.report.features);
    assert!(
        matches!(&ports.report.skipped[0].kind, IssueKind::UnsupportedGeometry(t) if t == "Point")
    );
}

/// The full geo-maps file (250 countries with 12 nm, gzip) is listed in
/// `shared/data/SOURCES.md` but was not copied to every `shared/`: tested
/// where present.
#[test]
fn full_countries_maritime_gz_if_present() {
    let path = format!("{DATA}/boundaries/osm/countries-maritime-10m.geo.json.gz");
    if !std::path::Path::new(&path).exists() {
        eprintln!("{path} absent: not tested");
        return;
    }
    let layer = load_geojson_file(&path, &LoadOptions::countries_maritime()).unwrap();
    assert_eq!(layer.report.features, 250, "{}", layer.report);
    assert!(
        layer.report.skipped.is_empty(),
        "{:?}",
        layer.report.skipped
    );
    let zones = ZoneIndex::new(layer.zones);
    let mut out = Vec::new();
    zones.zones_at(LatLon::new(60.0, 4.7), &mut out);
    assert_eq!(
        out.iter()
            .map(|z| zones.feature(*z).unwrap().id.as_str())
            .collect::<Vec<_>>(),
        ["NOR"]
    );
    zones.zones_at(LatLon::new(59.8, 25.0), &mut out);
    assert!(out.is_empty());
}
