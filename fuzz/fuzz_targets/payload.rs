//! One armored payload: the first byte minus `'0'` is the fill-bit count
//! (so `0` = 0 fill bits, any other byte tests out-of-range counts), the rest
//! the armored characters. See `seawarden_ais_fuzz::checks::check_payload`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    seawarden_ais_fuzz::checks::check_payload(data);
});
