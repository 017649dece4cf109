//! Application-specific binary messages (types 6 and 8) registered by the IMO
//! (SN.1/Circ.289) and ITU-R M.1371: DAC 1 function identifiers.

use crate::bits::Payload;
use crate::json::JsonWriter;
use crate::messages::AppId;

/// A decoded application payload.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Application {}

/// Decodes the application data of a binary message, for the DAC/FI pairs
/// Seawarden knows; `None` for others or for data too short for the layout.
/// `addressed` is true for type 6, false for type 8.
pub fn decode_application(app: AppId, data: &Payload, addressed: bool) -> Option<Application> {
    let _ = (app, data, addressed);
    None
}

impl Application {
    /// Writes the decoded fields as JSON object members (gpsd-style names).
    pub fn write_json(&self, w: &mut JsonWriter) {
        let _ = w;
        match *self {}
    }
}
