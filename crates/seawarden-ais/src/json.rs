//! A small, allocation-light JSON object writer used for gpsd-style output.

use std::fmt::Write as _;

/// Writes one JSON object's members into a byte buffer.
///
/// Members are written in call order; [`JsonWriter::finish`] closes the object.
pub struct JsonWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> JsonWriter<'a> {
    /// Opens an object at the end of `out`.
    pub fn object(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        JsonWriter { out, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// An unsigned integer member.
    pub fn uint(&mut self, key: &str, v: u64) -> &mut Self {
        self.key(key);
        let mut buf = itoa_buf(v as i128);
        self.out.extend_from_slice(buf.as_bytes_mut());
        self
    }

    /// A signed integer member.
    pub fn int(&mut self, key: &str, v: i64) -> &mut Self {
        self.key(key);
        let mut buf = itoa_buf(v as i128);
        self.out.extend_from_slice(buf.as_bytes_mut());
        self
    }

    /// A floating-point member with at most `decimals` decimals, trailing zeros
    /// removed (`12.5`, not `12.500000`). Non-finite values become `null`.
    pub fn float(&mut self, key: &str, v: f64, decimals: usize) -> &mut Self {
        self.key(key);
        write_float(self.out, v, decimals);
        self
    }

    /// A boolean member.
    pub fn bool(&mut self, key: &str, v: bool) -> &mut Self {
        self.key(key);
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// A string member, escaped.
    pub fn str(&mut self, key: &str, v: &str) -> &mut Self {
        self.key(key);
        write_str(self.out, v);
        self
    }

    /// A member whose value is raw JSON (an array or object built by the caller).
    pub fn raw(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.key(key);
        self.out.extend_from_slice(json);
        self
    }

    /// Optional members: written only when `Some`.
    pub fn opt_uint<T: Into<u64>>(&mut self, key: &str, v: Option<T>) -> &mut Self {
        if let Some(v) = v {
            self.uint(key, v.into());
        }
        self
    }

    /// Optional float member.
    pub fn opt_float<T: Into<f64>>(&mut self, key: &str, v: Option<T>, decimals: usize) -> &mut Self {
        if let Some(v) = v {
            self.float(key, v.into(), decimals);
        }
        self
    }

    /// Optional string member; empty strings are omitted too.
    pub fn opt_str(&mut self, key: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v.filter(|s| !s.is_empty()) {
            self.str(key, v);
        }
        self
    }

    /// Closes the object.
    pub fn finish(self) {
        self.out.push(b'}');
    }
}

struct ItoaBuf {
    buf: [u8; 48],
    start: usize,
}

impl ItoaBuf {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn itoa_buf(v: i128) -> ItoaBuf {
    let mut buf = [0u8; 48];
    let mut i = buf.len();
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    ItoaBuf { buf, start: i }
}

/// Writes `v` with at most `decimals` decimals and no trailing zeros.
pub fn write_float(out: &mut Vec<u8>, v: f64, decimals: usize) {
    if !v.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    let mut s = String::with_capacity(24);
    let _ = write!(s, "{:.*}", decimals, v);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.push('0');
        }
    }
    if s == "-0.0" {
        s.remove(0);
    }
    out.extend_from_slice(s.as_bytes());
}

/// Writes a JSON string literal, escaping quotes, backslashes and control characters.
pub fn write_str(out: &mut Vec<u8>, v: &str) {
    out.push(b'"');
    for &b in v.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1F => {
                let _ = write!(HexSink(out), "\\u{:04x}", b);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

struct HexSink<'a>(&'a mut Vec<u8>);
impl std::fmt::Write for HexSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_members() {
        let mut out = Vec::new();
        let mut w = JsonWriter::object(&mut out);
        w.uint("a", 3).int("b", -4).float("c", 12.5, 6).float("d", 1.0 / 3.0, 3).str("e", "x\"y\\").bool("f", true);
        w.opt_uint::<u8>("g", None).opt_str("h", Some(""));
        w.finish();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":3,"b":-4,"c":12.5,"d":0.333,"e":"x\"y\\","f":true}"#);
    }
}
