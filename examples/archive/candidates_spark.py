#!/usr/bin/env python3
"""Ships that crossed a cable's corridor in a time window, from a Seawarden
archive, as a Spark SQL job (`pip install pyspark`, Java 17 or newer).

    python3 candidates_spark.py DATA --infra cables.geojson --feature estlink-2 \\
        --from 2024-12-25T08:00:00Z --to 2024-12-25T12:00:00Z > candidates.csv

Runs in local mode as it is; on a cluster, submit it with spark-submit and
point DATA at the archive's shared location (HDFS, S3: any path Spark reads).
The same query as candidates_duckdb.py, in Spark's dialect; see README.md.
"""

import os

from pyspark.sql import SparkSession

import corridor

QUERY = """
WITH
-- 1. The reports read: the days, hours and area around the window and the
--    line, back in the AIS unit (1/600 000 degree), one per ship and time
--    (copies heard by several receivers).
reports AS (
    SELECT mmsi, t, lon, lat, status FROM (
        SELECT mmsi,
               unix_millis(time) AS t,
               round(geometry.x * 600000) / 600000 AS lon,
               round(geometry.y * 600000) / 600000 AS lat,
               status,
               row_number() OVER (PARTITION BY mmsi, unix_millis(time)
                                  ORDER BY geometry.x, geometry.y) AS copy
        FROM positions
        WHERE date BETWEEN CAST(:first_day AS DATE) AND CAST(:last_day AS DATE)
          AND unix_millis(time) BETWEEN :read_from_ms AND :read_to_ms
          AND geometry.x BETWEEN :min_lon AND :max_lon
          AND geometry.y BETWEEN :min_lat AND :max_lat
    ) WHERE copy = 1
),

-- 2. Each ship's straight path from one report to the next.
paths AS (
    SELECT * FROM (
        SELECT mmsi,
               lag(t)   OVER w AS t_a, lag(lon) OVER w AS lon_a, lag(lat) OVER w AS lat_a,
               t AS t_b, lon AS lon_b, lat AS lat_b
        FROM reports
        WINDOW w AS (PARTITION BY mmsi ORDER BY t)
    ) WHERE t_a IS NOT NULL AND t_b >= :from_ms AND t_a <= :to_ms
),

-- 3. Crossings: a path meets a segment of the line. In longitude/latitude:
--    an affine map of the local metric frame, so the same fraction along
--    the path. The crossing is timed by interpolation.
meets AS (
    SELECT p.*,
           (lon_b - lon_a) * (s.lat2 - s.lat1) - (lat_b - lat_a) * (s.lon2 - s.lon1) AS den,
           (s.lon1 - lon_a) * (s.lat2 - s.lat1) - (s.lat1 - lat_a) * (s.lon2 - s.lon1) AS num_path,
           (s.lon1 - lon_a) * (lat_b - lat_a) - (s.lat1 - lat_a) * (lon_b - lon_a) AS num_line
    FROM paths p JOIN segments s
      ON greatest(lon_a, lon_b) >= least(s.lon1, s.lon2)
     AND least(lon_a, lon_b) <= greatest(s.lon1, s.lon2)
     AND greatest(lat_a, lat_b) >= least(s.lat1, s.lat2)
     AND least(lat_a, lat_b) <= greatest(s.lat1, s.lat2)
),
crossings AS (
    SELECT mmsi,
           t_a + CAST(round((t_b - t_a) * along_path) AS BIGINT) AS t,
           t_b - t_a >= :dark_gap_ms AS dark
    FROM (
        SELECT *,
               CASE WHEN den <> 0 THEN num_path / den END AS along_path,  -- 0 at a, 1 at b
               CASE WHEN den <> 0 THEN num_line / den END AS along_line
        FROM meets
    )
    WHERE along_path BETWEEN 0 AND 1 AND along_line BETWEEN 0 AND 1
),

-- 4. Corridor presence: a report in the window within the corridor of a
--    segment (distance in metres in a local frame at the report: WGS 84
--    radii of curvature), not moored and not within 3 km of a port
--    (cables land at ports; a ferry at its berth is not a suspect).
frames AS (
    SELECT *,
           6378137.0 / sqrt(w) * cos(radians(lat)) * pi() / 180 AS kx,  -- metres per degree east
           6378137.0 * (1 - 0.00669437999014132) / (w * sqrt(w)) * pi() / 180 AS ky  -- north
    FROM (SELECT *, 1 - 0.00669437999014132 * pow(sin(radians(lat)), 2) AS w
          FROM reports WHERE t BETWEEN :from_ms AND :to_ms AND NOT (status <=> :moored))
),
near AS (
    SELECT r.mmsi, r.t, r.lat, r.lon, s.corridor_m,
           (s.lon1 - r.lon) * r.kx AS ax, (s.lat1 - r.lat) * r.ky AS ay,
           (s.lon2 - s.lon1) * r.kx AS dx, (s.lat2 - s.lat1) * r.ky AS dy
    FROM frames r JOIN segments s
      ON r.lat BETWEEN least(s.lat1, s.lat2) - s.corridor_m / 110000
                   AND greatest(s.lat1, s.lat2) + s.corridor_m / 110000
     AND r.lon BETWEEN least(s.lon1, s.lon2) - s.corridor_m / (110000 * greatest(cos(radians(r.lat)), 0.01))
                   AND greatest(s.lon1, s.lon2) + s.corridor_m / (110000 * greatest(cos(radians(r.lat)), 0.01))
),
inside AS (
    SELECT DISTINCT mmsi, t, lat, lon FROM (
        SELECT *, CASE WHEN dx * dx + dy * dy > 0
                       THEN least(greatest(-(ax * dx + ay * dy) / (dx * dx + dy * dy), 0), 1)
                       ELSE 0 END AS f
        FROM near
    ) WHERE pow(ax + f * dx, 2) + pow(ay + f * dy, 2) <= corridor_m * corridor_m
),
inside_not_in_port AS (
    SELECT mmsi, t FROM inside i
    LEFT ANTI JOIN ports p
      ON 2 * 6371.0088 * asin(least(sqrt(
              pow(sin(radians(p.lat - i.lat) / 2), 2)
            + cos(radians(i.lat)) * cos(radians(p.lat)) * pow(sin(radians(p.lon - i.lon) / 2), 2)), 1))
         <= :in_port_km
),

-- 5. One row per ship.
per_ship AS (
    SELECT mmsi, t, CAST(NULL AS BOOLEAN) AS dark FROM inside_not_in_port
    UNION ALL
    SELECT mmsi, t, dark FROM crossings WHERE t BETWEEN :from_ms AND :to_ms
)
SELECT mmsi,
       min(t) AS first_ms,
       min(t) FILTER (WHERE dark IS NOT NULL) AS first_crossing_ms,
       min_by(dark, t) FILTER (WHERE dark IS NOT NULL) AS first_crossing_dark,
       count(*) FILTER (WHERE dark IS NULL) AS corridor_reports
FROM per_ship
GROUP BY mmsi
ORDER BY first_ms, mmsi
"""


def main():
    args = corridor.parse_args(__doc__.splitlines()[0])
    p = corridor.params(args)
    spark = (SparkSession.builder
             .master(os.environ.get("SPARK_MASTER", "local[2]"))
             .appName("seawarden-cable-candidates")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             # Small inputs: few shuffle partitions; a JIT that starts fast.
             .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_SHUFFLE_PARTITIONS", "2"))
             .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
             .config("spark.sql.session.timeZone", "UTC")
             # Spark's vectorized Parquet reader (4.1) does not decode the
             # BYTE_STREAM_SPLIT encoding of the archive's coordinates; the
             # row-wise reader (parquet-java) does.
             .config("spark.sql.parquet.enableVectorizedReader", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        # The archive as it is: day partitions (date=YYYY-MM-DD) become a
        # `date` column, and Spark prunes the days and row groups.
        spark.read.parquet(os.path.join(args.archive, "archive", "positions")) \
            .createOrReplaceTempView("positions")
        spark.createDataFrame(
            p["segments"],
            "seg INT, lon1 DOUBLE, lat1 DOUBLE, lon2 DOUBLE, lat2 DOUBLE, corridor_m DOUBLE",
        ).createOrReplaceTempView("segments")
        spark.createDataFrame(p["ports"], "lat DOUBLE, lon DOUBLE").createOrReplaceTempView("ports")
        min_lon, min_lat, max_lon, max_lat = p["area"]
        rows = spark.sql(QUERY, args={
            "first_day": p["first_day"], "last_day": p["last_day"],
            "read_from_ms": p["read_from_ms"], "read_to_ms": p["read_to_ms"],
            "min_lon": min_lon, "max_lon": max_lon, "min_lat": min_lat, "max_lat": max_lat,
            "from_ms": p["from_ms"], "to_ms": p["to_ms"],
            "dark_gap_ms": corridor.DARK_GAP_MS, "moored": corridor.MOORED,
            "in_port_km": corridor.IN_PORT_KM,
        }).collect()
        corridor.write_csv([tuple(r) for r in rows])
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
