//! Printing a per-stage profile (`BatchVerifier::verify_profiled`), shared by
//! the batch and registration benchmarks.

use core::time::Duration;

use vaultseal::batch::BatchProfile;

/// Print each stage of `p` in µs per item (`digest` and `decode` name the
/// first two stages), the total, and the point counts per `unit`.
pub fn print_stages(p: &BatchProfile, digest: &str, decode: &str, unit: &str) {
    let us = |d: Duration| d.as_secs_f64() * 1e6 / p.items as f64;
    for (stage, d) in [
        (digest, p.digest),
        (decode, p.decode),
        ("weights", p.weights),
        ("equations (transcripts + scalars)", p.equations),
        ("msm ristretto", p.msm_ristretto),
        ("msm edwards", p.msm_edwards),
    ] {
        println!("{stage:<36} {:>9.1}", us(d));
    }
    println!("{:<36} {:>9.1}", "total", us(p.total()));
    println!(
        "points: {} dynamic ristretto ({:.1}/{unit}), {} shared, {} static, {} edwards",
        p.dynamic_points,
        p.dynamic_points as f64 / p.items as f64,
        p.shared_points,
        p.static_points,
        p.edwards_points
    );
}
