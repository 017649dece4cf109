#!/usr/bin/env python3
"""Builds the small GeoJSON extracts in demo/geo from the public data sets in
../shared/data (see demo/geo/README.md for sources and licences).

    python3 demo/geo/extract.py ../shared/data

Cables: TeleGeography features inside northern Europe (lon -12..35,
lat 50..81); parts of longer cables are cut where they leave that box.
Territorial seas: geo-maps countries-maritime polygons of the countries the
scenarios use, clipped to the same box and simplified (Douglas-Peucker,
about 150 m). Pipelines: Sodir's trunk pipelines, unchanged.
"""
import json
import math
import os
import sys

BOX = (-12.0, 50.0, 35.0, 81.0)  # lon0, lat0, lon1, lat1
COUNTRIES = ["FIN", "EST", "SWE", "LVA", "LTU", "DNK", "NOR", "GBR", "IRL", "SJM", "DEU", "POL", "RUS", "ALA", "NLD", "FRO"]
TOL_DEG = 0.0015  # ~150 m in latitude


def inside(p):
    return BOX[0] <= p[0] <= BOX[2] and BOX[1] <= p[1] <= BOX[3]


def cut_line(coords):
    parts, cur = [], []
    for p in coords:
        if inside(p):
            cur.append([round(p[0], 5), round(p[1], 5)])
        elif cur:
            parts.append(cur)
            cur = []
    if cur:
        parts.append(cur)
    return [q for q in parts if len(q) >= 2]


def perp(p, a, b):
    # planar distance in degrees, longitude scaled by cos(lat)
    k = math.cos(math.radians(a[1]))
    ax, ay, bx, by, px, py = a[0] * k, a[1], b[0] * k, b[1], p[0] * k, p[1]
    dx, dy = bx - ax, by - ay
    n = dx * dx + dy * dy
    if n == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / n))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(pts, tol):
    if len(pts) < 5:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = perp(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if best > tol and idx > 0:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def clip_ring(ring):
    # Sutherland-Hodgman against the box, one edge at a time.
    def clip(pts, inside_fn, cut):
        out = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside_fn(cur):
                if not inside_fn(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside_fn(prev):
                out.append(cut(prev, cur))
        return out

    def at_x(x):
        return lambda a, b: [x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])]

    def at_y(y):
        return lambda a, b: [a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y]

    pts = ring[:-1] if ring[0] == ring[-1] else ring
    for f, c in [
        (lambda p: p[0] >= BOX[0], at_x(BOX[0])),
        (lambda p: p[0] <= BOX[2], at_x(BOX[2])),
        (lambda p: p[1] >= BOX[1], at_y(BOX[1])),
        (lambda p: p[1] <= BOX[3], at_y(BOX[3])),
    ]:
        if not pts:
            break
        pts = clip(pts, f, c)
    if len(pts) < 3:
        return None
    pts = simplify(pts + [pts[0]], TOL_DEG)
    if len(pts) < 4:
        return None
    return [[round(x, 5), round(y, 5)] for x, y in pts]


def main(data):
    here = os.path.dirname(os.path.abspath(__file__))
    cables = json.load(open(os.path.join(data, "infrastructure/telegeography/cable-geo.json")))
    out = []
    for f in cables["features"]:
        g = f["geometry"]
        lines = g["coordinates"] if g["type"] == "MultiLineString" else [g["coordinates"]]
        parts = [q for line in lines for q in cut_line(line)]
        if parts:
            props = {k: f["properties"][k] for k in ("id", "name", "feature_id") if k in f["properties"]}
            out.append({"type": "Feature", "properties": props, "geometry": {"type": "MultiLineString", "coordinates": parts}})
    json.dump({"type": "FeatureCollection", "features": out}, open(os.path.join(here, "cable-geo-north-europe.json"), "w"), separators=(",", ":"))
    print(len(out), "cables")

    seas = json.load(open(os.path.join(data, "boundaries/osm/countries-maritime-10m_north-europe_clip.geojson")))
    out = []
    for f in seas["features"]:
        if f["properties"].get("A3") not in COUNTRIES:
            continue
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        kept = []
        for poly in polys:
            outer = clip_ring(poly[0])
            if outer is None:
                continue
            holes = [h for h in (clip_ring(r) for r in poly[1:]) if h]
            kept.append([outer] + holes)
        if kept:
            out.append({"type": "Feature", "properties": f["properties"], "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    json.dump({"type": "FeatureCollection", "features": out}, open(os.path.join(here, "countries-maritime-north-europe.geojson"), "w"), separators=(",", ":"))
    print(len(out), "territorial seas")

    pipes = json.load(open(os.path.join(data, "infrastructure/sodir/pipLine_wgs84.geojson")))
    keep = ("idPipeline", "mapLabel", "pipName", "medium", "curPhase", "dimension")
    feats = [
        {"type": "Feature", "properties": {k: f["properties"].get(k) for k in keep}, "geometry": f["geometry"]}
        for f in pipes["features"]
        if f.get("geometry")
    ]
    json.dump({"type": "FeatureCollection", "features": feats}, open(os.path.join(here, "pipLine-sodir.geojson"), "w"), separators=(",", ":"))
    print(len(feats), "pipelines")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
