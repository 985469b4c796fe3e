//! Known-answer vector files: compare, or (re)write with `VAULTSEAL_WRITE_VECTORS=1`.

use std::path::PathBuf;

/// The path of `tests/vectors/<name>.json`.
fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
        .join(format!("{name}.json"))
}

/// Compare `actual` with the stored vector file `name`, or write it when
/// `VAULTSEAL_WRITE_VECTORS=1`. A missing file is a failure, never a pass.
pub fn check_or_write(name: &str, actual: &serde_json::Value) {
    let path = vector_path(name);
    let pretty = serde_json::to_string_pretty(actual).expect("vectors serialize") + "\n";
    if std::env::var_os("VAULTSEAL_WRITE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::write(&path, pretty).expect("write vector file");
        return;
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing vector file {}: {e}", path.display()));
    let stored: serde_json::Value = serde_json::from_str(&stored).expect("vector file is JSON");
    assert_eq!(&stored, actual, "known-answer vector {name} changed");
}

/// A deterministic RNG for vectors: ChaCha20 seeded with `seed`.
pub fn seeded_rng(seed: u64) -> rand_chacha::ChaCha20Rng {
    use rand_core::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

/// A fuzz seed `fuzz/seeds/<target>/<name>` equal to `bytes` (a vector's
/// encoding): written with the vectors, and checked against them otherwise.
pub fn check_or_write_fuzz_seed(target: &str, name: &str, bytes: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let path = dir.join(name);
    if std::env::var_os("VAULTSEAL_WRITE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).expect("create the fuzz seed directory");
        std::fs::write(&path, bytes).expect("write the fuzz seed");
    } else {
        let stored = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("missing fuzz seed {}: {e}", path.display()));
        assert_eq!(stored, bytes, "fuzz seed {target}/{name} differs from the vector");
    }
}
