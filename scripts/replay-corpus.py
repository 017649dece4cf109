#!/usr/bin/env python3
"""Make a replay benchmark corpus from a real national feed.

Takes the Danish Maritime Authority's 5-minute national-feed sample
(../shared/data/ais/dma_aisabnormal/ais-sample.txt.gz: $PGHP headers, source
tags, duplicates from several receivers, 1,500 vessels) and repeats it with
every receive time shifted 5 minutes further each time, so that the traffic
continues for hours: a realistic mix for timing `seawarden replay`.

    scripts/replay-corpus.py OUT.nmea [--messages 1000000]
"""
import argparse
import gzip
import os
import sys
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "shared", "data", "ais", "dma_aisabnormal", "ais-sample.txt.gz")


def checksum(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"


def shift_pghp(line: str, delta: timedelta) -> str:
    body, _, _ = line[1:].partition("*")
    f = body.split(",")
    t = datetime(int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), int(f[7]), int(f[8]) * 1000, tzinfo=timezone.utc) + delta
    f[2:9] = [str(t.year), str(t.month), str(t.day), str(t.hour), str(t.minute), str(t.second), str(t.microsecond // 1000)]
    body = ",".join(f)
    return f"${body}*{checksum(body)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--messages", type=int, default=1_000_000, help="approximate number of AIS sentences")
    args = ap.parse_args()
    with gzip.open(SAMPLE, "rt", encoding="ascii", errors="replace") as f:
        lines = [l.rstrip("\r\n") for l in f]
    per_rep = sum(1 for l in lines if l.startswith("!"))
    reps = max(1, round(args.messages / per_rep))
    with open(args.out, "w", encoding="ascii") as out:
        for k in range(reps):
            delta = timedelta(minutes=5 * k)
            for l in lines:
                out.write((shift_pghp(l, delta) if l.startswith("$PGHP") else l) + "\n")
    print(f"{args.out}: {reps} x {per_rep} sentences ({reps * per_rep}), {reps * 5} minutes of traffic", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
