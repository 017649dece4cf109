//! A sparse two-level uniform grid over the whole globe: 1° coarse cells,
//! each either empty or pointing to a block of `k × k` fine cells, each fine
//! cell a slice of items. A lookup is two array reads and no hashing; empty
//! 1° cells (most of the open ocean) cost one read.

use crate::geodesy::{m_per_deg_lon, LatLon, MIN_M_PER_DEG_LAT};

/// `x.floor() as i64` for every `x` (NaN and infinities included), without
/// the library call `floor` is on x86-64 before SSE4.1: for cell indexes.
#[inline]
pub fn floor_i64(x: f64) -> i64 {
    let t = x as i64;
    t.saturating_sub((x < t as f64) as i64)
}

pub(crate) const COARSE_COLS: usize = 360;
pub(crate) const COARSE_ROWS: usize = 180;
pub(crate) const COARSE_CELLS: usize = COARSE_COLS * COARSE_ROWS;
const NO_BLOCK: u32 = u32::MAX;
/// Slack added to every rasterized extent, degrees: far above rounding
/// errors of coordinates (~1e-13°), far below any cell (~1e-2°).
const EPS_DEG: f64 = 1e-9;

/// [`m_per_deg_lon`] at `lat`, a multiple of 1/64° in 0..=90 (the edge of a
/// row at any resolution), from a table built on first use: cell margins
/// are asked for often, and the radii of curvature need a root and a cosine.
fn m_per_deg_lon_at_edge(lat: f64) -> f64 {
    const STEPS: usize = 90 * 64;
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| (0..=STEPS).map(|i| m_per_deg_lon(i as f64 / 64.0)).collect());
    // `lat` is a multiple of 1/64 and not negative: adding a half rounds.
    table[((lat * 64.0 + 0.5) as usize).min(STEPS)]
}

/// Fine cell size of a grid: `1 / cells_per_degree` degrees, a power of two
/// from 1 to 64 cells per degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridResolution {
    shift: u32,
}

impl GridResolution {
    /// 16 cells per degree (0.0625°, about 7 × 3.5 km at 60°N).
    pub const DEFAULT: GridResolution = GridResolution { shift: 4 };

    /// `n` cells per degree; `None` unless `n` is a power of two in 1..=64.
    pub const fn cells_per_degree(n: u32) -> Option<GridResolution> {
        if n.is_power_of_two() && n <= 64 {
            Some(GridResolution {
                shift: n.trailing_zeros(),
            })
        } else {
            None
        }
    }

    /// Cells per degree.
    pub const fn per_degree(self) -> u32 {
        1 << self.shift
    }

    /// Cell size, degrees.
    pub fn cell_deg(self) -> f64 {
        1.0 / self.per_degree() as f64
    }

    #[inline]
    pub(crate) fn k(self) -> u32 {
        1 << self.shift
    }

    #[inline]
    pub(crate) fn rows(self) -> i64 {
        (COARSE_ROWS as i64) << self.shift
    }

    #[inline]
    pub(crate) fn cols(self) -> i64 {
        (COARSE_COLS as i64) << self.shift
    }

    /// Fine row of a latitude, clamped to the grid.
    #[inline]
    pub(crate) fn row(self, lat: f64) -> u32 {
        floor_i64((lat + 90.0) * self.k() as f64).clamp(0, self.rows() - 1) as u32
    }

    /// Fine column of a longitude in [-180, 180], clamped to the grid.
    #[inline]
    pub(crate) fn col(self, lon: f64) -> u32 {
        floor_i64((lon + 180.0) * self.k() as f64).clamp(0, self.cols() - 1) as u32
    }

    /// Southern edge of a fine row, degrees.
    #[inline]
    pub(crate) fn row_lat(self, row: i64) -> f64 {
        row as f64 / self.k() as f64 - 90.0
    }

    /// Western edge of a fine column, degrees.
    #[inline]
    pub(crate) fn col_lon(self, col: i64) -> f64 {
        col as f64 / self.k() as f64 - 180.0
    }

    /// Metres from `p` (normalized) to the nearest side of its fine cell, a
    /// lower bound (the smallest metres per degree of the cell): a disk of
    /// this radius round `p` stays in the cell.
    pub(crate) fn margin_m(self, p: LatLon) -> f64 {
        let (row, col) = (self.row(p.lat) as i64, self.col(p.lon) as i64);
        let (south, north) = (self.row_lat(row), self.row_lat(row + 1));
        let (west, east) = (self.col_lon(col), self.col_lon(col + 1));
        let dlat = (p.lat - south).min(north - p.lat).max(0.0);
        let dlon = (p.lon - west).min(east - p.lon).max(0.0);
        (dlat * MIN_M_PER_DEG_LAT).min(dlon * m_per_deg_lon_at_edge(south.abs().max(north.abs())))
    }

    /// Metres from every point of a fine cell to the antimeridian, a lower
    /// bound (the smallest metres per degree of the cell).
    pub(crate) fn antimeridian_m(self, row: u32, col: u32) -> f64 {
        let (row, col) = (row as i64, col as i64);
        let lat = self.row_lat(row).abs().max(self.row_lat(row + 1).abs());
        let deg = (self.col_lon(col) + 180.0).min(180.0 - self.col_lon(col + 1));
        deg.max(0.0) * m_per_deg_lon_at_edge(lat)
    }

    /// Sort key of a fine cell: coarse cell, then position in its block.
    #[inline]
    pub(crate) fn key(self, row: u32, col: u32) -> u64 {
        let coarse = (row >> self.shift) as u64 * COARSE_COLS as u64 + (col >> self.shift) as u64;
        let m = self.k() - 1;
        let local = (((row & m) << self.shift) | (col & m)) as u64;
        (coarse << 16) | local
    }

    /// Calls `f(row, col)` for every fine cell that the segment `a`-`b`
    /// ((lon, lat) degrees; longitudes may run past ±180), widened by
    /// `buffer_m` metres on each side, may touch. Conservative: the buffer is
    /// converted to degrees with the smallest metres-per-degree of each row.
    /// With `wrap`, columns past ±180 wrap round; without, they are clamped.
    /// The one fine cell that [`GridResolution::for_segment_cells`] visits
    /// for the segment from `a` to `b` (lon, lat) with no buffer, when the
    /// segment (give or take twice its margin) lies inside a single cell;
    /// `None` otherwise.
    #[inline]
    pub(crate) fn single_cell(self, a: (f64, f64), b: (f64, f64)) -> Option<(u32, u32)> {
        let k = self.k() as f64;
        let cell = |lo: f64, hi: f64, offset: f64, n: i64| {
            let c0 = floor_i64((lo - 2.0 * EPS_DEG + offset) * k);
            let c1 = floor_i64((hi + 2.0 * EPS_DEG + offset) * k);
            (c0 == c1 && (0..n).contains(&c0)).then_some(c0 as u32)
        };
        let row = cell(a.1.min(b.1), a.1.max(b.1), 90.0, self.rows())?;
        let col = cell(a.0.min(b.0), a.0.max(b.0), 180.0, self.cols())?;
        Some((row, col))
    }

    pub(crate) fn for_segment_cells(
        self,
        a: (f64, f64),
        b: (f64, f64),
        buffer_m: f64,
        wrap: bool,
        mut f: impl FnMut(u32, u32),
    ) {
        let k = self.k() as f64;
        let buf_lat = buffer_m / MIN_M_PER_DEG_LAT * (1.0 + 1e-6) + EPS_DEG;
        let (ylo, yhi) = (a.1.min(b.1) - buf_lat, a.1.max(b.1) + buf_lat);
        let r0 = floor_i64((ylo + 90.0) * k).max(0);
        let r1 = floor_i64((yhi + 90.0) * k).min(self.rows() - 1);
        let cols = self.cols();
        for row in r0..=r1 {
            let y0 = self.row_lat(row);
            let y1 = self.row_lat(row + 1);
            let (lo, hi) = (y0 - buf_lat, y1 + buf_lat);
            let (x0, x1) = if a.1 == b.1 {
                (a.0.min(b.0), a.0.max(b.0))
            } else {
                let ta = (lo - a.1) / (b.1 - a.1);
                let tb = (hi - a.1) / (b.1 - a.1);
                let (t0, t1) = (ta.min(tb).max(0.0), ta.max(tb).min(1.0));
                if t0 > t1 {
                    continue;
                }
                let xa = a.0 + t0 * (b.0 - a.0);
                let xb = a.0 + t1 * (b.0 - a.0);
                (xa.min(xb), xa.max(xb))
            };
            let buf_lon = if buffer_m > 0.0 {
                let lat_max = y0.abs().max(y1.abs()).min(90.0);
                buffer_m / m_per_deg_lon(lat_max) * (1.0 + 1e-6) + EPS_DEG
            } else {
                EPS_DEG
            };
            if !buf_lon.is_finite() || buf_lon >= 180.0 {
                for col in 0..cols {
                    f(row as u32, col as u32);
                }
                continue;
            }
            let c0 = floor_i64((x0 - buf_lon + 180.0) * k);
            let c1 = floor_i64((x1 + buf_lon + 180.0) * k);
            if wrap {
                if c1 - c0 + 1 >= cols {
                    for col in 0..cols {
                        f(row as u32, col as u32);
                    }
                } else {
                    for col in c0..=c1 {
                        f(row as u32, col.rem_euclid(cols) as u32);
                    }
                }
            } else {
                for col in c0.max(0)..=c1.min(cols - 1) {
                    f(row as u32, col as u32);
                }
            }
        }
    }
}

impl Default for GridResolution {
    fn default() -> Self {
        GridResolution::DEFAULT
    }
}

/// Items bucketed by fine cell, stored in blocks only where a 1° cell has
/// any.
#[derive(Debug, Clone)]
pub(crate) struct SparseGrid<T> {
    res: GridResolution,
    blocks: Vec<u32>,
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T> SparseGrid<T> {
    /// From `(key, item)` pairs sorted by key ([`GridResolution::key`]);
    /// items of one cell keep their order.
    pub(crate) fn from_sorted(
        res: GridResolution,
        pairs: impl IntoIterator<Item = (u64, T)>,
    ) -> Self {
        let per_block = (res.k() * res.k()) as usize;
        let mut blocks = vec![NO_BLOCK; COARSE_CELLS];
        let mut offsets: Vec<u32> = Vec::new();
        let mut items = Vec::new();
        let mut counts = vec![0u32; per_block];
        let mut cur_coarse = u64::MAX;
        let flush = |counts: &mut Vec<u32>, offsets: &mut Vec<u32>, start: usize| {
            let mut acc = start as u32;
            offsets.push(acc);
            for c in counts.iter_mut() {
                acc += *c;
                offsets.push(acc);
                *c = 0;
            }
        };
        let mut block_start = 0usize;
        for (key, item) in pairs {
            let coarse = key >> 16;
            if coarse != cur_coarse {
                if cur_coarse != u64::MAX {
                    flush(&mut counts, &mut offsets, block_start);
                }
                cur_coarse = coarse;
                blocks[coarse as usize] = (offsets.len() / (per_block + 1)) as u32;
                block_start = items.len();
            }
            counts[(key & 0xffff) as usize] += 1;
            items.push(item);
        }
        if cur_coarse != u64::MAX {
            flush(&mut counts, &mut offsets, block_start);
        }
        SparseGrid {
            res,
            blocks,
            offsets,
            items,
        }
    }

    /// The fine cell size.
    #[inline]
    pub(crate) fn resolution(&self) -> GridResolution {
        self.res
    }

    /// The items of a fine cell.
    #[inline]
    pub(crate) fn get(&self, row: u32, col: u32) -> &[T] {
        let s = self.res.shift;
        let coarse = (row >> s) as usize * COARSE_COLS + (col >> s) as usize;
        let block = self.blocks[coarse];
        if block == NO_BLOCK {
            return &[];
        }
        let m = self.res.k() - 1;
        let local = (((row & m) << s) | (col & m)) as usize;
        let base = block as usize * ((self.res.k() * self.res.k()) as usize + 1) + local;
        &self.items[self.offsets[base] as usize..self.offsets[base + 1] as usize]
    }

    /// True if the 1° cell holding fine cell `(row, col)` has no items.
    #[inline]
    pub(crate) fn coarse_empty(&self, row: u32, col: u32) -> bool {
        let s = self.res.shift;
        self.blocks[(row >> s) as usize * COARSE_COLS + (col >> s) as usize] == NO_BLOCK
    }

    /// Number of 1° cells with a block.
    pub(crate) fn block_count(&self) -> usize {
        self.offsets.len() / ((self.res.k() * self.res.k()) as usize + 1)
    }

    /// All items.
    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    /// Heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.blocks.len() * 4 + self.offsets.len() * 4 + self.items.len() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_margin_uses_the_poleward_edge() {
        for i in 0..=90 * 64 {
            let lat = i as f64 / 64.0;
            assert_eq!(m_per_deg_lon_at_edge(lat), m_per_deg_lon(lat), "{lat}");
        }
        let res = GridResolution::DEFAULT;
        // A point a quarter of a cell from the west side, well inside in
        // latitude: the margin is east-west, at the cell's poleward edge.
        for lat_edge in [-60.0, 0.0, 60.0] {
            let p = LatLon::new(lat_edge + 0.5 / 16.0, 10.0 + 0.25 / 16.0);
            let poleward = if lat_edge < 0.0 { lat_edge } else { lat_edge + 1.0 / 16.0 };
            let want = 0.25 / 16.0 * m_per_deg_lon(poleward);
            assert!((res.margin_m(p) - want).abs() < 1e-6 * want, "{lat_edge}: {} vs {want}", res.margin_m(p));
        }
        // On a side: no margin.
        assert_eq!(res.margin_m(LatLon::new(60.5, 10.0)), 0.0);
    }

    #[test]
    fn floor_i64_is_floor() {
        let mut xs = vec![0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1e300, -1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 9.223_372_036_854_776e18, -9.223_372_036_854_776e18, -9.3e18, 4503599627370495.5, -4503599627370495.5, f64::MIN_POSITIVE, -f64::MIN_POSITIVE];
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            xs.push(f64::from_bits(s));
            xs.push((s % 2_000_001) as f64 / 1000.0 - 1000.0);
        }
        for x in xs {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
    }

    #[test]
    fn keys_sort_by_coarse_then_local() {
        let r = GridResolution::DEFAULT;
        assert!(r.key(0, 15) < r.key(0, 16));
        assert!(r.key(15, 0) < r.key(0, 16));
        assert!(r.key(15, 15) < r.key(16, 0));
    }

    #[test]
    fn sparse_grid_lookup() {
        let r = GridResolution::cells_per_degree(4).unwrap();
        let mut pairs = vec![
            (r.key(r.row(10.1), r.col(20.3)), 1u32),
            (r.key(r.row(10.1), r.col(20.3)), 2),
            (r.key(r.row(-5.0), r.col(-170.0)), 3),
        ];
        pairs.sort_by_key(|p| p.0);
        let g = SparseGrid::from_sorted(r, pairs);
        assert_eq!(g.get(r.row(10.1), r.col(20.3)), &[1, 2]);
        assert_eq!(g.get(r.row(-5.0), r.col(-170.0)), &[3]);
        assert!(g.get(r.row(10.1), r.col(20.6)).is_empty());
        assert!(g.get(r.row(50.0), r.col(20.3)).is_empty());
        assert_eq!(g.block_count(), 2);
    }

    #[test]
    fn segment_cells_cover_buffer_and_wrap() {
        let r = GridResolution::DEFAULT;
        let mut cells = vec![];
        r.for_segment_cells((179.99, 0.0), (179.99, 0.001), 1852.0, true, |row, col| {
            cells.push((row, col))
        });
        assert!(cells.contains(&(r.row(0.0), 0)), "buffer wraps past 180");
        assert!(cells.contains(&(r.row(0.0), r.col(179.99))));
        assert!(cells.contains(&(r.row(-0.01), r.col(179.99))));
        assert!(GridResolution::cells_per_degree(12).is_none());
    }
}
