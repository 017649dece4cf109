//! Text telegram: DAC 1 FI 0 (ITU-R M.1371-5 Annex 5), addressed or broadcast.

use crate::bits::{AisText, Payload};
use crate::json::JsonWriter;

/// Free text in 6-bit ASCII, with an acknowledgement request and a sequence number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextTelegram {
    /// The sender asks for an acknowledgement (application-level, by FI 0 or 1/5).
    pub ack_required: bool,
    /// Text sequence number, 0-2047, linking a reply or acknowledgement.
    pub msg_seq: u16,
    /// The text; trailing `@` padding and spaces removed.
    pub text: AisText<161>,
}

impl TextTelegram {
    /// Decodes DAC 1 FI 0 application data: at least the 12 header bits.
    pub fn decode(data: &Payload) -> Option<TextTelegram> {
        if data.len() < 12 {
            return None;
        }
        let mut r = data.reader();
        let ack_required = r.flag();
        let msg_seq = r.u16(11);
        let chars = r.remaining() / 6;
        Some(TextTelegram { ack_required, msg_seq, text: r.text(chars) })
    }

    /// Writes `ack_required`, `msg_seq` and `text` (omitted when empty).
    pub fn write_json(&self, w: &mut JsonWriter<'_>) {
        w.bool("ack_required", self.ack_required).uint("msg_seq", self.msg_seq as u64);
        w.opt_str("text", self.text.non_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{app_data, json_of};
    use super::super::{decode_application, Application};
    use super::*;
    use crate::bits::BitWriter;
    use crate::messages::AppId;

    /// Real multi-part telegrams from GFW ais-tools' `multi-part.nmea` (Osaka
    /// MARTIS, and a type 8 broadcast). gpsd 3.22 does not decode FI 0; the
    /// texts were read off the 6-bit payload by hand.
    #[test]
    fn real_telegrams() {
        let data = app_data(
            &["60475rUVhVah04000TpHu8l5@Ttsb0E<F3Hnu>37378Q0605B0u<4d60l59@", "U>33Sc;F0a=Chu<4d60l59@U>1;G6oFo;p0"],
            2,
        );
        let app = decode_application(AppId { dac: 1, fid: 0 }, &data, true).unwrap();
        let Application::TextTelegram(t) = &app else { panic!("{app:?}") };
        assert_eq!((t.ack_required, t.msg_seq), (false, 0));
        assert_eq!(t.text.as_str(), "INFORMATION: ESE 6M/S 1012HPA AT OSAKA MARTIS 08:25 JST<OSAKA MARTIS R51-5-2>");
        assert_eq!(json_of(&app)["text"], t.text.as_str());

        let data = app_data(
            &[
                "803v67P0@7p43jCU83k`521H32CQH0E831@Dm855kp3AE1DTp1TSkH521H42",
                "ADc85jE28521H43jCU80E831@Dm8<;ed83AE1DTp1TSkH521H4j2D;`520CR",
                "p6CmH1Sl`6CmD`2jCQ80kkl1DPE2CkcP",
            ],
            0,
        );
        let t = TextTelegram::decode(&data).unwrap();
        assert_eq!(t.msg_seq, 2016);
        assert_eq!(
            t.text.as_str(),
            "POINT ON THE LINE AT LEAST TWO METERS FROM THE PIER, WITH THE POINT AT LEAST 0.60 METERS \
             FROM THE SHIP. THANK YOU FOR YOUR KIND COOPERATION."
        );
    }

    /// libais `typeexamples.nmea` line 8: an empty telegram (text "@@@").
    #[test]
    fn empty_telegram() {
        let data = app_data(&["603Owlh0>5Q@04000000"], 0);
        let app = decode_application(AppId { dac: 1, fid: 0 }, &data, true).unwrap();
        let j = json_of(&app);
        assert_eq!((&j["ack_required"], &j["msg_seq"]), (&false.into(), &0.into()));
        assert!(j.get("text").is_none());
    }

    #[test]
    fn synthetic_and_short() {
        let mut w = BitWriter::new();
        w.flag(true).u(11, 1234).text(5, "HELLO").u(4, 0);
        let t = TextTelegram::decode(&w.finish()).unwrap();
        assert_eq!((t.ack_required, t.msg_seq, t.text.as_str()), (true, 1234, "HELLO"));
        let mut w = BitWriter::new();
        w.u(11, 0);
        assert!(TextTelegram::decode(&w.finish()).is_none());
    }
}
