//! The main job: the project-creation flow of a decentralized cloud, end
//! to end, with the time each step takes.
//!
//! ```sh
//! cargo run --release --example quickstart                              # a few seconds
//! cargo run --release --example quickstart -- --registrations 1000      # the big batch
//! ```
//!
//! 1. Three vault nodes publish records (keys, proofs of possession, region);
//!    the network adds reputation and capacity.
//! 2. The user picks a vault (batch-verified proofs, weighted rendezvous).
//! 3. The user creates the config and code repositories' deploy keys and
//!    webhook secrets, seals them to the vault with zero-knowledge proofs,
//!    and signs the registration; installs the deploy
//!    keys and webhook secrets on the git host.
//! 4. The vault verifies the registration (one batch), checks repository
//!    ownership, opens the keys, signs with a deploy key and checks a webhook.
//! 5. Hybrid mode for an arbitrary payload; a single sealed secret.
//! 6. A 2-of-3 threshold registration: the deploy keys are dealt in shares
//!    to three vaults, each verifies and opens its shares, two of them sign
//!    with FROST (checked by `ssh-keygen -Y verify` where it is installed);
//!    no process ever holds the key.
//! 7. The vault verifies many registrations in one batch.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand_core::{Rng, UnwrapErr};
use vaultseal::{
    Context, DeployPublicKey, Params, ProjectId, ProjectRegistration, Purpose, RepositoryRole,
    SealedSecret, SelectionPolicy, SigningKey, VaultFields, VaultKeypair, VaultRecord, hybrid,
    seal_secret, select_vaults, verify_github_signature, verify_registration_bytes,
};

/// Print what `f` does (before it runs, so a long step never leaves the
/// screen silent), run it, print its duration in seconds, return its result.
fn step<T>(what: &str, f: impl FnOnce() -> T) -> T {
    announce(what);
    let start = Instant::now();
    let out = f();
    finish(start.elapsed());
    out
}

fn announce(what: &str) {
    use std::io::Write as _;
    print!("  {what:<64} ");
    let _ = std::io::stdout().flush();
}

fn finish(elapsed: Duration) {
    println!("{:>9.4} s", elapsed.as_secs_f64());
}

/// A stand-in git host: which deploy keys are installed on which repository.
#[derive(Default)]
struct GitHost {
    installed: BTreeMap<String, Vec<[u8; 32]>>,
}

impl GitHost {
    fn install(&mut self, repository: &str, key: &DeployPublicKey) {
        self.installed.entry(repository.to_owned()).or_default().push(key.to_bytes());
    }

    /// The vault's ownership check (`OwnershipCheck` is implemented for
    /// closures `Fn(&str, &DeployPublicKey) -> bool`).
    fn is_installed(&self, repository: &str, key: &DeployPublicKey) -> bool {
        self.installed.get(repository).is_some_and(|keys| keys.contains(&key.to_bytes()))
    }
}

fn main() -> Result<(), vaultseal::Error> {
    // The library never reaches for the OS: the caller brings the CSPRNG.
    let mut rng = UnwrapErr(getrandom::SysRng);
    let batch_size = match registrations_arg(std::env::args().skip(1)) {
        Ok(n) => n,
        Err(message) => {
            eprintln!(
                "{message}\nusage: quickstart [--registrations N]   (N ≥ 1, default {DEFAULT_REGISTRATIONS})"
            );
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let now = 1_790_000_000; // Unix seconds, fixed for the example
    println!("vaultseal quickstart: the project-creation flow\n");

    println!("0. public parameters");
    let params = step("derive generators (Params::new, once per process)", Params::new);

    println!("\n1. three vault nodes publish records");
    let regions = ["eu-west", "us-east", "ap-south"];
    let network = [(920, 5_000), (870, 12_000), (990, 800)]; // reputation, free capacity
    let mut vaults = Vec::new();
    let mut records = Vec::new();
    for (i, (region, (reputation, capacity))) in regions.iter().zip(network).enumerate() {
        let vault = step(&format!("vault {i} ({region}): generate its two keys (x, w)"), || {
            VaultKeypair::generate(&params, &mut rng)
        });
        let fields =
            VaultFields::new(region, &format!("https://vault-{i}.example"), 1, now + 86_400 * 365)?;
        let record = step(&format!("vault {i}: prove possession over its record fields"), || {
            VaultRecord::new(&vault, fields, &mut rng)
        });
        // Reputation and capacity come from the network, not from the vault.
        records.push(record.with_network_metrics(reputation, capacity)?);
        vaults.push(vault);
    }

    println!("\n2. the user picks a vault");
    let owner = SigningKey::from_bytes(&random_bytes(&mut rng));
    let project_id = ProjectId::derive(&owner.verifying_key(), "my-project")?;
    println!("  project id (derived from the owner key and name): {}…", &project_id.as_str()[..16]);
    let policy = SelectionPolicy {
        allowed_regions: vec!["eu-west".into(), "us-east".into()],
        min_reputation: 800,
        now: Some(now),
        ..SelectionPolicy::default()
    };
    let chosen = step("verify the records (one batch) and rank by rendezvous hashing", || {
        select_vaults(&params, &records, &policy, project_id.as_bytes(), 1, &mut rng)
    })?;
    let chosen_key = *chosen[0].public_key();
    let vault = vaults.iter().find(|v| *v.public() == chosen_key).expect("a published vault");
    println!("  chosen: {} ({})", chosen[0].fields().endpoint(), chosen[0].fields().region());

    println!("\n3. the user creates, seals and registers the project");
    let new = step("deploy keys + webhook secrets, 4 sealings with proofs, signature", || {
        ProjectRegistration::builder(&owner, "my-project")
            .recipients(&[chosen_key])
            .repositories("github:100000001", "github:100000002")
            .timestamp(now)
            .build(&params, &mut rng)
    })?;
    let wire = new.registration().to_bytes();
    println!(
        "  registration: {} bytes, id {}",
        wire.len(),
        hex::encode(&new.registration().registration_id()[..8])
    );
    let mut git_host = GitHost::default();
    for setup in new.repositories() {
        let line = setup.deploy_public_key().to_openssh("vaultseal").expect("plain comment");
        println!(
            "  {:?} repository {}: install deploy key {}…",
            setup.role(),
            setup.repository(),
            &line[..40]
        );
        println!(
            "      fingerprint {}; configure the webhook secret (64 hex digits)",
            setup.deploy_public_key().fingerprint()
        );
        git_host.install(setup.repository(), &setup.deploy_public_key());
    }

    println!("\n4. the vault verifies the registration, checks ownership, opens");
    let received = step("decode the registration", || ProjectRegistration::from_bytes(&wire))?;
    let ownership =
        |repository: &str, key: &DeployPublicKey| git_host.is_installed(repository, key);
    let verified = step("verify: owner signature, every proof in one batch, ownership", || {
        received.verify(&params, vault.public(), &records, &ownership, &mut rng)
    })?;
    params.prepare_decryption();
    let opened = step("open both repositories' deploy keys and webhook secrets", || {
        verified.open(&params, vault)
    })?;
    let code = opened.code();
    let signature = step("sign a git-host challenge with the code repository's key", || {
        code.deploy_key().sign(b"git-host challenge")
    });
    step("check it under the key installed on the repository", || {
        verified.code().deploy_public_key().verify(b"git-host challenge", &signature)
    })?;
    // The git host signs its webhook deliveries with the secret the user configured.
    let body = br#"{"ref":"refs/heads/main"}"#;
    let header = github_header(&new.repository(RepositoryRole::Code).webhook_secret_hex(), body);
    step("check a GitHub webhook delivery (X-Hub-Signature-256)", || {
        verify_github_signature(code.webhook_secret(), body, &header)
    })?;

    println!("\n5. other payloads");
    let config_ctx = Context::new(
        project_id.as_bytes(),
        b"github:100000001",
        Purpose::Secret,
        owner.verifying_key().to_bytes(),
    )?;
    let config = b"functions:\n  - name: hello\n    runtime: wasm\n".repeat(64);
    let envelope = step("hybrid-seal a 3 KiB config blob (HPKE + ChaCha20-Poly1305)", || {
        hybrid::seal(&[chosen_key], &config_ctx, b"config.yaml", &config, &mut rng)
    })?;
    let opened_config =
        step("hybrid-open it", || hybrid::open(vault, &envelope, &config_ctx, b"config.yaml"))?;
    assert_eq!(&opened_config[..], &config[..]);
    let token = b"registry-token-0123456789";
    let sealed = step("seal a 25-byte secret with proofs (chunked ElGamal)", || {
        seal_secret(&params, &[chosen_key], &config_ctx, token, &mut rng)
    })?;
    let sealed = SealedSecret::from_bytes(&sealed.to_bytes())?;
    let secret = step("verify and open it (constant-time decryption)", || {
        vault.open_secret(&params, &sealed, &config_ctx, &mut rng)
    })?;
    assert_eq!(secret.as_bytes(), token);

    println!("\n6. a 2-of-3 threshold registration: no vault holds a deploy key");
    threshold_registration(&params, &owner, &vaults, &records, now, &mut rng)?;

    println!("\n7. the vault verifies {batch_size} registrations in one batch");
    let (encoded, host) =
        step(&format!("{batch_size} users build their registrations (2 threads)"), || {
            build_registrations(&params, batch_size, chosen_key, now)
        });
    let ownership = |repository: &str, key: &DeployPublicKey| host.is_installed(repository, key);
    announce("decode + verify them all (one batch)");
    let start = Instant::now();
    let results = verify_registration_bytes(
        &params,
        &encoded,
        vault.public(),
        &records,
        &ownership,
        &mut rng,
    );
    let elapsed = start.elapsed();
    finish(elapsed);
    let valid = results.iter().filter(|r| r.is_ok()).count();
    println!(
        "  {valid}/{batch_size} valid; {:.0} registrations/s, {:.0} µs per registration (4 sealed items each)",
        batch_size as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / batch_size as f64,
    );
    assert_eq!(valid, batch_size);

    println!("\ndone in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Step 6: a 2-of-3 threshold registration to the three vaults, verified and
/// opened share by share by each, and a FROST signature by two of them.
fn threshold_registration(
    params: &Params,
    owner: &SigningKey,
    vaults: &[VaultKeypair],
    records: &[VaultRecord],
    now: u64,
    rng: &mut UnwrapErr<getrandom::SysRng>,
) -> Result<(), vaultseal::Error> {
    use vaultseal::threshold::frost::{SigningCoordinator, ThresholdSigner, sign_in_process};
    use vaultseal::threshold::{SshSigPolicy, sshsig_armor, sshsig_signed_data};

    let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let new = step("deal both deploy keys 2-of-3, seal the webhook secrets, sign", || {
        ProjectRegistration::builder(owner, "my-shared-project")
            .recipients(&recipients)
            .threshold(2)
            .repositories("github:200000001", "github:200000002")
            .timestamp(now)
            .build(params, rng)
    })?;
    let wire = new.registration().to_bytes();
    println!("  registration (version 2, threshold 2 of 3): {} bytes", wire.len());
    let mut git_host = GitHost::default();
    for setup in new.repositories() {
        git_host.install(setup.repository(), &setup.deploy_public_key());
    }
    let ownership =
        |repository: &str, key: &DeployPublicKey| git_host.is_installed(repository, key);
    let received = ProjectRegistration::from_bytes(&wire)?;
    let mut opened_by_vault = Vec::new();
    for (i, vault) in vaults.iter().enumerate() {
        let verified =
            step(&format!("vault {i}: verify (one batch: 6 shares, 2 secrets)"), || {
                received.verify(params, vault.public(), records, &ownership, rng)
            })?;
        assert_eq!(verified.threshold(), Some(2));
        let opened = step(&format!("vault {i}: open its shares and the webhook secrets"), || {
            verified.open_shares(params, vault)
        })?;
        opened_by_vault.push(opened);
    }
    // Two vaults sign for the config repository's key: an SSHSIG (the format
    // of `ssh-keygen -Y sign`) in a namespace their policy allows.
    let dealing = received.repositories()[0].threshold_deploy_key().expect("a dealing");
    let key_ctx = received.item_context_for(RepositoryRole::Config, Purpose::DeployKey)?;
    let coordinator = SigningCoordinator::new(&dealing.verified(params, &key_ctx, rng)?)?;
    let signers = opened_by_vault[1..]
        .iter()
        .map(|opened| {
            let share = opened.config().key_share();
            ThresholdSigner::new(share, SshSigPolicy::new("vaultseal-quickstart"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data = b"signed by vaults 1 and 2 of 3; no process held the key\n";
    let message = sshsig_signed_data("vaultseal-quickstart", data);
    let signature = step("vaults 1 and 2 sign with FROST (two rounds, in process)", || {
        sign_in_process(&coordinator, &signers.iter().collect::<Vec<_>>(), &message, rng)
    })?;
    let public = dealing.deploy_public_key();
    step("verify_strict under the installed key", || public.verify(&message, &signature))?;
    let armored = sshsig_armor(&public, "vaultseal-quickstart", &signature);
    match ssh_keygen_verify(&public, "vaultseal-quickstart", data, &armored) {
        Some(true) => println!("  ssh-keygen -Y verify: Good signature"),
        Some(false) => {
            eprintln!("ssh-keygen -Y verify refused the FROST signature");
            return Err(vaultseal::Error::Verification);
        }
        None => println!("  (ssh-keygen not installed: the OpenSSH check is skipped)"),
    }
    Ok(())
}

/// `ssh-keygen -Y verify` of an armored SSHSIG over `data`; `None` when
/// ssh-keygen is not installed.
fn ssh_keygen_verify(
    key: &DeployPublicKey,
    namespace: &str,
    data: &[u8],
    armored: &str,
) -> Option<bool> {
    let dir = std::env::temp_dir().join(format!("vaultseal-quickstart-{}", std::process::id()));
    // `create_dir` (not `_all`): refuses a path someone else made first.
    std::fs::create_dir(&dir).ok()?;
    let result = run_ssh_keygen_verify(&dir, key, namespace, data, armored);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// [`ssh_keygen_verify`] in the scratch directory `dir`.
fn run_ssh_keygen_verify(
    dir: &std::path::Path,
    key: &DeployPublicKey,
    namespace: &str,
    data: &[u8],
    armored: &str,
) -> Option<bool> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let line = key.to_openssh("").ok()?;
    std::fs::write(dir.join("allowed_signers"), format!("quickstart {line}\n")).ok()?;
    std::fs::write(dir.join("data.sig"), armored).ok()?;
    let child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(dir.join("allowed_signers"))
        .args(["-I", "quickstart", "-n", namespace, "-s"])
        .arg(dir.join("data.sig"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            child.stdin.take()?.write_all(data).ok()?;
            Some(child.wait().ok()?.success())
        }
        Err(_) => None,
    }
}

/// Registrations built and batch-verified in step 7 by default: enough for a
/// meaningful throughput, few enough that the example takes seconds.
const DEFAULT_REGISTRATIONS: usize = 48;

/// The `--registrations N` (or `--registrations=N`) argument, if any.
fn registrations_arg(mut args: impl Iterator<Item = String>) -> Result<usize, String> {
    let mut n = DEFAULT_REGISTRATIONS;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--registrations") {
            Some("") => args.next().ok_or("--registrations needs a number")?,
            Some(rest) if rest.starts_with('=') => rest[1..].to_owned(),
            _ if arg == "-h" || arg == "--help" => return Err(String::from("quickstart")),
            _ => return Err(format!("unexpected argument {arg:?}")),
        };
        n = value
            .parse()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| format!("--registrations takes a positive number, not {value:?}"))?;
    }
    Ok(n)
}

/// `n` registrations from `n` different owners, built on two threads; the
/// deploy keys each installed on its repositories.
fn build_registrations(
    params: &Params,
    n: usize,
    vault: vaultseal::VaultPublicKey,
    now: u64,
) -> (Vec<Vec<u8>>, GitHost) {
    let build = |range: std::ops::Range<usize>| {
        let mut rng = UnwrapErr(getrandom::SysRng);
        let mut out = Vec::new();
        let mut host = GitHost::default();
        for i in range {
            let owner = SigningKey::from_bytes(&random_bytes(&mut rng));
            let new = ProjectRegistration::builder(&owner, &format!("project-{i}"))
                .recipients(&[vault])
                .repositories(&format!("github:{}", 2 * i), &format!("github:{}", 2 * i + 1))
                .timestamp(now)
                .build(params, &mut rng)
                .expect("valid inputs");
            for setup in new.repositories() {
                host.install(setup.repository(), &setup.deploy_public_key());
            }
            out.push(new.registration().to_bytes());
        }
        (out, host)
    };
    let half = n / 2;
    let (first, second) = std::thread::scope(|s| {
        let a = s.spawn(|| build(0..half));
        let b = s.spawn(|| build(half..n));
        (a.join().expect("thread"), b.join().expect("thread"))
    });
    let (mut encoded, mut host) = first;
    encoded.extend(second.0);
    host.installed.extend(second.1.installed);
    (encoded, host)
}

fn random_bytes(rng: &mut impl Rng) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    bytes
}

/// What the git host sends: `sha256=` + hex(HMAC-SHA-256(secret string, body)).
fn github_header(secret_hex: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret_hex.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}
