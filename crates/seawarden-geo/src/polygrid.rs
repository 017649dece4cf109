//! Point-in-polygon through a grid of classified cells, shared by zones and
//! the land mask.
//!
//! Every region (a set of rings read with the even-odd rule) is classified
//! per cell: cells its boundary does not touch are wholly inside or wholly
//! outside it; cells its boundary touches ("mixed") keep the edges that
//! touch them and whether a fixed reference point of the cell is inside.
//! A query in a mixed cell counts the crossings of the segment from the
//! query to the reference point with those edges only: that segment stays
//! in the cell, so no other edge can cross it, and each crossing flips
//! inside/outside.
//!
//! Two levels: 1° cells are classified first (a 1° cell wholly inside a
//! region costs one list entry), and only 1° cells touched by a boundary
//! are divided into fine cells. Reference points are classified at build
//! time by horizontal scanlines.
//!
//! With a buffer, a cell also keeps the edges within the buffer of it, and
//! a cell is only "wholly inside" if no edge is within the buffer: the land
//! mask uses this to measure the distance to the coast.

use crate::geodesy::{planar, LatLon, LocalFrame};
use crate::grid::{GridResolution, SparseGrid, COARSE_CELLS, COARSE_COLS, COARSE_ROWS};

/// An edge, (lon, lat) degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Edge {
    pub ax: f64,
    pub ay: f64,
    pub bx: f64,
    pub by: f64,
}

impl Edge {
    /// Longitude where the edge meets latitude `y` (caller checks it does).
    #[inline]
    fn x_at(&self, y: f64) -> f64 {
        self.ax + (y - self.ay) * (self.bx - self.ax) / (self.by - self.ay)
    }

    /// True if the edge spans latitude `y`, half-open (a vertex exactly on
    /// `y` counts as above), as in the crossing-number test.
    #[inline]
    fn spans(&self, y: f64) -> bool {
        (self.ay > y) != (self.by > y)
    }

    /// Squared distance in metres from the frame's origin to the edge.
    #[inline]
    pub(crate) fn distance2(&self, frame: &LocalFrame) -> f64 {
        let a = frame.to_xy(LatLon::new(self.ay, self.ax));
        let b = frame.to_xy(LatLon::new(self.by, self.bx));
        planar::segment_distance2([0.0, 0.0], a, b).0
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    region: u32,
    /// Boundary in or near the cell: `start..start + len` of `edges`.
    mixed: bool,
    /// Whether the cell's reference point is inside (mixed cells).
    ref_inside: bool,
    start: u32,
    len: u32,
}

/// Reference point offsets, as fractions of a cell: away from the centre and
/// from round numbers, so that no data vertex or edge falls on them.
const REF_X: f64 = 0.487_139_173_5;
const REF_Y: f64 = 0.513_728_917_3;

#[inline]
fn coarse_ref(crow: usize, ccol: usize) -> (f64, f64) {
    (ccol as f64 - 180.0 + REF_X, crow as f64 - 90.0 + REF_Y)
}

#[inline]
fn fine_ref(res: GridResolution, row: u32, col: u32) -> (f64, f64) {
    let c = res.cell_deg();
    (
        res.col_lon(col as i64) + REF_X * c,
        res.row_lat(row as i64) + REF_Y * c,
    )
}

#[inline]
fn orient(ax: f64, ay: f64, bx: f64, by: f64, cx: f64, cy: f64) -> f64 {
    (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
}

/// True if edge `e` crosses the segment `p`-`r`. Vertices on the line `pr`
/// count as on its negative side (the same rule for both edges of a vertex,
/// so touching is counted twice or not at all, and parity stays right).
#[inline]
fn crosses(px: f64, py: f64, rx: f64, ry: f64, e: &Edge) -> bool {
    let sa = orient(px, py, rx, ry, e.ax, e.ay) > 0.0;
    let sb = orient(px, py, rx, ry, e.bx, e.by) > 0.0;
    if sa == sb {
        return false;
    }
    let tp = orient(e.ax, e.ay, e.bx, e.by, px, py) > 0.0;
    let tr = orient(e.ax, e.ay, e.bx, e.by, rx, ry) > 0.0;
    tp != tr
}

/// Even-odd crossing-number test over all edges of some rings.
pub(crate) fn ring_parity<'a>(rings: impl IntoIterator<Item = &'a Vec<LatLon>>, p: LatLon) -> bool {
    let mut inside = false;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let a = ring[i];
            let b = ring[(i + 1) % n];
            let e = Edge {
                ax: a.lon,
                ay: a.lat,
                bx: b.lon,
                by: b.lat,
            };
            if e.spans(p.lat) && p.lon < e.x_at(p.lat) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Edges of some rings, as [`Edge`]s (zero-length ones dropped).
pub(crate) fn ring_edges<'a>(
    rings: impl IntoIterator<Item = &'a Vec<LatLon>> + 'a,
) -> impl Iterator<Item = Edge> + 'a {
    rings.into_iter().flat_map(|ring| {
        let n = ring.len();
        (0..n).filter_map(move |i| {
            let a = ring[i];
            let b = ring[(i + 1) % n];
            (a != b).then_some(Edge {
                ax: a.lon,
                ay: a.lat,
                bx: b.lon,
                by: b.lat,
            })
        })
    })
}

/// The grid.
#[derive(Debug, Clone)]
pub(crate) struct PolyGrid {
    res: GridResolution,
    /// Regions wholly containing each 1° cell (CSR).
    full_off: Vec<u32>,
    full: Vec<u32>,
    fine: SparseGrid<Entry>,
    edges: Vec<Edge>,
    /// Metres round each edge within which its cells are entered.
    buffer_m: f64,
}

/// Sizes, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolyGridStats {
    /// 1° cells wholly inside a region (counted per region).
    pub full_coarse_cells: usize,
    /// 1° cells divided into fine cells.
    pub split_coarse_cells: usize,
    /// Fine cell entries (wholly inside, or mixed).
    pub fine_entries: usize,
    /// Edges stored in mixed fine cells (an edge counts once per cell).
    pub stored_edges: usize,
    /// Heap bytes of the grid.
    pub heap_bytes: usize,
}

impl PolyGrid {
    /// Builds the grid; `regions[i]` are the rings of region `i`.
    pub(crate) fn build(
        res: GridResolution,
        regions: &[Vec<&Vec<LatLon>>],
        buffer_m: f64,
    ) -> PolyGrid {
        let k = res.k() as usize;
        // 1. Edges and their regions.
        let mut edges: Vec<Edge> = Vec::new();
        let mut edge_region: Vec<u32> = Vec::new();
        for (r, rings) in regions.iter().enumerate() {
            for e in ring_edges(rings.iter().copied()) {
                edges.push(e);
                edge_region.push(r as u32);
            }
        }
        // 2. Fine cells each edge (with the buffer) may touch.
        let mut inc: Vec<(u64, u32)> = Vec::new();
        for (ei, e) in edges.iter().enumerate() {
            res.for_segment_cells((e.ax, e.ay), (e.bx, e.by), buffer_m, false, |row, col| {
                inc.push((res.key(row, col), ei as u32))
            });
        }
        inc.sort_unstable();
        inc.dedup();
        // 3. (1° cell, region) pairs with boundary: to be split.
        let mut mixed: Vec<(u32, u32)> = inc
            .iter()
            .map(|&(key, e)| ((key >> 16) as u32, edge_region[e as usize]))
            .collect();
        mixed.sort_unstable();
        mixed.dedup();
        // 4. Scanlines through the 1° reference points.
        let mut xs: Vec<(u32, u32, f64)> = Vec::new();
        for (ei, e) in edges.iter().enumerate() {
            let r0 = crate::grid::floor_i64(e.ay.min(e.by) + 90.0).clamp(0, COARSE_ROWS as i64 - 1);
            let r1 = crate::grid::floor_i64(e.ay.max(e.by) + 90.0).clamp(0, COARSE_ROWS as i64 - 1);
            for crow in r0..=r1 {
                let y = coarse_ref(crow as usize, 0).1;
                if e.spans(y) {
                    xs.push((crow as u32, edge_region[ei], e.x_at(y)));
                }
            }
        }
        xs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        let group = |crow: u32, region: u32| -> &[(u32, u32, f64)] {
            let lo = xs.partition_point(|x| (x.0, x.1) < (crow, region));
            let hi = xs.partition_point(|x| (x.0, x.1) <= (crow, region));
            &xs[lo..hi]
        };
        let is_mixed = |coarse: u32, region: u32| mixed.binary_search(&(coarse, region)).is_ok();
        let mut full_pairs: Vec<(u32, u32)> = Vec::new();
        let mut i = 0;
        while i < xs.len() {
            let (crow, region) = (xs[i].0, xs[i].1);
            let g = group(crow, region);
            for pair in g.chunks_exact(2) {
                let (lo, hi) = (pair[0].2, pair[1].2);
                let c0 = crate::grid::floor_i64(lo + 180.0 - REF_X).max(0);
                let c1 = ((hi + 180.0 - REF_X).ceil() as i64).min(COARSE_COLS as i64 - 1);
                for ccol in c0..=c1 {
                    let x = coarse_ref(crow as usize, ccol as usize).0;
                    let coarse = crow * COARSE_COLS as u32 + ccol as u32;
                    if x >= lo && x < hi && !is_mixed(coarse, region) {
                        full_pairs.push((coarse, region));
                    }
                }
            }
            i += g.len();
        }
        full_pairs.sort_unstable();
        full_pairs.dedup();
        let mut full_off = Vec::with_capacity(COARSE_CELLS + 1);
        let mut full = Vec::with_capacity(full_pairs.len());
        let mut j = 0;
        for c in 0..COARSE_CELLS as u32 {
            full_off.push(full.len() as u32);
            while j < full_pairs.len() && full_pairs[j].0 == c {
                full.push(full_pairs[j].1);
                j += 1;
            }
        }
        full_off.push(full.len() as u32);

        // 5. Fine cells of split 1° cells.
        let mut fine_pairs: Vec<(u64, Entry)> = Vec::new();
        let mut stored: Vec<Edge> = Vec::new();
        let mut block: Vec<(u32, u32, bool, Vec<u32>)> = Vec::new(); // local, region, ref_inside, edges
        let mut e_cr: Vec<u32> = Vec::new();
        let mut row_xs: Vec<f64> = Vec::new();
        let mut m = 0;
        let mut inc_i = 0;
        while m < mixed.len() {
            let coarse = mixed[m].0;
            let m_end = m + mixed[m..].iter().take_while(|x| x.0 == coarse).count();
            let inc_lo = inc_i + inc[inc_i..].partition_point(|x| (x.0 >> 16) < coarse as u64);
            let inc_hi = inc_lo + inc[inc_lo..].partition_point(|x| (x.0 >> 16) == coarse as u64);
            inc_i = inc_hi;
            let cell_inc = &inc[inc_lo..inc_hi];
            let (crow, ccol) = (coarse as usize / COARSE_COLS, coarse as usize % COARSE_COLS);
            let (xrc, yrc) = coarse_ref(crow, ccol);
            block.clear();
            for &(_, region) in &mixed[m..m_end] {
                // Status of the 1° reference point.
                let g = group(crow as u32, region);
                let s = g.iter().filter(|x| x.2 > xrc).count() % 2 == 1;
                e_cr.clear();
                e_cr.extend(
                    cell_inc
                        .iter()
                        .map(|x| x.1)
                        .filter(|&e| edge_region[e as usize] == region),
                );
                e_cr.sort_unstable();
                e_cr.dedup();
                for j in 0..k {
                    let row = (crow * k + j) as u32;
                    let yf = fine_ref(res, row, 0).1;
                    // Up or down the reference meridian, then along the row.
                    let mut s_row = s;
                    for &e in &e_cr {
                        if crosses(xrc, yf, xrc, yrc, &edges[e as usize]) {
                            s_row = !s_row;
                        }
                    }
                    row_xs.clear();
                    row_xs.extend(
                        e_cr.iter()
                            .map(|&e| &edges[e as usize])
                            .filter(|e| e.spans(yf))
                            .map(|e| e.x_at(yf)),
                    );
                    row_xs.sort_unstable_by(f64::total_cmp);
                    let upto = |x: f64| row_xs.partition_point(|&v| v <= x);
                    for i in 0..k {
                        let col = (ccol * k + i) as u32;
                        let xf = fine_ref(res, row, col).0;
                        let n = if xf < xrc {
                            upto(xrc) - upto(xf)
                        } else {
                            upto(xf) - upto(xrc)
                        };
                        let inside = s_row ^ (n % 2 == 1);
                        let key = res.key(row, col);
                        let lo = cell_inc.partition_point(|x| x.0 < key);
                        let hi = cell_inc.partition_point(|x| x.0 <= key);
                        let cell_edges: Vec<u32> = cell_inc[lo..hi]
                            .iter()
                            .map(|x| x.1)
                            .filter(|&e| edge_region[e as usize] == region)
                            .collect();
                        if !cell_edges.is_empty() || inside {
                            block.push(((key & 0xffff) as u32, region, inside, cell_edges));
                        }
                    }
                }
            }
            block.sort_by_key(|b| (b.0, b.1));
            for (local, region, inside, cell_edges) in block.drain(..) {
                let entry = Entry {
                    region,
                    mixed: !cell_edges.is_empty(),
                    ref_inside: inside,
                    start: stored.len() as u32,
                    len: cell_edges.len() as u32,
                };
                stored.extend(cell_edges.iter().map(|&e| edges[e as usize]));
                fine_pairs.push((((coarse as u64) << 16) | local as u64, entry));
            }
            m = m_end;
        }
        let fine = SparseGrid::from_sorted(res, fine_pairs);
        PolyGrid {
            res,
            full_off,
            full,
            fine,
            edges: stored,
            buffer_m,
        }
    }

    /// Calls `f(region, edges)` for every region containing `p` (normalized
    /// longitude): `edges` is `None` if the whole cell is inside the region
    /// (no boundary within the buffer), else the boundary edges in or near
    /// the cell. Regions come 1° cells first, then fine cells, each in
    /// region order.
    #[inline]
    pub(crate) fn for_each_inside(
        &self,
        p: LatLon,
        mut f: impl FnMut(u32, Option<&[Edge]>) -> bool,
    ) {
        let res = self.res;
        let (row, col, coarse) = self.cell_of(p);
        for &r in &self.full[self.full_off[coarse] as usize..self.full_off[coarse + 1] as usize] {
            if !f(r, None) {
                return;
            }
        }
        let entries = self.fine.get(row, col);
        if entries.is_empty() {
            return;
        }
        let (xr, yr) = fine_ref(res, row, col);
        for e in entries {
            if !e.mixed {
                if !f(e.region, None) {
                    return;
                }
                continue;
            }
            let edges = &self.edges[e.start as usize..(e.start + e.len) as usize];
            let mut inside = e.ref_inside;
            for ed in edges {
                if crosses(p.lon, p.lat, xr, yr, ed) {
                    inside = !inside;
                }
            }
            if inside && !f(e.region, Some(edges)) {
                return;
            }
        }
    }

    /// True if `p`'s (normalized) fine cell is in no region and stores no
    /// edge: then no region comes within the buffer of any point of it.
    /// Edges are entered in cells without wrapping round the antimeridian,
    /// so a cell within the buffer of it is never called empty (an edge
    /// just across could be that near).
    pub(crate) fn cell_is_empty(&self, p: LatLon) -> bool {
        let (row, col, coarse) = self.cell_of(p);
        self.full_off[coarse] == self.full_off[coarse + 1]
            && self.fine.get(row, col).is_empty()
            && self.res.antimeridian_m(row, col) > self.buffer_m
    }

    /// The fine row and column of `p` (normalized), and its 1° cell's index.
    #[inline]
    fn cell_of(&self, p: LatLon) -> (u32, u32, usize) {
        let res = self.res;
        let (row, col) = (res.row(p.lat), res.col(p.lon));
        let s = res.k().trailing_zeros();
        (row, col, (row >> s) as usize * COARSE_COLS + (col >> s) as usize)
    }

    /// Metres round `p` (normalized) within which no stored boundary edge
    /// changes what a query sees: the smaller of the distance to the sides
    /// of `p`'s fine cell and, over the edges stored for the cell,
    /// `per_edge(distance to the edge)`. With `per_edge` no more than the
    /// distance itself, no edge is crossed inside the disk, so every region
    /// contains all of it or none of it; edges not stored for the cell are
    /// farther than the buffer from every point of it.
    pub(crate) fn clearance_m(&self, p: LatLon, per_edge: impl Fn(f64) -> f64) -> f64 {
        let res = self.res;
        let mut r = res.margin_m(p);
        let entries = self.fine.get(res.row(p.lat), res.col(p.lon));
        if entries.iter().all(|e| !e.mixed) {
            return r;
        }
        let frame = LocalFrame::new(p);
        for e in entries.iter().filter(|e| e.mixed) {
            for ed in &self.edges[e.start as usize..(e.start + e.len) as usize] {
                r = r.min(per_edge(ed.distance2(&frame).sqrt()));
            }
        }
        r.max(0.0)
    }

    /// Sizes.
    pub(crate) fn stats(&self) -> PolyGridStats {
        PolyGridStats {
            full_coarse_cells: self.full.len(),
            split_coarse_cells: self.fine.block_count(),
            fine_entries: self.fine.items().len(),
            stored_edges: self.edges.len(),
            heap_bytes: self.full_off.len() * 4
                + self.full.len() * 4
                + self.fine.heap_bytes()
                + self.edges.len() * std::mem::size_of::<Edge>(),
        }
    }
}
