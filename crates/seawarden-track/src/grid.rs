//! A grid of recent vessel positions, for "who is near here?" queries.

use crate::fastmap::FastMap;

/// `x.floor() as i32` for every `x` (NaN and infinities included), without
/// the library call `floor` is on x86-64 before SSE4.1.
#[inline]
fn floor_i32(x: f64) -> i32 {
    let t = x as i32;
    t.saturating_sub((x < t as f64) as i32)
}

/// Cell size in degrees of latitude: 0.1° is about 11 km.
const CELL_DEG: f64 = 0.1;

/// Metres per degree assumed when a radius is turned into degrees: below
/// the 110,574 m of a degree of latitude at the equator (the shortest) and
/// the 111,319 m of a degree of longitude at the equator (scaled by the
/// cosine of the latitude), so a radius in degrees is never too small.
const METRES_PER_DEG: f64 = 110_000.0;

/// One vessel's latest position in the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridEntry {
    /// The vessel.
    pub mmsi: u32,
    /// Time of the position, milliseconds.
    pub time_ms: i64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
}

/// Vessels by grid cell; each vessel is in the cell of its latest position.
#[derive(Debug, Default)]
pub struct CellGrid {
    cells: FastMap<(i32, i32), Vec<GridEntry>>,
    /// Each vessel's cell and its index in the cell's list.
    where_is: FastMap<u32, ((i32, i32), u32)>,
}

fn cell_of(lat: f64, lon: f64) -> (i32, i32) {
    let row = floor_i32(lat / CELL_DEG);
    (row, floor_i32(lon * row_scale(row) / CELL_DEG))
}

/// Rows of the grid from pole to pole.
const ROWS: i32 = (90.0 / CELL_DEG) as i32;

/// Longitude cells widen with latitude, so they are scaled to stay roughly
/// square: the row's cell width is CELL_DEG / cos(lat). The scales of the
/// rows from pole to pole are worked out once (a cosine per position was a
/// measurable share of the tracker's time).
fn row_scale(row: i32) -> f64 {
    fn scale(row: i32) -> f64 {
        (row as f64 * CELL_DEG).to_radians().cos().max(0.05)
    }
    static SCALES: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let scales = SCALES.get_or_init(|| (-ROWS..=ROWS).map(scale).collect());
    match row.checked_add(ROWS).and_then(|i| usize::try_from(i).ok()).and_then(|i| scales.get(i)) {
        Some(&s) => s,
        None => scale(row),
    }
}

impl CellGrid {
    /// An empty grid.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a vessel's latest position.
    pub fn update(&mut self, e: GridEntry) {
        let cell = cell_of(e.lat, e.lon);
        if let Some(&(old, i)) = self.where_is.get(&e.mmsi) {
            if let Some(v) = self.cells.get_mut(&old) {
                if old == cell {
                    // The common case: still in the same cell, updated in place.
                    v[i as usize] = e;
                    return;
                }
                // Removed keeping the order of the others (queries see a
                // cell's vessels in the order they arrived there).
                v.remove(i as usize);
                if v.is_empty() {
                    self.cells.remove(&old);
                } else {
                    for x in &v[i as usize..] {
                        if let Some(w) = self.where_is.get_mut(&x.mmsi) {
                            w.1 -= 1;
                        }
                    }
                }
            }
        }
        let v = self.cells.entry(cell).or_default();
        self.where_is.insert(e.mmsi, (cell, v.len() as u32));
        if v.len() == v.capacity() {
            // Grown by a quarter rather than doubled (from 4): most cells
            // hold one or a few vessels.
            v.reserve_exact(v.len() / 4 + 1);
        }
        v.push(e);
    }

    /// Calls `f` with every vessel whose latest position may lie within
    /// `radius_m` of the point, cell by cell (rows south to north, columns
    /// west to east, each cell's vessels in the order they arrived there).
    /// Callers filter by exact distance and by time.
    ///
    /// Only cells that can hold such a position are visited: the point's
    /// latitude and longitude give or take the radius, in degrees of at
    /// least [`METRES_PER_DEG`] (fewer metres than any degree of latitude,
    /// or of longitude times the cosine of the latitude, on the WGS84
    /// ellipsoid). A 500 m query so looks at 2-4 cells instead of 15.
    pub fn around(&self, lat: f64, lon: f64, radius_m: f64, mut f: impl FnMut(&GridEntry)) {
        let (row, _) = cell_of(lat, lon);
        let span = (radius_m / 111_000.0 / CELL_DEG).ceil() as i32;
        let dlat = radius_m / METRES_PER_DEG;
        // The widest longitude span is at the latitude furthest from the
        // equator; near the poles every column of the rows is visited.
        let far_lat = (lat.abs() + dlat).min(90.0);
        let dlon = if far_lat < 89.0 { dlat / far_lat.to_radians().cos() } else { f64::INFINITY };
        let rows = (floor_i32((lat - dlat) / CELL_DEG)).max(row - span)..=(floor_i32((lat + dlat) / CELL_DEG)).min(row + span);
        for r in rows {
            let scale = row_scale(r);
            let col = floor_i32(lon * scale / CELL_DEG);
            let (mut c0, mut c1) = (col - span - 1, col + span + 1);
            if dlon.is_finite() {
                c0 = c0.max(floor_i32((lon - dlon) * scale / CELL_DEG));
                c1 = c1.min(floor_i32((lon + dlon) * scale / CELL_DEG));
            }
            for c in c0..=c1 {
                if let Some(v) = self.cells.get(&(r, c)) {
                    v.iter().for_each(&mut f);
                }
            }
        }
    }

    /// Bytes held: cell tables and entries.
    pub fn heap_bytes(&self) -> usize {
        crate::fastmap::map_table_bytes(&self.cells) + crate::fastmap::map_table_bytes(&self.where_is) + self.cells.values().map(|v| v.capacity() * std::mem::size_of::<GridEntry>()).sum::<usize>()
    }

    /// Vessels in the grid.
    pub fn len(&self) -> usize {
        self.where_is.len()
    }

    /// True when the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.where_is.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_scales_are_the_cosines_of_the_rows() {
        for row in -ROWS - 5..=ROWS + 5 {
            assert_eq!(row_scale(row), (row as f64 * CELL_DEG).to_radians().cos().max(0.05), "{row}");
        }
        assert_eq!(row_scale(i32::MAX), 0.05f64.max((i32::MAX as f64 * CELL_DEG).to_radians().cos()));
    }

    #[test]
    fn floor_i32_is_floor() {
        // A sweep in sevenths (negative, integral and fractional values)
        // and the ends of the range, where `as i32` saturates.
        let sweep = (-20_000..=20_000).map(|i| i as f64 / 7.0);
        let ends = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 3e9, -3e9, 2_147_483_647.5, -2_147_483_648.5, -0.0];
        for x in sweep.chain(ends) {
            assert_eq!(floor_i32(x), x.floor() as i32, "{x}");
        }
    }

    /// A cell's list grows by a quarter: a lone vessel takes room for one,
    /// not four.
    #[test]
    fn cells_grow_by_a_quarter() {
        let mut g = CellGrid::new();
        g.update(GridEntry { mmsi: 1, time_ms: 0, lat: 59.0, lon: 20.0, sog: None });
        assert_eq!(g.cells.values().map(|v| v.capacity()).sum::<usize>(), 1);
        for mmsi in 2..=100 {
            g.update(GridEntry { mmsi, time_ms: 0, lat: 59.0, lon: 20.0, sog: None });
        }
        let cap = g.cells.values().map(|v| v.capacity()).sum::<usize>();
        assert!((100..=125).contains(&cap), "capacity {cap} for 100");
    }

    /// The grid against a plain list of every vessel's latest position, in
    /// the order each arrived in its cell, over random moves.
    #[test]
    fn matches_a_plain_list_over_random_moves() {
        let mut g = CellGrid::new();
        let mut plain: Vec<(GridEntry, u64)> = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for step in 0..20_000u64 {
            let mmsi = (rnd() % 300) as u32;
            let (lat, lon) = (59.0 + (rnd() % 1000) as f64 / 2000.0, 20.0 + (rnd() % 1000) as f64 / 1000.0);
            let e = GridEntry { mmsi, time_ms: step as i64, lat, lon, sog: None };
            match plain.iter_mut().find(|(x, _)| x.mmsi == mmsi) {
                Some((x, arrived)) => {
                    if cell_of(x.lat, x.lon) != cell_of(lat, lon) {
                        *arrived = step;
                    }
                    *x = e;
                }
                None => plain.push((e, step)),
            }
            g.update(e);
            if step % 97 == 0 {
                let (qlat, qlon) = (59.0 + (rnd() % 1000) as f64 / 2000.0, 20.0 + (rnd() % 1000) as f64 / 1000.0);
                let mut got = Vec::new();
                g.around(qlat, qlon, 3_000.0, |x| got.push(*x));
                let mut by_cell: Vec<_> = got.iter().map(|x| (cell_of(x.lat, x.lon), x.mmsi)).collect();
                by_cell.sort_by_key(|c| c.0);
                for w in got.windows(2) {
                    let (a, b) = (cell_of(w[0].lat, w[0].lon), cell_of(w[1].lat, w[1].lon));
                    if a == b {
                        let arrival = |m: u32| plain.iter().find(|(x, _)| x.mmsi == m).map(|p| p.1);
                        assert!(arrival(w[0].mmsi) <= arrival(w[1].mmsi), "order of arrival within a cell");
                    }
                }
                for x in &got {
                    assert!(plain.iter().any(|(p, _)| p == x), "only latest positions");
                }
                let cells: std::collections::HashSet<_> = by_cell.iter().map(|c| c.0).collect();
                let expected = plain.iter().filter(|(p, _)| cells.contains(&cell_of(p.lat, p.lon))).count();
                assert_eq!(got.len(), expected, "every vessel of the cells visited");
            }
        }
        assert_eq!(g.len(), plain.len());
    }

    /// Flat-earth distance on the WGS84 radii of curvature (the detectors'
    /// `distance_m`).
    fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
        let phi = ((lat1 + lat2) / 2.0).to_radians();
        let w = (1.0 - 6.694_379_990_14e-3 * phi.sin().powi(2)).sqrt();
        let (m, n) = (6_378_137.0 * (1.0 - 6.694_379_990_14e-3) / (w * w * w), 6_378_137.0 / w);
        ((lat2 - lat1).to_radians() * m).hypot((lon2 - lon1).to_radians() * n * phi.cos())
    }

    /// Every vessel within the radius is visited, at every latitude, for
    /// the radii the detectors use (encounters 500 m, gap coverage 10 km).
    #[test]
    fn visits_every_vessel_within_the_radius() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for &(lat0, radius) in &[(0.0, 500.0), (55.6, 500.0), (59.9, 10_000.0), (-33.0, 2_000.0), (78.2, 500.0), (84.0, 10_000.0), (89.5, 500.0)] {
            let mut g = CellGrid::new();
            let spread = 3.0 * radius / 110_000.0;
            let mut pts = Vec::new();
            for i in 0..3_000u32 {
                let lat = (lat0 + (rnd() - 0.5) * 2.0 * spread).clamp(-89.99, 89.99);
                let lon = 10.0 + (rnd() - 0.5) * 2.0 * spread / lat0.to_radians().cos().max(0.01);
                g.update(GridEntry { mmsi: i, time_ms: 0, lat, lon, sog: None });
                pts.push((i, lat, lon));
            }
            for _ in 0..200 {
                let (_, qlat, qlon) = pts[(rnd() * pts.len() as f64) as usize];
                let mut got = Vec::new();
                g.around(qlat, qlon, radius, |e| got.push(e.mmsi));
                for &(m, lat, lon) in &pts {
                    if distance_m(qlat, qlon, lat, lon) <= radius {
                        assert!(got.contains(&m), "{m} at {lat},{lon} within {radius} m of {qlat},{qlon} not visited");
                    }
                }
            }
        }
    }

    #[test]
    fn finds_neighbours_and_follows_moves() {
        let mut g = CellGrid::new();
        let e = |mmsi, lat, lon| GridEntry { mmsi, time_ms: 0, lat, lon, sog: None };
        g.update(e(1, 59.80, 24.80));
        g.update(e(2, 59.805, 24.81));
        g.update(e(3, 60.5, 26.0));
        let mut near = Vec::new();
        g.around(59.80, 24.80, 2_000.0, |x| near.push(x.mmsi));
        near.sort();
        assert_eq!(near, [1, 2]);
        g.update(e(2, 60.5, 26.0));
        near.clear();
        g.around(59.80, 24.80, 2_000.0, |x| near.push(x.mmsi));
        assert_eq!(near, [1]);
        assert_eq!(g.len(), 3);
    }
}
