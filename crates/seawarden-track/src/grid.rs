//! A grid of recent vessel positions, for "who is near here?" queries.

use crate::fastmap::FastMap;

/// Cell size in degrees of latitude: 0.1° is about 11 km.
const CELL_DEG: f64 = 0.1;

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
    where_is: FastMap<u32, (i32, i32)>,
}

fn cell_of(lat: f64, lon: f64) -> (i32, i32) {
    // Longitude cells widen with latitude, so they are scaled to stay
    // roughly square: the row's cell width is CELL_DEG / cos(lat).
    let row = (lat / CELL_DEG).floor() as i32;
    let scale = (row as f64 * CELL_DEG).to_radians().cos().max(0.05);
    (row, (lon * scale / CELL_DEG).floor() as i32)
}

impl CellGrid {
    /// An empty grid.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a vessel's latest position.
    pub fn update(&mut self, e: GridEntry) {
        let cell = cell_of(e.lat, e.lon);
        if let Some(old) = self.where_is.insert(e.mmsi, cell) {
            if old != cell {
                if let Some(v) = self.cells.get_mut(&old) {
                    v.retain(|x| x.mmsi != e.mmsi);
                    if v.is_empty() {
                        self.cells.remove(&old);
                    }
                }
            } else if let Some(x) = self.cells.get_mut(&cell).and_then(|v| v.iter_mut().find(|x| x.mmsi == e.mmsi)) {
                *x = e;
                return;
            }
        }
        self.cells.entry(cell).or_default().push(e);
    }

    /// Calls `f` with every vessel whose latest position is within about
    /// `radius_deg_lat` degrees of latitude (converted to cells) of the point.
    /// Callers filter by exact distance and by time.
    pub fn around(&self, lat: f64, lon: f64, radius_m: f64, mut f: impl FnMut(&GridEntry)) {
        let (row, _) = cell_of(lat, lon);
        let span = (radius_m / 111_000.0 / CELL_DEG).ceil() as i32;
        for r in row - span..=row + span {
            let scale = (r as f64 * CELL_DEG).to_radians().cos().max(0.05);
            let col = (lon * scale / CELL_DEG).floor() as i32;
            for c in col - span - 1..=col + span + 1 {
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
