#!/usr/bin/env python3
"""Builds the web map's offline basemap, crates/seawarden-serve/web/data/land.geojson.

Natural Earth land (public domain), two resolutions that tile without overlap:
  - 1:10m land inside the North Europe window (lon -16..45, lat 47..82), where
    the demo and the bundled cables are, simplified to about 100 m (islands under about 0.5 km² dropped);
  - 1:50m land everywhere else, simplified to about 2 km, for context when
    zoomed out.
Each feature has a property "detail" ("10m" or "50m"). Standard library only.

Usage: scripts/make-basemap.py [NATURAL_EARTH_DIR] [OUT]
  (defaults: /work/shared/data/boundaries/natural_earth and the web data path)
"""
import gzip
import json
import os
import sys

WINDOW = (-16.0, 47.0, 45.0, 82.0)  # min lon, min lat, max lon, max lat
# The complement of WINDOW as four rectangles (west, east, south, north).
OUTSIDE = [
    (-180.0, -90.0, WINDOW[0], 90.0),
    (WINDOW[2], -90.0, 180.0, 90.0),
    (WINDOW[0], -90.0, WINDOW[2], WINDOW[1]),
    (WINDOW[0], WINDOW[3], WINDOW[2], 90.0),
]


def clip_ring(ring, box):
    """Sutherland-Hodgman clip of a closed ring against an axis-aligned box.

    Parts of a ring that leave the box come back as edges along the box border,
    which is what a fill needs."""
    minx, miny, maxx, maxy = box
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring[:]
    edges = [
        (lambda p: p[0] >= minx, lambda a, b: _at_x(a, b, minx)),
        (lambda p: p[0] <= maxx, lambda a, b: _at_x(a, b, maxx)),
        (lambda p: p[1] >= miny, lambda a, b: _at_y(a, b, miny)),
        (lambda p: p[1] <= maxy, lambda a, b: _at_y(a, b, maxy)),
    ]
    for inside, cross in edges:
        if not pts:
            break
        out = []
        prev = pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        pts = out
    if len(pts) < 3:
        return None
    return pts + [pts[0]]


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return [x, a[1] + t * (b[1] - a[1])]


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return [a[0] + t * (b[0] - a[0]), y]


def simplify(ring, tol):
    """Douglas-Peucker on a closed ring (iterative), keeping the first point."""
    n = len(ring)
    if n <= 4:
        return ring
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    # Split the ring at its farthest point from the start so both halves are open paths.
    far = max(range(n), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    keep[far] = True
    stack = [(0, far), (far, n - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        ax, ay = ring[i]
        bx, by = ring[j]
        dx, dy = bx - ax, by - ay
        den = dx * dx + dy * dy
        best, best_d = -1, tol2
        for k in range(i + 1, j):
            px, py = ring[k]
            if den == 0.0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / den
                t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
                d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > best_d:
                best, best_d = k, d
        if best >= 0:
            keep[best] = True
            stack.append((i, best))
            stack.append((best, j))
    return [p for p, k in zip(ring, keep) if k]


def ring_area(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def polygons(geom):
    if geom["type"] == "Polygon":
        yield geom["coordinates"]
    elif geom["type"] == "MultiPolygon":
        yield from geom["coordinates"]


def build(features, boxes, tol, min_area, digits):
    out = []
    for f in features:
        for poly in polygons(f["geometry"]):
            for box in boxes:
                rings = []
                for idx, ring in enumerate(poly):
                    c = clip_ring(ring, box)
                    if c is None:
                        if idx == 0:
                            break
                        continue
                    c = simplify(c, tol)
                    c = [[round(x, digits), round(y, digits)] for x, y in c]
                    dedup = [c[0]]
                    for p in c[1:]:
                        if p != dedup[-1]:
                            dedup.append(p)
                    if len(dedup) < 4 or ring_area(dedup) < min_area:
                        if idx == 0:
                            break
                        continue
                    rings.append(dedup)
                if rings:
                    out.append(rings)
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/boundaries/natural_earth"
    here = os.path.dirname(os.path.abspath(__file__))
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "crates", "seawarden-serve", "web", "data", "land.geojson")
    with gzip.open(os.path.join(src, "ne_10m_land.json.gz"), "rt") as f:
        land10 = json.load(f)["features"]
    with open(os.path.join(src, "ne_50m_land.json")) as f:
        land50 = json.load(f)["features"]
    fine = build(land10, [WINDOW], tol=0.001, min_area=0.00005, digits=4)
    coarse = build(land50, OUTSIDE, tol=0.02, min_area=0.01, digits=3)
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"detail": "10m"},
             "geometry": {"type": "MultiPolygon", "coordinates": fine}},
            {"type": "Feature", "properties": {"detail": "50m"},
             "geometry": {"type": "MultiPolygon", "coordinates": coarse}},
        ],
    }
    with open(dst, "w") as f:
        json.dump(fc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{dst}: {len(fine)} fine + {len(coarse)} coarse polygons, {os.path.getsize(dst)} bytes")


if __name__ == "__main__":
    main()
