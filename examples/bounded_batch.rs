//! Batch verification at scale, in bounded memory: `N` encoded sealed deploy
//! keys verified either in chunks ([`vaultseal::verify_in_chunks`]) or in one
//! batch, with the throughput and the process's peak resident memory.
//!
//! ```sh
//! cargo run --release --example bounded_batch -- --items 10000 --chunk 1024
//! cargo run --release --example bounded_batch -- --items 10000 --one-batch
//! ```
//!
//! The items cycle through 256 distinct sealed deploy keys (sealing 100 000
//! would take longer than verifying them); each is decoded and verified as if
//! it were new. Run one configuration per process: the peak resident memory
//! (`VmHWM` of `/proc/self/status`, Linux) is the process's.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::time::Instant;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    BatchVerifier, Context, DeployKey, Params, Purpose, VaultKeypair, seal_deploy_key,
    verify_in_chunks,
};

/// Distinct sealed items the stream cycles through.
const DISTINCT: usize = 256;

/// `--items N`, `--chunk C` (default 1 024) or `--one-batch`.
struct Args {
    items: usize,
    chunk: Option<usize>,
}

fn args() -> Args {
    let mut parsed = Args { items: 1_000, chunk: Some(1_024) };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || args.next().and_then(|n| n.parse().ok()).expect("a number");
        match arg.as_str() {
            "--items" => parsed.items = number(),
            "--chunk" => parsed.chunk = Some(number()),
            "--one-batch" => parsed.chunk = None,
            other => panic!("unknown argument {other}: --items N, --chunk C, --one-batch"),
        }
    }
    parsed
}

/// The process's peak resident set size in MiB (Linux), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let args = args();
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let vault = VaultKeypair::generate(params, &mut rng);
    let context = Context::new(b"registry", b"github:1", Purpose::DeployKey, [3; 32]).unwrap();
    let distinct: Vec<Vec<u8>> = (0..DISTINCT)
        .map(|_| {
            let key = DeployKey::generate(&mut rng);
            seal_deploy_key(params, &[*vault.public()], &context, &key, &mut rng)
                .unwrap()
                .to_bytes()
        })
        .collect();
    let before = peak_rss_mib().unwrap_or(f64::NAN);
    // The stream: owned copies, as if read from disk one by one, each with
    // the context it verifies under (borrowed: the closure below may keep
    // it for its chunk).
    let stream = (0..args.items).map(|i| (distinct[i % DISTINCT].clone(), &context));

    let start = Instant::now();
    let result = match args.chunk {
        Some(chunk) => verify_in_chunks(
            params,
            stream,
            chunk,
            |batch, (bytes, context)| {
                batch.push_sealed_deploy_key_bytes(bytes, context);
            },
            &mut rng,
        ),
        None => {
            let all: Vec<(Vec<u8>, &Context)> = stream.collect();
            let mut batch = BatchVerifier::with_capacity(params, all.len());
            for (bytes, context) in &all {
                batch.push_sealed_deploy_key_bytes(bytes, context);
            }
            batch.verify(&mut rng)
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    result.expect("every item verifies");
    let peak = peak_rss_mib().unwrap_or(f64::NAN);
    let mode = match args.chunk {
        Some(chunk) => format!("chunks of {chunk}"),
        None => "one batch".to_owned(),
    };
    println!(
        "{} sealed deploy keys, {mode}: {seconds:.2} s, {:.0} items/s; peak RSS {peak:.0} MiB, \
         {:.0} MiB above the set-up ({:.2} KiB per item)",
        args.items,
        args.items as f64 / seconds,
        peak - before,
        (peak - before) * 1024.0 / args.items as f64,
    );
}
