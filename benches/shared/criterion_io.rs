//! What the benchmarks share: the criterion configuration, and reading back
//! the medians criterion wrote, for the summaries printed after a run.

use core::time::Duration;
use std::path::PathBuf;

use criterion::Criterion;

/// One configuration for every benchmark: 1 s warm-up, 3 s of measurement
/// (the command line's `--warm-up-time` / `--measurement-time` override it).
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// Criterion's output directory, found as criterion finds it (minus the
/// `cargo metadata` fallback): `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`,
/// else `<crate>/target/criterion`.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("criterion")
}

/// The median (ns per iteration) of the benchmark `group/function[/param]`,
/// if it was measured.
pub fn median_ns(group: &str, function: &str, param: Option<usize>) -> Option<f64> {
    let mut path = criterion_dir().join(group).join(function);
    if let Some(param) = param {
        path = path.join(param.to_string());
    }
    let text = std::fs::read_to_string(path.join("new").join("estimates.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}
