//! Property tests: no input makes a loader panic or lose count of a row,
//! the port grid agrees with a linear scan, and watchlist CSV round-trips.

use proptest::prelude::*;
use seawarden_registry::*;

fn port(i: usize, lat: f64, lon: f64) -> Port {
    Port {
        wpi_number: i.to_string(),
        name: format!("P{i}"),
        alternate_names: String::new(),
        country: String::new(),
        country_code: String::new(),
        unlocode: None,
        lat,
        lon,
        harbour_size: None,
        harbour_type: String::new(),
        water_body: String::new(),
    }
}

fn brute(ports: &[Port], lat: f64, lon: f64, max_km: f64) -> Option<(usize, f64)> {
    ports
        .iter()
        .enumerate()
        .map(|(i, p)| (i, haversine_km(lat, lon, p.lat, p.lon)))
        .filter(|&(_, d)| d <= max_km)
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
}

/// Latitudes biased to the poles and longitudes to the antimeridian,
/// where grid bounds are hardest.
fn lat() -> impl Strategy<Value = f64> {
    prop_oneof![-90.0..=90.0f64, 85.0..=90.0f64, -90.0..=-85.0f64]
}
fn lon() -> impl Strategy<Value = f64> {
    prop_oneof![-180.0..=180.0f64, 178.0..=180.0f64, -180.0..=-178.0f64]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn grid_matches_linear_scan(
        pts in prop::collection::vec((lat(), lon()), 1..60),
        q in (lat(), lon()),
        max_km in prop_oneof![0.0..50.0f64, 0.0..500.0f64, 0.0..20_100.0f64],
    ) {
        let list: Vec<Port> = pts.iter().enumerate().map(|(i, &(la, lo))| port(i, la, lo)).collect();
        let ports = Ports::from_ports(list.clone());
        let got = ports.nearest(q.0, q.1, max_km).map(|(p, d)| (p.wpi_number.parse::<usize>().unwrap(), d));
        prop_assert_eq!(got, brute(&list, q.0, q.1, max_km));
        let n = list.iter().filter(|p| haversine_km(q.0, q.1, p.lat, p.lon) <= max_km).count();
        prop_assert_eq!(ports.within(q.0, q.1, max_km).len(), n);
    }

    #[test]
    fn watchlist_reader_accounts_for_every_row(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut data = b"mmsi,imo,name,list,reason\n".to_vec();
        data.extend_from_slice(&body);
        let w = Watchlist::from_reader(&data[..], "fuzz").unwrap();
        let r = &w.reports()[0];
        prop_assert_eq!(r.rows, r.accepted + r.rejected.len() as u64);
        prop_assert_eq!(r.accepted as usize, w.len());
    }

    #[test]
    fn port_reader_never_panics(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut data = b"World Port Index Number,Main Port Name,Latitude,Longitude,UN/LOCODE,Country Code\n".to_vec();
        data.extend_from_slice(&body);
        let p = Ports::from_reader(&data[..], "fuzz").unwrap();
        let r = p.report();
        prop_assert_eq!(r.rows, r.accepted + r.rejected.len() as u64);
        prop_assert_eq!(r.accepted as usize, p.len());
    }

    #[test]
    fn converters_never_panic(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut eu = b"Vessel name;IMO number ;Date of application\r\n".to_vec();
        eu.extend_from_slice(&body);
        let c = convert_eu_annex_xlii_bytes(&eu, "fuzz").unwrap();
        prop_assert_eq!(c.report.rows, c.report.accepted + c.report.rejected.len() as u64);
        let _ = convert_ofac_sdn_reader(&body[..], "fuzz");
    }

    #[test]
    fn mmsi_and_imo_never_panic(m in any::<u32>(), s in ".{0,12}") {
        let k = mmsi_kind(m);
        prop_assert_eq!(k.mid(), mid(m));
        prop_assert_eq!(flag(m).map(|f| f.mid), mid(m));
        if let Some(n) = parse_imo(&s) {
            prop_assert!(n <= 9_999_999);
        }
    }

    #[test]
    fn watchlist_csv_round_trips(
        entries in prop::collection::vec(
            (
                prop::option::of(0u32..1_000_000_000),
                prop::option::of(0u32..10_000_000),
                "[A-Za-z0-9 ,;\"'#\n-]{0,12}",
                "[A-Za-z0-9 ,;\"-]{0,8}",
                "[A-Za-z0-9 ,;\"\n-]{0,20}",
            ),
            0..20,
        )
    ) {
        let entries: Vec<WatchEntry> = entries
            .into_iter()
            .map(|(mmsi, imo, name, list, reason)| WatchEntry {
                mmsi,
                imo,
                name: name.trim().to_string(),
                list: list.trim().to_string(),
                reason: reason.trim().to_string(),
            })
            .filter(|e| e.mmsi.is_some() || e.imo.is_some() || !e.name.is_empty())
            .collect();
        let mut buf = Vec::new();
        write_csv(&entries, &mut buf).unwrap();
        let w = Watchlist::from_reader(&buf[..], "round trip").unwrap();
        prop_assert_eq!(w.entries(), &entries[..]);
        prop_assert!(w.reports()[0].rejected.is_empty());
    }
}
