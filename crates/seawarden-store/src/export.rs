//! Export of tracks and alerts as GeoJSON, KML, CSV and (Geo)Parquet.

use std::io::Write;
use std::sync::Arc;

use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use seawarden_detect::alert::rfc3339;
use seawarden_track::PositionObs;
use serde_json::{json, Value};

use crate::{Error, Result, StoredAlert};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON FeatureCollection (RFC 7946).
    GeoJson,
    /// KML 2.2.
    Kml,
    /// CSV with a header row.
    Csv,
    /// GeoParquet 1.1 (zstd).
    Parquet,
}

impl Format {
    /// Parses `geojson`, `kml`, `csv` or `parquet`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "kml" => Some(Format::Kml),
            "csv" => Some(Format::Csv),
            "parquet" | "geoparquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

fn io(e: std::io::Error) -> Error {
    Error::io("export output", e)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes positions (sorted by MMSI, time, as the store returns them) as
/// tracks: one line per vessel for GeoJSON and KML, one row per position
/// for CSV and Parquet.
pub fn write_tracks(positions: &[PositionObs], format: Format, mut out: impl Write) -> Result<()> {
    let tracks: Vec<&[PositionObs]> = positions.chunk_by(|a, b| a.mmsi == b.mmsi).collect();
    match format {
        Format::GeoJson => {
            let features: Vec<Value> = tracks
                .iter()
                .map(|t| {
                    let coords: Vec<Value> = t.iter().map(|p| json!([p.lon, p.lat])).collect();
                    let geometry = if coords.len() == 1 {
                        json!({"type": "Point", "coordinates": coords[0]})
                    } else {
                        json!({"type": "LineString", "coordinates": coords})
                    };
                    json!({
                        "type": "Feature",
                        "geometry": geometry,
                        "properties": {
                            "mmsi": t[0].mmsi,
                            "start": rfc3339(t[0].time_ms),
                            "end": rfc3339(t[t.len() - 1].time_ms),
                            "positions": t.len(),
                            "times": t.iter().map(|p| rfc3339(p.time_ms)).collect::<Vec<_>>(),
                        }
                    })
                })
                .collect();
            serde_json::to_writer(
                &mut out,
                &json!({"type": "FeatureCollection", "features": features}),
            )
            .map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        }
        Format::Kml => {
            writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\" xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n<Document><name>Seawarden tracks</name>").map_err(io)?;
            for t in &tracks {
                writeln!(out, "<Placemark><name>{}</name><gx:Track>", t[0].mmsi).map_err(io)?;
                for p in t.iter() {
                    writeln!(out, "<when>{}</when>", rfc3339(p.time_ms)).map_err(io)?;
                }
                for p in t.iter() {
                    writeln!(out, "<gx:coord>{} {} 0</gx:coord>", p.lon, p.lat).map_err(io)?;
                }
                writeln!(out, "</gx:Track></Placemark>").map_err(io)?;
            }
            writeln!(out, "</Document>\n</kml>").map_err(io)?;
        }
        Format::Csv => {
            writeln!(
                out,
                "mmsi,time,lat,lon,sog_kn,cog_deg,heading,status,msg_type,source"
            )
            .map_err(io)?;
            for p in positions {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{}",
                    p.mmsi,
                    rfc3339(p.time_ms),
                    p.lat,
                    p.lon,
                    opt(p.sog),
                    opt(p.cog),
                    opt(p.heading),
                    opt(p.status),
                    p.msg_type,
                    csv_field(p.source.as_ref().map_or("", |s| s.as_str()))
                )
                .map_err(io)?;
            }
        }
        Format::Parquet => {
            let mut buffer = crate::archive::Buffer::default();
            for p in positions {
                buffer.push_position(p);
            }
            let mut rows: Vec<_> = std::mem::take(&mut buffer.positions)
                .into_values()
                .flatten()
                .collect();
            let (data, _, _) = crate::archive::encode_positions(&mut rows, &buffer)?;
            out.write_all(&data).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}

const ALERT_SCHEMA: &str = "message alert {
  required binary id (STRING);
  required binary kind (STRING);
  required binary event (STRING);
  required int32 mmsi;
  optional int32 other_mmsi;
  required int64 start (TIMESTAMP(MILLIS,true));
  required int64 end (TIMESTAMP(MILLIS,true));
  required group geometry {
    required double x;
    required double y;
  }
  required int32 score (INTEGER(8,true));
  required binary summary (STRING);
  required binary json (STRING);
}";

/// Writes alerts: points with every field (GeoJSON properties are the
/// alert's own JSON), placemarks for KML, one row each for CSV and Parquet.
pub fn write_alerts(alerts: &[StoredAlert], format: Format, mut out: impl Write) -> Result<()> {
    match format {
        Format::GeoJson => {
            let features: Vec<Value> = alerts
                .iter()
                .map(|a| {
                    let props: Value = serde_json::from_str(&a.json).unwrap_or_else(|_| json!({"id": a.id, "kind": a.kind, "summary": a.summary}));
                    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]}, "properties": props})
                })
                .collect();
            serde_json::to_writer(
                &mut out,
                &json!({"type": "FeatureCollection", "features": features}),
            )
            .map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        }
        Format::Kml => {
            writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document><name>Seawarden alerts</name>").map_err(io)?;
            for a in alerts {
                writeln!(
                    out,
                    "<Placemark><name>{} {}</name><description>{}</description><TimeSpan><begin>{}</begin><end>{}</end></TimeSpan><Point><coordinates>{},{},0</coordinates></Point></Placemark>",
                    xml_escape(&a.kind),
                    a.mmsi,
                    xml_escape(&a.summary),
                    rfc3339(a.start_ms),
                    rfc3339(a.end_ms),
                    a.lon,
                    a.lat
                )
                .map_err(io)?;
            }
            writeln!(out, "</Document>\n</kml>").map_err(io)?;
        }
        Format::Csv => {
            writeln!(
                out,
                "id,kind,event,mmsi,other_mmsi,start,end,lat,lon,score,summary"
            )
            .map_err(io)?;
            for a in alerts {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    csv_field(&a.id),
                    csv_field(&a.kind),
                    a.event,
                    a.mmsi,
                    opt(a.other_mmsi),
                    rfc3339(a.start_ms),
                    rfc3339(a.end_ms),
                    a.lat,
                    a.lon,
                    a.score,
                    csv_field(&a.summary)
                )
                .map_err(io)?;
            }
        }
        Format::Parquet => {
            let schema = Arc::new(parse_message_type(ALERT_SCHEMA)?);
            let props = WriterProperties::builder()
                .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
                .build();
            let mut data = Vec::new();
            {
                let mut w = SerializedFileWriter::new(&mut data, schema, Arc::new(props))?;
                w.append_key_value_metadata(KeyValue::new(
                    "geo".to_string(),
                    json!({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "point", "geometry_types": ["Point"]}}}).to_string(),
                ));
                let mut rg = w.next_row_group()?;
                macro_rules! col {
                    ($ty:ty, $vals:expr, $defs:expr) => {{
                        let mut c = rg
                            .next_column()?
                            .ok_or_else(|| Error::corrupt("export", "alert schema"))?;
                        c.typed::<$ty>().write_batch($vals, $defs, None)?;
                        c.close()?;
                    }};
                }
                let s = |f: fn(&StoredAlert) -> &str| {
                    alerts
                        .iter()
                        .map(|a| ByteArray::from(f(a)))
                        .collect::<Vec<_>>()
                };
                col!(ByteArrayType, &s(|a| &a.id), None);
                col!(ByteArrayType, &s(|a| &a.kind), None);
                col!(ByteArrayType, &s(|a| &a.event), None);
                col!(
                    Int32Type,
                    &alerts.iter().map(|a| a.mmsi as i32).collect::<Vec<_>>(),
                    None
                );
                let others: Vec<i32> = alerts
                    .iter()
                    .filter_map(|a| a.other_mmsi.map(|m| m as i32))
                    .collect();
                let defs: Vec<i16> = alerts
                    .iter()
                    .map(|a| a.other_mmsi.is_some() as i16)
                    .collect();
                col!(Int32Type, &others, Some(&defs));
                col!(
                    Int64Type,
                    &alerts.iter().map(|a| a.start_ms).collect::<Vec<_>>(),
                    None
                );
                col!(
                    Int64Type,
                    &alerts.iter().map(|a| a.end_ms).collect::<Vec<_>>(),
                    None
                );
                col!(
                    DoubleType,
                    &alerts.iter().map(|a| a.lon).collect::<Vec<_>>(),
                    None
                );
                col!(
                    DoubleType,
                    &alerts.iter().map(|a| a.lat).collect::<Vec<_>>(),
                    None
                );
                col!(
                    Int32Type,
                    &alerts.iter().map(|a| a.score as i32).collect::<Vec<_>>(),
                    None
                );
                col!(ByteArrayType, &s(|a| &a.summary), None);
                col!(ByteArrayType, &s(|a| &a.json), None);
                rg.close()?;
                w.close()?;
            }
            out.write_all(&data).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}
