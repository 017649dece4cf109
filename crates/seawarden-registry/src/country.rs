//! ISO 3166-1 country codes for the names used by the ITU MID table, the
//! World Port Index (US GENC names) and the OFAC list (common names).
//!
//! The table covers every state and territory those sources name; it is not
//! a complete ISO 3166 list. Names are matched after [`normalise_name`]
//! (case, punctuation and spacing do not matter; `&` reads as `AND`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::watchlist::normalise_name;

/// A country or territory with its ISO 3166-1 codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    /// ISO 3166-1 alpha-2, e.g. `FI`.
    pub iso2: &'static str,
    /// ISO 3166-1 alpha-3, e.g. `FIN`.
    pub iso3: &'static str,
    /// Common English short name, e.g. `Finland`, `Russia`.
    pub name: &'static str,
}

/// (alpha-2, alpha-3, short name, other names separated by `|`).
const TABLE: &[(&str, &str, &str, &str)] = &[
    ("AD", "AND", "Andorra", ""),
    ("AE", "ARE", "United Arab Emirates", "UAE"),
    ("AF", "AFG", "Afghanistan", ""),
    ("AG", "ATG", "Antigua and Barbuda", ""),
    ("AI", "AIA", "Anguilla", ""),
    ("AL", "ALB", "Albania", ""),
    ("AM", "ARM", "Armenia", ""),
    ("AO", "AGO", "Angola", ""),
    ("AQ", "ATA", "Antarctica", ""),
    ("AR", "ARG", "Argentina", "Argentine Republic"),
    ("AS", "ASM", "American Samoa", ""),
    ("AT", "AUT", "Austria", ""),
    ("AU", "AUS", "Australia", ""),
    ("AW", "ABW", "Aruba", ""),
    ("AZ", "AZE", "Azerbaijan", ""),
    ("BA", "BIH", "Bosnia and Herzegovina", ""),
    ("BB", "BRB", "Barbados", ""),
    ("BD", "BGD", "Bangladesh", ""),
    ("BE", "BEL", "Belgium", ""),
    ("BF", "BFA", "Burkina Faso", ""),
    ("BG", "BGR", "Bulgaria", ""),
    ("BH", "BHR", "Bahrain", ""),
    ("BI", "BDI", "Burundi", ""),
    ("BJ", "BEN", "Benin", ""),
    ("BL", "BLM", "Saint Barthelemy", "Saint Barthélemy"),
    ("BM", "BMU", "Bermuda", ""),
    ("BN", "BRN", "Brunei", "Brunei Darussalam"),
    ("BO", "BOL", "Bolivia", ""),
    ("BQ", "BES", "Caribbean Netherlands", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "BRA", "Brazil", ""),
    ("BS", "BHS", "Bahamas", "The Bahamas"),
    ("BT", "BTN", "Bhutan", ""),
    ("BW", "BWA", "Botswana", ""),
    ("BY", "BLR", "Belarus", ""),
    ("BZ", "BLZ", "Belize", ""),
    ("CA", "CAN", "Canada", ""),
    ("CC", "CCK", "Cocos (Keeling) Islands", "Cocos Islands"),
    ("CD", "COD", "DR Congo", "Democratic Republic of the Congo|Congo (Kinshasa)"),
    ("CF", "CAF", "Central African Republic", ""),
    ("CG", "COG", "Congo", "Republic of the Congo|Congo (Brazzaville)"),
    ("CH", "CHE", "Switzerland", ""),
    ("CI", "CIV", "Cote d'Ivoire", "Côte d'Ivoire|Ivory Coast"),
    ("CK", "COK", "Cook Islands", ""),
    ("CL", "CHL", "Chile", ""),
    ("CM", "CMR", "Cameroon", ""),
    ("CN", "CHN", "China", "People's Republic of China"),
    ("CO", "COL", "Colombia", ""),
    ("CR", "CRI", "Costa Rica", ""),
    ("CU", "CUB", "Cuba", ""),
    ("CV", "CPV", "Cabo Verde", "Cape Verde"),
    ("CW", "CUW", "Curacao", "Curaçao"),
    ("CX", "CXR", "Christmas Island", ""),
    ("CY", "CYP", "Cyprus", ""),
    ("CZ", "CZE", "Czechia", "Czech Republic"),
    ("DE", "DEU", "Germany", ""),
    ("DJ", "DJI", "Djibouti", ""),
    ("DK", "DNK", "Denmark", ""),
    ("DM", "DMA", "Dominica", ""),
    ("DO", "DOM", "Dominican Republic", ""),
    ("DZ", "DZA", "Algeria", ""),
    ("EC", "ECU", "Ecuador", ""),
    ("EE", "EST", "Estonia", ""),
    ("EG", "EGY", "Egypt", ""),
    ("EH", "ESH", "Western Sahara", ""),
    ("ER", "ERI", "Eritrea", ""),
    ("ES", "ESP", "Spain", ""),
    ("ET", "ETH", "Ethiopia", ""),
    ("FI", "FIN", "Finland", ""),
    ("FJ", "FJI", "Fiji", ""),
    ("FK", "FLK", "Falkland Islands", "Falkland Islands (Islas Malvinas)|Falkland Islands (Malvinas)"),
    ("FM", "FSM", "Micronesia", "Federated States of Micronesia"),
    ("FO", "FRO", "Faroe Islands", ""),
    ("FR", "FRA", "France", ""),
    ("GA", "GAB", "Gabon", "Gabonese Republic"),
    ("GB", "GBR", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland|UK"),
    ("GD", "GRD", "Grenada", ""),
    ("GE", "GEO", "Georgia", ""),
    ("GF", "GUF", "French Guiana", "Guiana"),
    ("GG", "GGY", "Guernsey", ""),
    ("GH", "GHA", "Ghana", ""),
    ("GI", "GIB", "Gibraltar", ""),
    ("GL", "GRL", "Greenland", ""),
    ("GM", "GMB", "Gambia", "The Gambia"),
    ("GN", "GIN", "Guinea", ""),
    ("GP", "GLP", "Guadeloupe", ""),
    ("GQ", "GNQ", "Equatorial Guinea", ""),
    ("GR", "GRC", "Greece", ""),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands", "South Georgia and South Sandwich Islands"),
    ("GT", "GTM", "Guatemala", ""),
    ("GU", "GUM", "Guam", ""),
    ("GW", "GNB", "Guinea-Bissau", ""),
    ("GY", "GUY", "Guyana", ""),
    ("HK", "HKG", "Hong Kong", ""),
    ("HN", "HND", "Honduras", ""),
    ("HR", "HRV", "Croatia", ""),
    ("HT", "HTI", "Haiti", ""),
    ("HU", "HUN", "Hungary", ""),
    ("ID", "IDN", "Indonesia", ""),
    ("IE", "IRL", "Ireland", ""),
    ("IL", "ISR", "Israel", ""),
    ("IM", "IMN", "Isle of Man", ""),
    ("IN", "IND", "India", ""),
    ("IO", "IOT", "British Indian Ocean Territory", ""),
    ("IQ", "IRQ", "Iraq", ""),
    ("IR", "IRN", "Iran", ""),
    ("IS", "ISL", "Iceland", ""),
    ("IT", "ITA", "Italy", ""),
    ("JE", "JEY", "Jersey", ""),
    ("JM", "JAM", "Jamaica", ""),
    ("JO", "JOR", "Jordan", ""),
    ("JP", "JPN", "Japan", ""),
    ("KE", "KEN", "Kenya", ""),
    ("KG", "KGZ", "Kyrgyzstan", "Kyrgyz Republic"),
    ("KH", "KHM", "Cambodia", ""),
    ("KI", "KIR", "Kiribati", ""),
    ("KM", "COM", "Comoros", ""),
    ("KN", "KNA", "Saint Kitts and Nevis", "St Kitts and Nevis"),
    ("KP", "PRK", "North Korea", "Democratic People's Republic of Korea|DPRK"),
    ("KR", "KOR", "South Korea", "Korea|Republic of Korea"),
    ("KW", "KWT", "Kuwait", ""),
    ("KY", "CYM", "Cayman Islands", ""),
    ("KZ", "KAZ", "Kazakhstan", ""),
    ("LA", "LAO", "Laos", "Lao People's Democratic Republic"),
    ("LB", "LBN", "Lebanon", ""),
    ("LC", "LCA", "Saint Lucia", "St Lucia"),
    ("LI", "LIE", "Liechtenstein", ""),
    ("LK", "LKA", "Sri Lanka", ""),
    ("LR", "LBR", "Liberia", ""),
    ("LS", "LSO", "Lesotho", ""),
    ("LT", "LTU", "Lithuania", ""),
    ("LU", "LUX", "Luxembourg", ""),
    ("LV", "LVA", "Latvia", ""),
    ("LY", "LBY", "Libya", ""),
    ("MA", "MAR", "Morocco", ""),
    ("MC", "MCO", "Monaco", ""),
    ("MD", "MDA", "Moldova", ""),
    ("ME", "MNE", "Montenegro", ""),
    ("MG", "MDG", "Madagascar", ""),
    ("MH", "MHL", "Marshall Islands", ""),
    ("MK", "MKD", "North Macedonia", ""),
    ("ML", "MLI", "Mali", ""),
    ("MM", "MMR", "Myanmar", "Burma"),
    ("MN", "MNG", "Mongolia", ""),
    ("MO", "MAC", "Macao", "Macau"),
    ("MP", "MNP", "Northern Mariana Islands", ""),
    ("MQ", "MTQ", "Martinique", ""),
    ("MR", "MRT", "Mauritania", ""),
    ("MS", "MSR", "Montserrat", ""),
    ("MT", "MLT", "Malta", ""),
    ("MU", "MUS", "Mauritius", ""),
    ("MV", "MDV", "Maldives", ""),
    ("MW", "MWI", "Malawi", ""),
    ("MX", "MEX", "Mexico", ""),
    ("MY", "MYS", "Malaysia", ""),
    ("MZ", "MOZ", "Mozambique", ""),
    ("NA", "NAM", "Namibia", ""),
    ("NC", "NCL", "New Caledonia", ""),
    ("NE", "NER", "Niger", ""),
    ("NF", "NFK", "Norfolk Island", ""),
    ("NG", "NGA", "Nigeria", ""),
    ("NI", "NIC", "Nicaragua", ""),
    ("NL", "NLD", "Netherlands", ""),
    ("NO", "NOR", "Norway", ""),
    ("NP", "NPL", "Nepal", ""),
    ("NR", "NRU", "Nauru", ""),
    ("NU", "NIU", "Niue", ""),
    ("NZ", "NZL", "New Zealand", ""),
    ("OM", "OMN", "Oman", ""),
    ("PA", "PAN", "Panama", ""),
    ("PE", "PER", "Peru", ""),
    ("PF", "PYF", "French Polynesia", ""),
    ("PG", "PNG", "Papua New Guinea", ""),
    ("PH", "PHL", "Philippines", ""),
    ("PK", "PAK", "Pakistan", ""),
    ("PL", "POL", "Poland", ""),
    ("PM", "SPM", "Saint Pierre and Miquelon", ""),
    ("PN", "PCN", "Pitcairn", "Pitcairn Island|Pitcairn Islands"),
    ("PR", "PRI", "Puerto Rico", ""),
    ("PS", "PSE", "Palestine", "State of Palestine"),
    ("PT", "PRT", "Portugal", ""),
    ("PW", "PLW", "Palau", "Republic of Palau"),
    ("PY", "PRY", "Paraguay", ""),
    ("QA", "QAT", "Qatar", ""),
    ("RE", "REU", "Reunion", "Réunion"),
    ("RO", "ROU", "Romania", ""),
    ("RS", "SRB", "Serbia", ""),
    ("RU", "RUS", "Russia", "Russian Federation"),
    ("RW", "RWA", "Rwanda", ""),
    ("SA", "SAU", "Saudi Arabia", ""),
    ("SB", "SLB", "Solomon Islands", ""),
    ("SC", "SYC", "Seychelles", ""),
    ("SD", "SDN", "Sudan", ""),
    ("SE", "SWE", "Sweden", ""),
    ("SG", "SGP", "Singapore", ""),
    (
        "SH",
        "SHN",
        "Saint Helena, Ascension and Tristan da Cunha",
        "Saint Helena|Saint Helena, Ascension, and Tristan da Cunha",
    ),
    ("SI", "SVN", "Slovenia", ""),
    ("SJ", "SJM", "Svalbard and Jan Mayen", "Svalbard"),
    ("SK", "SVK", "Slovakia", "Slovak Republic"),
    ("SL", "SLE", "Sierra Leone", ""),
    ("SM", "SMR", "San Marino", ""),
    ("SN", "SEN", "Senegal", ""),
    ("SO", "SOM", "Somalia", ""),
    ("SR", "SUR", "Suriname", ""),
    ("SS", "SSD", "South Sudan", ""),
    ("ST", "STP", "Sao Tome and Principe", "São Tomé and Príncipe"),
    ("SV", "SLV", "El Salvador", ""),
    ("SX", "SXM", "Sint Maarten", "Sint Maarten (Dutch part)"),
    ("SY", "SYR", "Syria", "Syrian Arab Republic"),
    ("SZ", "SWZ", "Eswatini", "Swaziland"),
    ("TC", "TCA", "Turks and Caicos Islands", ""),
    ("TD", "TCD", "Chad", ""),
    ("TF", "ATF", "French Southern Territories", ""),
    ("TG", "TGO", "Togo", "Togolese Republic"),
    ("TH", "THA", "Thailand", ""),
    ("TJ", "TJK", "Tajikistan", ""),
    ("TL", "TLS", "Timor-Leste", "East Timor"),
    ("TM", "TKM", "Turkmenistan", ""),
    ("TN", "TUN", "Tunisia", ""),
    ("TO", "TON", "Tonga", ""),
    ("TR", "TUR", "Türkiye", "Turkey|Republic of Türkiye|Turkiye"),
    ("TT", "TTO", "Trinidad and Tobago", ""),
    ("TV", "TUV", "Tuvalu", ""),
    ("TW", "TWN", "Taiwan", ""),
    ("TZ", "TZA", "Tanzania", ""),
    ("UA", "UKR", "Ukraine", ""),
    ("UG", "UGA", "Uganda", ""),
    ("UM", "UMI", "United States Minor Outlying Islands", "Johnson Atoll|Midway Islands|Wake Island"),
    ("US", "USA", "United States", "United States of America|USA"),
    ("UY", "URY", "Uruguay", ""),
    ("UZ", "UZB", "Uzbekistan", ""),
    ("VA", "VAT", "Vatican City", "Vatican City State|Holy See"),
    (
        "VC",
        "VCT",
        "Saint Vincent and the Grenadines",
        "Saint Vincent and the Grenadines (Windward Islands)|St Vincent and Grenadines|St Vincent and the Grenadines",
    ),
    ("VE", "VEN", "Venezuela", ""),
    ("VG", "VGB", "British Virgin Islands", ""),
    ("VI", "VIR", "United States Virgin Islands", "U.S. Virgin Islands|US Virgin Islands"),
    ("VN", "VNM", "Vietnam", "Viet Nam"),
    ("VU", "VUT", "Vanuatu", ""),
    ("WF", "WLF", "Wallis and Futuna", "Wallis and Futuna Islands"),
    ("WS", "WSM", "Samoa", ""),
    ("YE", "YEM", "Yemen", ""),
    ("ZA", "ZAF", "South Africa", ""),
    ("ZM", "ZMB", "Zambia", ""),
    ("ZW", "ZWE", "Zimbabwe", ""),
];

/// ITU territory names (the part after ` - ` in the MID table) that belong to
/// a larger ISO entity: (territory, alpha-2).
pub(crate) const TERRITORY_PARENT: &[(&str, &str)] = &[
    ("Azores", "PT"),
    ("Madeira", "PT"),
    ("Alaska", "US"),
    ("Adelie Land", "TF"),
    ("Saint Paul and Amsterdam Islands", "TF"),
    ("Crozet Archipelago", "TF"),
    ("Kerguelen Islands", "TF"),
    ("Ascension Island", "SH"),
];

struct Index {
    countries: Vec<Country>,
    by_name: HashMap<String, usize>,
    by_iso2: HashMap<&'static str, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx = Index { countries: Vec::new(), by_name: HashMap::new(), by_iso2: HashMap::new() };
        for &(iso2, iso3, name, aliases) in TABLE {
            let i = idx.countries.len();
            idx.countries.push(Country { iso2, iso3, name });
            idx.by_iso2.insert(iso2, i);
            for n in std::iter::once(name).chain(aliases.split('|').filter(|a| !a.is_empty())) {
                idx.by_name.insert(key(n), i);
            }
        }
        for &(territory, iso2) in TERRITORY_PARENT {
            if let Some(&i) = idx.by_iso2.get(iso2) {
                idx.by_name.entry(key(territory)).or_insert(i);
            }
        }
        idx
    })
}

fn key(name: &str) -> String {
    normalise_name(&name.replace('&', " and ").replace("St.", "St "))
}

/// The country or territory with this name (any of the spellings the MID
/// table, the World Port Index or the OFAC list use), if known.
///
/// ```
/// use seawarden_registry::country::by_name;
/// assert_eq!(by_name("Russian Federation").unwrap().iso2, "RU");
/// assert_eq!(by_name("St. Kitts & Nevis").unwrap().iso3, "KNA");
/// assert!(by_name("Atlantis").is_none());
/// ```
pub fn by_name(name: &str) -> Option<&'static Country> {
    let idx = index();
    idx.by_name.get(&key(name)).map(|&i| &idx.countries[i])
}

/// The country with this ISO 3166-1 alpha-2 code (upper case), if in the table.
pub fn by_iso2(iso2: &str) -> Option<&'static Country> {
    let idx = index();
    idx.by_iso2.get(iso2).map(|&i| &idx.countries[i])
}

/// Every country in the table, sorted by alpha-2 code.
pub fn all() -> &'static [Country] {
    &index().countries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_well_formed_and_unique() {
        let mut seen2 = std::collections::HashSet::new();
        let mut seen3 = std::collections::HashSet::new();
        let mut prev = "";
        for c in all() {
            assert!(c.iso2.len() == 2 && c.iso2.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(c.iso3.len() == 3 && c.iso3.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(seen2.insert(c.iso2) && seen3.insert(c.iso3), "duplicate {c:?}");
            assert!(c.iso2 > prev, "table not sorted at {}", c.iso2);
            prev = c.iso2;
        }
    }

    #[test]
    fn names_of_all_sources_resolve() {
        assert_eq!(by_name("Cote D'Ivoire").unwrap().iso2, "CI");
        assert_eq!(by_name("Côte d'Ivoire").unwrap().iso2, "CI");
        assert_eq!(by_name("Congo (Kinshasa)").unwrap().iso2, "CD");
        assert_eq!(by_name("St. Vincent and Grenadines").unwrap().iso2, "VC");
        assert_eq!(by_name("Antigua & Barbuda").unwrap().iso2, "AG");
        assert_eq!(by_name("PANAMA").unwrap().iso2, "PA");
        assert_eq!(by_name("Azores").unwrap().iso2, "PT");
        assert_eq!(by_iso2("NO").unwrap().name, "Norway");
    }
}
