//! Tests against the real public files in `../shared/data` (the repository
//! is checked out next to a copy of `shared/`).

use seawarden_registry::*;

fn shared(rel: &str) -> String {
    format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

const WPI: &str = "ports/nga_wpi/UpdatedPub150.csv";
const EU: &str = "watchlists/eu_annex_xlii_designated_vessels/ImportversionListOfEUDesignatedVessels231025.csv";
const OFAC: &str = "watchlists/ofac_sdn_vessels/ofac_sdn_vessels.json";

// ---------------------------------------------------------------- flags

#[test]
fn flags_of_known_mids() {
    let cases = [
        (230_123_456, "Finland", "FI", "FIN"),
        (273_123_456, "Russia", "RU", "RUS"),
        (412_123_456, "China", "CN", "CHN"),
        (413_123_456, "China", "CN", "CHN"),
        (414_123_456, "China", "CN", "CHN"),
        (636_123_456, "Liberia", "LR", "LBR"),
        (511_123_456, "Palau", "PW", "PLW"),
        (518_100_001, "Cook Islands", "CK", "COK"), // the flag of EAGLE S in December 2024
        (477_123_456, "Hong Kong", "HK", "HKG"),
        (232_123_456, "United Kingdom", "GB", "GBR"),
        (276_123_456, "Estonia", "EE", "EST"),
        (211_123_456, "Germany", "DE", "DEU"),
        (351_123_456, "Panama", "PA", "PAN"),
        (620_123_456, "Comoros", "KM", "COM"),
        (2_300_100, "Finland", "FI", "FIN"),   // coast station 002300100
        (992_761_234, "Estonia", "EE", "EST"), // AtoN
    ];
    for (mmsi, country, iso2, iso3) in cases {
        let f = flag(mmsi).unwrap_or_else(|| panic!("no flag for {mmsi:09}"));
        assert_eq!((f.country.as_str(), f.iso2, f.iso3), (country, Some(iso2), Some(iso3)), "{mmsi:09}");
    }
    let azores = flag(204_123_456).unwrap();
    assert_eq!(
        (azores.country.as_str(), azores.territory.as_deref(), azores.iso2),
        ("Portugal", Some("Azores"), Some("PT"))
    );
    assert_eq!(flag(518_100_001).unwrap().allocated_to, "New Zealand - Cook Islands");
    assert_eq!(flag(273_123_456).unwrap().allocated_to, "Russian Federation");
    assert!(flag(970_123_456).is_none());
    assert!(flag(123_456_789).is_none());
    assert!(flag(217_123_456).is_none());
    assert_eq!(mid(636_123_456), Some(636));
}

// ---------------------------------------------------------------- ports

#[test]
fn world_port_index_loads_every_row() {
    let ports = Ports::load(shared(WPI)).unwrap();
    let r = ports.report();
    assert_eq!((ports.len(), r.rows, r.accepted, r.rejected.len()), (3768, 3768, 3768, 0), "{r}");
    // Warnings: one malformed UN/LOCODE (`GB ME""`, Portsmouth Harbour), and
    // two ports listed twice (WPI 49460 Machilipatnam, 400 Seydisfjordur).
    let w: Vec<_> = r.warnings.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        w,
        [
            "line 2756: Portsmouth Harbour: malformed UN/LOCODE \"GB ME\\\"\\\"\" ignored",
            "line 3286: World Port Index Number 49460 also on line 97; both kept",
            "line 3754: World Port Index Number 400 also on line 2138; both kept",
        ],
        "{r}"
    );
    assert_eq!(ports.by_wpi_number("49454.5").unwrap().name, "Kattupalli Port");
    assert!(ports.as_slice().iter().all(|p| p.country_code.len() == 2), "every port has a country code");
    // The four ports without a country name get it from their UN/LOCODE.
    assert_eq!(ports.by_unlocode("NO MEH").unwrap().country, "Norway");
    let sizes = |s| ports.as_slice().iter().filter(|p| p.harbour_size == s).count();
    assert_eq!(
        [
            sizes(Some(HarbourSize::VerySmall)),
            sizes(Some(HarbourSize::Small)),
            sizes(Some(HarbourSize::Medium)),
            sizes(Some(HarbourSize::Large)),
            sizes(None)
        ],
        [2134, 1026, 366, 171, 71]
    );
    assert_eq!(ports.as_slice().iter().filter(|p| p.country_code == "RU").count(), 67);
}

#[test]
fn russian_ports_of_interest_are_found() {
    for ports in [Ports::load(shared(WPI)).unwrap(), Ports::north_europe()] {
        let found = ports.russian_ports_of_interest();
        let names: Vec<_> =
            found.iter().map(|(n, p)| (*n, p.name.as_str(), p.unlocode.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            names,
            [
                ("Ust-Luga", "Reka Luga", "RUULU"),
                ("Primorsk", "Primorsk", "RUPRI"),
                ("Vysotsk", "Gavan Vysotsk", "RUVYS"),
                ("St Petersburg", "Sankt-Peterburg", "RULED"),
                ("Kaliningrad", "Kaliningrad", "RUKGD"),
                ("Baltiysk", "Baltiysk", "RUBLT"),
                ("Murmansk", "Murmansk", "RUMMK"),
            ]
        );
        assert!(found.iter().all(|(_, p)| p.country_code == "RU"));
        assert_eq!(ports.by_name("Ust Luga")[0].wpi_number, "28410");
        assert_eq!(ports.by_name("st petersburg")[0].wpi_number, "28370");
    }
}

#[test]
fn nearest_port_lookups() {
    let full = Ports::load(shared(WPI)).unwrap();
    for ports in [&full, &Ports::north_europe()] {
        // Ust-Luga's container and bulk terminals, 4-5 km from the WPI point.
        let (p, km) = ports.nearest(59.685, 28.40, 10.0).unwrap();
        assert!(p.has_name("Ust-Luga") && p.country_code == "RU" && (4.0..6.0).contains(&km), "{p:?} {km}");
        let (p, km) = ports.nearest(68.98, 33.06, 5.0).unwrap();
        assert_eq!((p.name.as_str(), km < 1.0), ("Murmansk", true));
        // Eastern Gotland Basin, Norwegian Sea, North Sea: open water.
        assert!(ports.nearest(58.0, 20.5, 20.0).is_none());
        assert!(ports.nearest(68.0, 5.0, 50.0).is_none());
        assert!(ports.nearest(56.0, 3.0, 50.0).is_none());
        // Helsinki is the nearest port to Helsinki.
        assert_eq!(ports.nearest(60.16, 24.95, 5.0).unwrap().0.country_code, "FI");
    }
    // Outside the extract only the full index answers.
    assert_eq!(full.nearest(1.26, 103.84, 10.0).unwrap().0.country_code, "SG");
    assert!(Ports::north_europe().nearest(1.26, 103.84, 10.0).is_none());
}

#[test]
fn embedded_extract_equals_full_index_in_box() {
    let full = Ports::load(shared(WPI)).unwrap();
    let ne = Ports::north_europe();
    assert!(ne.report().rejected.is_empty(), "{}", ne.report());
    let want: Vec<&Port> =
        full.as_slice().iter().filter(|p| (50.0..=82.0).contains(&p.lat) && (-12.0..=45.0).contains(&p.lon)).collect();
    let got: Vec<&Port> = ne.as_slice().iter().collect();
    assert_eq!(got.len(), 681);
    assert_eq!(got, want, "regenerate data/wpi_north_europe.csv (see data/README.md)");
}

#[test]
fn grid_index_agrees_with_brute_force_on_real_ports() {
    let ports = Ports::load(shared(WPI)).unwrap();
    let all = ports.as_slice();
    // A fixed xorshift sequence: positions near ports (jittered) and
    // anywhere on Earth, radii from 0.1 to 3000 km.
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    for k in 0..3000 {
        let (lat, lon) = if k % 2 == 0 {
            let p = &all[(next() * all.len() as f64) as usize % all.len()];
            ((p.lat + (next() - 0.5) * 2.0).clamp(-90.0, 90.0), p.lon + (next() - 0.5) * 4.0)
        } else {
            (next() * 180.0 - 90.0, next() * 360.0 - 180.0)
        };
        let max_km = 0.1 * 30_000f64.powf(next());
        let brute = all
            .iter()
            .enumerate()
            .map(|(i, p)| (i, haversine_km(lat, lon, p.lat, p.lon)))
            .filter(|&(_, d)| d <= max_km)
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let grid = ports.nearest(lat, lon, max_km);
        match (brute, grid) {
            (None, None) => {}
            (Some((i, d)), Some((p, gd))) => {
                assert!(std::ptr::eq(&all[i], p) && d == gd, "at {lat},{lon} r={max_km}: {} vs {}", all[i].name, p.name)
            }
            (b, g) => panic!("at {lat},{lon} r={max_km}: brute {b:?}, grid {:?}", g.map(|x| &x.0.name)),
        }
        let n = all.iter().filter(|p| haversine_km(lat, lon, p.lat, p.lon) <= max_km).count();
        assert_eq!(ports.within(lat, lon, max_km).len(), n);
    }
}

// ---------------------------------------------------------------- IMO

#[test]
fn imo_check_digit_on_real_numbers() {
    for imo in [9329760, 9179842, 8517839, 9187629, 9313149, 9247443, 9472634] {
        assert!(imo_check_digit_ok(imo), "{imo}");
    }
    for imo in [9329761, 9329706, 9179824] {
        assert!(!imo_check_digit_ok(imo), "{imo}");
    }
}

// ---------------------------------------------------------------- EU

#[test]
fn eu_annex_xlii_conversion() {
    let c = convert_eu_annex_xlii(shared(EU)).unwrap();
    let r = &c.report;
    // 557 data rows: one is an exact duplicate (Aura 1, IMO 9472634, lines 494
    // and 547), so 556 vessels; every IMO passes its check digit.
    assert_eq!((r.rows, r.accepted, r.rejected.len()), (557, 556, 1), "{r}");
    assert_eq!(r.rejected[0].location, Location::Line(547));
    assert!(r.rejected[0].message.contains("duplicate of line 494"), "{r}");
    // Warnings: the file is Windows-1252, and line 214 lacks its `)`.
    let w: Vec<_> = r.warnings.iter().map(|i| i.location).collect();
    assert_eq!(w, [Location::File, Location::Line(214)], "{r}");
    // 556 vessels plus 49 former names.
    assert_eq!(c.entries.len(), 556 + 49);
    assert!(c.entries.iter().all(|e| e.list == LIST_EU_XLII && e.imo.is_some() && e.mmsi.is_none()));

    let list = Watchlist::from_entries(c.entries);
    let by_imo = list.by_imo(9329760);
    assert_eq!(by_imo.len(), 1);
    assert_eq!(by_imo[0].name, "Eagle S");
    assert!(by_imo[0].reason.contains("applies from 2025-05-21"), "{}", by_imo[0].reason);
    assert_eq!(list.by_name("Eagle S"), by_imo);
    assert_eq!(list.by_name("EAGLE  S"), by_imo);
    // A former name finds the renamed vessel; the no-break space is gone.
    let q = list.by_name("Morpheus");
    assert_eq!((q.len(), q[0].imo), (1, Some(9247443)));
    assert!(q[0].reason.ends_with("former name of Quartanus"), "{}", q[0].reason);
    let d = list.by_name("E Mei Shan");
    assert_eq!(d[0].imo, Some(9290828));
    assert_eq!(list.by_imo(9290828)[0].name, "Dorin");
    // Two different vessels share the name MARIA.
    assert_eq!(list.by_name("maria").len(), 2);
}

// ---------------------------------------------------------------- OFAC

#[test]
fn ofac_sdn_conversion() {
    let c = convert_ofac_sdn(shared(OFAC)).unwrap();
    let r = &c.report;
    assert_eq!((r.rows, r.accepted, r.rejected.len()), (1450, 1450, 0), "{r}");
    // TASCA (IMO 9313149) has two records with different programs; both kept.
    assert_eq!(r.warnings.len(), 1, "{r}");
    assert_eq!(
        r.warnings[0].to_string(),
        "record 1137: IMO 9313149 also at record 1049 (different programs); both kept"
    );
    assert_eq!(c.entries.len(), 1450);
    assert!(c.entries.iter().all(|e| e.list == LIST_OFAC_SDN && e.imo.is_some() && e.mmsi.is_none()));

    let list = Watchlist::from_entries(c.entries);
    let a = list.by_imo(9187629);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].name, "ARTAVIL");
    assert_eq!(
        a[0].reason,
        "OFAC SDN programs IRAN; date 2026-03-20; flag Iran; call sign T2EU4; Crude/Oil Products Tanker"
    );
    assert_eq!(list.by_name("Artavil"), a);
    assert_eq!(list.by_imo(9313149).len(), 2);
    assert_eq!(list.by_name("S Kuznetsov").len(), 1);
}

// ---------------------------------------------------------------- pipeline

#[test]
fn converted_lists_round_trip_through_csv() {
    let eu = convert_eu_annex_xlii(shared(EU)).unwrap();
    let ofac = convert_ofac_sdn(shared(OFAC)).unwrap();
    let dir = std::env::temp_dir().join(format!("seawarden-registry-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("watchlist.csv");
    let file = std::fs::File::create(&out).unwrap();
    write_csv(eu.entries.iter().chain(&ofac.entries), std::io::BufWriter::new(file)).unwrap();
    let extra = dir.join("local.csv");
    // A local list with a fictional MMSI.
    std::fs::write(&extra, "mmsi,name,list,reason\n518100001,EAGLE S,local,Estlink 2 incident 2024-12-25\n").unwrap();

    let list = Watchlist::load_all([&out, &extra]).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(list.len(), 605 + 1450 + 1);
    assert_eq!(list.reports().len(), 2);
    assert!(list.reports().iter().all(|r| r.is_clean()), "{:?}", list.reports());
    let want: Vec<&WatchEntry> = eu.entries.iter().chain(&ofac.entries).collect();
    assert_eq!(list.entries()[..want.len()].iter().collect::<Vec<_>>(), want);

    // Vessels on both lists are found under both.
    let both: Vec<_> = list.by_imo(9329760).iter().map(|e| e.list.as_str()).collect();
    assert_eq!(both, [LIST_EU_XLII]);
    let by_name: Vec<_> = list.by_name("eagle s").iter().map(|e| e.list.as_str()).collect();
    assert_eq!(by_name, [LIST_EU_XLII, "local"]);
    assert_eq!(list.by_mmsi(518100001)[0].list, "local");
    let on_both = eu
        .entries
        .iter()
        .filter_map(|e| e.imo)
        .filter(|&i| list.by_imo(i).iter().any(|e| e.list == LIST_OFAC_SDN))
        .count();
    assert!(on_both > 100, "{on_both}");
}

#[test]
fn matches_rank_identifiers_and_deduplicate() {
    let eu = convert_eu_annex_xlii(shared(EU)).unwrap();
    let ofac = convert_ofac_sdn(shared(OFAC)).unwrap();
    let mut list = Watchlist::from_entries(eu.entries);
    list.merge(Watchlist::from_entries(ofac.entries));
    // TASCA: two OFAC records by IMO; the name finds the same two, not again.
    let m = list.matches(None, Some(9313149), "TASCA");
    let on: Vec<_> = m.iter().map(|x| (x.on.as_str(), x.entry.list.as_str())).collect();
    assert!(on.iter().all(|&(o, l)| o == "imo" && l == LIST_OFAC_SDN), "{on:?}");
    assert_eq!(m.len(), 2);
    // A renamed EU vessel broadcasting its old name and no IMO.
    let m = list.matches(Some(273_123_456), None, "MORPHEUS");
    assert_eq!((m.len(), m[0].on, m[0].entry.imo), (1, MatchedOn::Name, Some(9247443)));
    assert!(list.matches(None, None, "").is_empty());
}
