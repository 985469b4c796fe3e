//! The CLI's armor parser (`vaultseal_cli::armor`, RFC 7468 through
//! `pem-rfc7468`): parsing any bytes never panics, and whatever it accepts
//! re-armors (strict form) and re-parses to the same kind and bytes. Also
//! the CLI's own order: `is_armored`, then `decode`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultseal_cli::armor;

fuzz_target!(|data: &[u8]| {
    let _ = armor::is_armored(data);
    if let Ok((kind, bytes)) = armor::decode(data) {
        let text = armor::encode(kind, &bytes).expect("every kind's label encodes");
        assert!(armor::is_armored(text.as_bytes()));
        let (again_kind, again) = armor::decode(text.as_bytes()).expect("the strict form parses");
        assert_eq!(again_kind, kind);
        assert_eq!(*again, *bytes);
    }
});
