//! Infrastructure, zones and watchlists: the files given at start plus
//! those uploaded through the API (kept under `<data>/uploads/`, one file
//! per uploaded feature so that each can be deleted).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use seawarden_geo::{load_geojson_file, parse_geojson, FeatureKind, Layer, LoadOptions};
use seawarden_pipeline::WorldSpec;
use seawarden_registry::{WatchEntry, Watchlist};
use serde_json::{json, Map, Value};

/// An API error: HTTP status and message.
pub(crate) type ApiErr = (u16, String);

pub(crate) struct Infra {
    base: WorldSpec,
    infra_dir: PathBuf,
    watch_dir: PathBuf,
    geojson: RwLock<Arc<String>>,
    /// Serialises changes (upload, delete, world rebuild).
    pub change: tokio::sync::Mutex<()>,
}

/// Reading options for a file, as the pipeline's world reads it.
pub(crate) fn options_for(path: &str, spec: &WorldSpec) -> LoadOptions {
    // The same presets as the pipeline's world (by file name).
    let name = Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut o = if name.contains("cable-geo") {
        LoadOptions::telegeography()
    } else if name.contains("pipline") {
        LoadOptions::sodir_pipelines()
    } else if name.contains("countries-maritime") {
        LoadOptions::countries_maritime()
    } else {
        LoadOptions::default()
    };
    if !name.contains("countries-maritime") {
        if let Some(k) = FeatureKind::parse(&spec.default_zone_kind).filter(|k| !k.is_line()) {
            o.zone_kind = k;
        }
    }
    if let Some(p) = &spec.id_property {
        o.id_property = Some(p.clone());
    }
    o.corridor_m = spec.corridor_m;
    o
}

fn ring(r: &[seawarden_geo::LatLon]) -> Value {
    Value::Array(r.iter().map(|p| json!([p.lon, p.lat])).collect())
}

fn layer_features(layer: &Layer, origin: &str, out: &mut Vec<Value>) {
    for l in &layer.lines {
        let f = l.feature();
        let parts: Vec<Value> = l.parts().iter().map(|p| ring(p)).collect();
        let geometry = if parts.len() == 1 {
            json!({"type": "LineString", "coordinates": parts[0]})
        } else {
            json!({"type": "MultiLineString", "coordinates": parts})
        };
        out.push(json!({"type": "Feature", "id": f.id, "geometry": geometry, "properties": {"id": f.id, "name": f.name, "kind": f.kind.as_str(), "corridor_m": f.corridor_m, "origin": origin}}));
    }
    for z in &layer.zones {
        let f = z.feature();
        let polys: Vec<Value> = z
            .polygons()
            .iter()
            .map(|p| Value::Array(p.iter().map(|r| ring(r)).collect()))
            .collect();
        let geometry = if polys.len() == 1 {
            json!({"type": "Polygon", "coordinates": polys[0]})
        } else {
            json!({"type": "MultiPolygon", "coordinates": polys})
        };
        out.push(json!({"type": "Feature", "id": f.id, "geometry": geometry, "properties": {"id": f.id, "name": f.name, "kind": f.kind.as_str(), "corridor_m": Value::Null, "origin": origin}}));
    }
}

fn files_in(dir: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .map(|p| p.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A file name for a feature id.
fn file_stem(id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    format!("{clean}-{h:016x}")
}

impl Infra {
    pub fn new(base: WorldSpec, data_dir: Option<PathBuf>) -> Result<Infra> {
        let root = match data_dir {
            Some(d) => d.join("uploads"),
            None => std::env::temp_dir().join(format!(
                "seawarden-serve-{}-{}",
                std::process::id(),
                crate::now_ms()
            )),
        };
        let infra_dir = root.join("infra");
        let watch_dir = root.join("watchlists");
        for d in [&infra_dir, &watch_dir] {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
        }
        let infra = Infra {
            base,
            infra_dir,
            watch_dir,
            geojson: RwLock::new(Arc::new(String::new())),
            change: tokio::sync::Mutex::new(()),
        };
        infra.refresh().map_err(|(_, m)| anyhow::anyhow!(m))?;
        Ok(infra)
    }

    /// The world: files given at start plus uploads.
    pub fn spec(&self) -> WorldSpec {
        let mut s = self.base.clone();
        s.infra.extend(files_in(&self.infra_dir, "geojson"));
        s.watchlist.extend(files_in(&self.watch_dir, "csv"));
        s
    }

    /// The features as one GeoJSON FeatureCollection.
    pub fn geojson(&self) -> Arc<String> {
        self.geojson
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn load_all(&self) -> Result<Vec<(String, Layer)>, ApiErr> {
        let spec = self.spec();
        let uploads = self.infra_dir.to_string_lossy().into_owned();
        let mut v = Vec::new();
        for path in spec.infra.iter().chain(&spec.zones) {
            let layer = load_geojson_file(path, &options_for(path, &spec))
                .map_err(|e| (500, format!("cannot load {path}: {e}")))?;
            let origin = if path.starts_with(&uploads) {
                "upload"
            } else {
                "startup"
            };
            v.push((origin.to_string(), layer));
        }
        Ok(v)
    }

    /// Rebuilds the GeoJSON served.
    pub fn refresh(&self) -> Result<(), ApiErr> {
        let mut features = Vec::new();
        for (origin, layer) in self.load_all()? {
            layer_features(&layer, &origin, &mut features);
        }
        let text = json!({"type": "FeatureCollection", "features": features}).to_string();
        *self.geojson.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(text);
        Ok(())
    }

    /// Checks an uploaded GeoJSON document and writes one file per feature;
    /// returns the new ids and the files written (to remove if the world
    /// cannot be rebuilt).
    pub fn upload(&self, body: &[u8]) -> Result<(Vec<String>, Vec<PathBuf>), ApiErr> {
        let spec = self.spec();
        let options = options_for("upload.geojson", &spec);
        let bad = |m: String| (400u16, m);
        let layer = parse_geojson(body, "upload", &options)
            .map_err(|e| bad(format!("invalid GeoJSON: {e}")))?;
        if !layer.report.skipped.is_empty() {
            return Err(bad(format!("invalid GeoJSON: {}", layer.report)));
        }
        if layer.lines.is_empty() && layer.zones.is_empty() {
            return Err(bad(
                "the GeoJSON holds no line (cable, pipeline) or polygon (zone) feature".into(),
            ));
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON: {e}")))?;
        let raw: Vec<Value> =
            match &value {
                Value::Object(o)
                    if o.get("type").and_then(Value::as_str) == Some("FeatureCollection") =>
                {
                    o.get("features")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                }
                Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("Feature") => {
                    vec![value.clone()]
                }
                _ => return Err(bad(
                    "expected a GeoJSON Feature or FeatureCollection with an id on each feature"
                        .into(),
                )),
            };
        let id_key = options.id_property.clone().unwrap_or_else(|| "id".into());
        let existing: std::collections::HashSet<String> = self
            .load_all()?
            .iter()
            .flat_map(|(_, l)| {
                l.lines
                    .iter()
                    .map(|x| x.feature().id.clone())
                    .chain(l.zones.iter().map(|z| z.feature().id.clone()))
            })
            .collect();
        let mut ids = Vec::new();
        let mut docs = Vec::new();
        for (i, f) in raw.iter().enumerate() {
            let id = f
                .get("properties")
                .and_then(|p| p.get(&id_key))
                .or_else(|| f.get("id"))
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_i64().map(|n| n.to_string()))
                })
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    bad(format!(
                        "feature {i} has no id (an \"id\" property or a top-level \"id\")"
                    ))
                })?;
            if existing.contains(&id) || ids.contains(&id) {
                return Err((
                    409,
                    format!("a feature with id {id:?} exists already; delete it first"),
                ));
            }
            ids.push(id);
            let mut m = Map::new();
            m.insert("type".into(), "FeatureCollection".into());
            m.insert("features".into(), Value::Array(vec![f.clone()]));
            docs.push(Value::Object(m));
        }
        let mut written = Vec::new();
        for (id, doc) in ids.iter().zip(docs) {
            let path = self.infra_dir.join(format!("{}.geojson", file_stem(id)));
            if let Err(e) = std::fs::write(&path, doc.to_string()) {
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
                return Err((500, format!("cannot write {}: {e}", path.display())));
            }
            written.push(path);
        }
        Ok((ids, written))
    }

    /// The uploaded file holding feature `id`; 409 for features given at start.
    pub fn find_upload(&self, id: &str) -> Result<PathBuf, ApiErr> {
        let path = self.infra_dir.join(format!("{}.geojson", file_stem(id)));
        if path.exists() {
            return Ok(path);
        }
        let known = self.load_all()?.iter().any(|(_, l)| {
            l.lines.iter().any(|x| x.feature().id == id)
                || l.zones.iter().any(|z| z.feature().id == id)
        });
        if known {
            Err((409, format!("feature {id:?} comes from a file given at start; remove it from that file and restart")))
        } else {
            Err((404, format!("no feature {id:?}")))
        }
    }

    /// Every watchlist entry.
    pub fn watchlist(&self) -> Result<Vec<WatchEntry>, ApiErr> {
        let w = Watchlist::load_all(&self.spec().watchlist).map_err(|e| (500, format!("{e:#}")))?;
        Ok(w.entries().to_vec())
    }

    /// Checks uploaded entries (CSV `mmsi,imo,name,list,reason`, or a JSON
    /// array of objects with those keys) and writes them as a CSV file.
    pub fn upload_watchlist(
        &self,
        body: &[u8],
        json_body: bool,
    ) -> Result<(usize, PathBuf), ApiErr> {
        let bad = |m: String| (400u16, m);
        let entries: Vec<WatchEntry> = if json_body {
            let v: Value =
                serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON: {e}")))?;
            let Value::Array(items) = v else {
                return Err(bad(
                    "expected a JSON array of {mmsi, imo, name, list, reason}".into(),
                ));
            };
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                let num = |k: &str| -> Result<Option<u32>, ApiErr> {
                    match it.get(k) {
                        None | Some(Value::Null) => Ok(None),
                        Some(v) => v
                            .as_u64()
                            .filter(|n| *n <= 999_999_999)
                            .map(|n| Some(n as u32))
                            .ok_or_else(|| bad(format!("entry {i}: {k} must be a number"))),
                    }
                };
                let text = |k: &str| it.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let e = WatchEntry {
                    mmsi: num("mmsi")?,
                    imo: num("imo")?,
                    name: text("name"),
                    list: text("list"),
                    reason: text("reason"),
                };
                if e.mmsi.is_none() && e.imo.is_none() && e.name.trim().is_empty() {
                    return Err(bad(format!("entry {i}: needs an mmsi, an imo or a name")));
                }
                if e.list.trim().is_empty() {
                    return Err(bad(format!("entry {i}: needs a list name")));
                }
                out.push(e);
            }
            out
        } else {
            let w = Watchlist::from_reader(body, "upload")
                .map_err(|e| bad(format!("invalid watchlist CSV: {e:#}")))?;
            if let Some(r) = w.reports().first() {
                if !r.rejected.is_empty() {
                    return Err(bad(format!("invalid watchlist CSV: {r}")));
                }
            }
            w.entries().to_vec()
        };
        if entries.is_empty() {
            return Err(bad("no watchlist entry".into()));
        }
        let path = self
            .watch_dir
            .join(format!("upload-{}.csv", crate::now_ms()));
        let mut buf = Vec::new();
        seawarden_registry::write_csv(&entries, &mut buf).map_err(|e| (500, format!("{e:#}")))?;
        std::fs::write(&path, buf)
            .map_err(|e| (500, format!("cannot write {}: {e}", path.display())))?;
        Ok((entries.len(), path))
    }
}
