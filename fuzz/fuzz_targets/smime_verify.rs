//! Placeholder: replaced by the target of the S/MIME verification work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = smime_core::AlgorithmPolicy::default();
    let _ = data;
});
