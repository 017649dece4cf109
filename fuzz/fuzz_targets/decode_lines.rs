//! Arbitrary bytes, split into lines on `\n`, fed to one `Decoder` and
//! finished; see `seawarden_ais_fuzz::checks::check_lines` for what is
//! asserted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    seawarden_ais_fuzz::checks::check_lines(data);
});
