//! The CLI's armor parser (`src/bin/vaultseal/armor.rs`, compiled in as a
//! module): parsing any bytes never panics, and whatever it accepts re-armors
//! and re-parses to the same kind and bytes. Also the CLI's own order:
//! `is_armored`, then `decode`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/bin/vaultseal/armor.rs"]
mod armor;

fuzz_target!(|data: &[u8]| {
    let _ = armor::is_armored(data);
    if let Ok((kind, bytes)) = armor::decode(data) {
        let text = armor::encode(kind, &bytes);
        assert!(armor::is_armored(text.as_bytes()));
        let again = armor::decode(text.as_bytes()).map(|(k, b)| (k, b.to_vec()));
        assert_eq!(again, Ok((kind, bytes.to_vec())));
    }
});
