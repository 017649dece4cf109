"""What the candidate-selection queries share: the command line, the cable's
corridor as a small table of segments, the ports near it, the area and time
to read, and the output.

The queries themselves are in candidates_duckdb.py and candidates_spark.py.
Both mirror `seawarden investigate`'s candidate selection
(crates/seawarden-investigate/src/analyse.rs); README.md says how and where
they differ.
"""

import argparse
import csv
import datetime as dt
import gzip
import json
import math
import os
import sys

# Defaults of `seawarden investigate` (docs/investigate.md).
DEFAULT_CORRIDOR_M = 1852.0  # a feature without `corridor_m`: 1 nm each side
DARK_GAP_MS = 15 * 60 * 1000  # a crossing inside a silence this long is "dark"
IN_PORT_KM = 3.0  # reports this close to a port (or moored) are "in port"
MOORED = 5  # navigational status "moored"

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PORTS = os.path.join(
    HERE, "..", "..", "crates", "seawarden-registry", "data", "wpi_north_europe.csv"
)


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("archive", help="store directory (holds archive/positions/date=YYYY-MM-DD/)")
    p.add_argument("--infra", required=True, help="GeoJSON holding the cable or pipeline")
    p.add_argument("--feature", required=True, help="id (or name) of the damaged line")
    p.add_argument("--corridor-m", type=float, help="corridor half-width, metres "
                   "(default: the feature's corridor_m, else 1852)")
    p.add_argument("--from", dest="start", required=True, help="window start, RFC 3339 UTC")
    p.add_argument("--to", dest="end", required=True, help="window end, RFC 3339 UTC")
    p.add_argument("--context-hours", type=float, default=12.0,
                   help="hours read either side of the window (a dark crossing needs "
                        "the report before and after the gap) [12]")
    p.add_argument("--context-km", type=float, default=60.0,
                   help="distance around the line from which reports are read [60]")
    p.add_argument("--ports", default=DEFAULT_PORTS,
                   help="World Port Index CSV (reports within 3 km of a port do not "
                        "count as corridor presence) [the extract Seawarden embeds]")
    p.add_argument("--no-ports", action="store_true", help="ignore ports")
    a = p.parse_args()
    try:
        a.from_ms = parse_time(a.start)
        a.to_ms = parse_time(a.end)
    except ValueError as e:
        p.error(str(e))
    if a.to_ms < a.from_ms:
        p.error("--to is before --from")
    if a.corridor_m is not None and not (a.corridor_m > 0 and math.isfinite(a.corridor_m)):
        p.error("--corridor-m must be a positive number of metres")
    if not os.path.isdir(os.path.join(a.archive, "archive", "positions")):
        p.error(f"{a.archive} holds no archive/positions/ (create one with `seawarden ingest --data`)")
    return a


def parse_time(s):
    """RFC 3339 UTC (2024-11-17T07:00:00Z) to epoch milliseconds."""
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"{s!r} has no time zone; write it as 2024-11-17T07:00:00Z")
    return int(t.timestamp() * 1000)


def iso(ms):
    if ms is None:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def load_segments(path, feature, corridor_m=None):
    """The line's segments as rows (segment, lon1, lat1, lon2, lat2,
    corridor_m), selected by id as `seawarden investigate` does: a
    TeleGeography `cable-geo` file by `feature_id`, a Sodir `pipLine` file
    by `idPipeline`, else the `id` property or the feature's id; failing
    that by name (case-insensitive)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        doc = json.load(f)
    name = os.path.basename(path).lower()
    id_prop = "feature_id" if "cable-geo" in name else "idPipeline" if "pipline" in name else None

    def ident(ft):
        props = ft.get("properties") or {}
        for v in (props.get(id_prop) if id_prop else None, props.get("id"), ft.get("id")):
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                return str(v)
        return None

    feats = doc.get("features", [doc] if doc.get("type") == "Feature" else [])
    lines = [ft for ft in feats if (ft.get("geometry") or {}).get("type") in ("LineString", "MultiLineString")]
    chosen = [ft for ft in lines if ident(ft) == feature]
    if not chosen:
        chosen = [ft for ft in lines
                  if str((ft.get("properties") or {}).get("name", "")).lower() == feature.strip().lower()]
    if not chosen:
        sys.exit(f"no cable or pipeline in {path} has the id or name {feature!r}")
    rows = []
    for ft in chosen:
        g = ft["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        c = corridor_m
        if c is None:
            v = (ft.get("properties") or {}).get("corridor_m")
            c = float(v) if isinstance(v, (int, float)) and v > 0 else DEFAULT_CORRIDOR_M
        for part in parts:
            for (lon1, lat1, *_), (lon2, lat2, *_) in zip(part, part[1:]):
                rows.append((len(rows), float(lon1), float(lat1), float(lon2), float(lat2), c))
    if not rows:
        sys.exit(f"{feature!r} in {path} has no segment")
    return rows


def corridor_bbox(segments):
    """[min lat, min lon, max lat, max lon] of the line widened by its corridor."""
    b = [math.inf, math.inf, -math.inf, -math.inf]
    for _, lon1, lat1, lon2, lat2, c in segments:
        for lon, lat in ((lon1, lat1), (lon2, lat2)):
            dlat = c / 110_000.0
            dlon = c / (110_000.0 * max(math.cos(math.radians(lat)), 0.01))
            b = [min(b[0], lat - dlat), min(b[1], lon - dlon), max(b[2], lat + dlat), max(b[3], lon + dlon)]
    return b


def read_area(segments, context_km):
    """(min lon, min lat, max lon, max lat) read from the archive: the
    corridor's box widened by `context_km`, as `investigate --data` reads."""
    lat0, lon0, lat1, lon1 = corridor_bbox(segments)
    dlat = context_km / 111.0
    dlon = dlat / math.cos(math.radians(min(max(abs(lat0), abs(lat1)), 85.0)))
    return (max(lon0 - dlon, -180.0), max(lat0 - dlat, -90.0),
            min(lon1 + dlon, 180.0), min(lat1 + dlat, 90.0))


def load_ports(path, segments):
    """(lat, lon) of the World Port Index ports that can be within 3 km of
    the corridor (a few dozen rows at most)."""
    lat0, lon0, lat1, lon1 = corridor_bbox(segments)
    m = (IN_PORT_KM + 1.0) / 100.0  # degrees of latitude, with a margin
    mlon = m / max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 0.01)
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, skipinitialspace=True):
            try:
                lat, lon = float(row["Latitude"]), float(row["Longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            if lat0 - m <= lat <= lat1 + m and lon0 - mlon <= lon <= lon1 + mlon:
                out.append((lat, lon))
    return out


def params(a):
    """Everything the queries need, with the window widened for reading."""
    segments = load_segments(a.infra, a.feature, a.corridor_m)
    ports = [] if a.no_ports else load_ports(a.ports, segments)
    margin = int(a.context_hours * 3_600_000)
    t0, t1 = a.from_ms - margin, a.to_ms + margin
    day = lambda ms: dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).date().isoformat()
    return {
        "segments": segments,
        "ports": ports,
        "from_ms": a.from_ms,
        "to_ms": a.to_ms,
        "read_from_ms": t0,
        "read_to_ms": t1,
        "first_day": day(t0),
        "last_day": day(t1),
        "area": read_area(segments, a.context_km),
    }


def write_csv(rows, out=sys.stdout):
    """One line per candidate: MMSI, first time in the corridor or over the
    line, first crossing (empty if none), whether that crossing was dark,
    number of reports inside the corridor (in the window, not in port)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["mmsi", "first_time", "first_crossing", "first_crossing_dark", "corridor_reports"])
    for mmsi, first_ms, crossing_ms, dark, inside in rows:
        w.writerow([mmsi, iso(first_ms), iso(crossing_ms),
                    "" if crossing_ms is None else str(bool(dark)).lower(), inside])
