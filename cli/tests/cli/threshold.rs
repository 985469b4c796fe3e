//! Threshold dealings through the tool: `register --threshold`,
//! `verify-registration` writing KEY SHARE files, `open` of a THRESHOLD
//! SEALED DEPLOY KEY, `verify` and `inspect` of one, and `combine`.

use std::fs;

use rand_core::UnwrapErr;
use vaultseal::{Context, DeployKey, Params, Purpose, VaultPublicKey};
use vaultseal_cli::armor::{self, Kind};

use super::{Sandbox, ctx, stderr, stdout, with};

/// The vaults of every test here: three of them, any two recover a key.
const VAULTS: [&str; 3] = ["a", "b", "c"];

impl Sandbox {
    /// The vault public key in `<name>.key.pub`.
    fn vault_public_key(&self, name: &str) -> VaultPublicKey {
        let (kind, bytes) = armor::decode(&self.read(&format!("{name}.key.pub"))).unwrap();
        assert_eq!(kind, Kind::VaultPublicKey);
        VaultPublicKey::from_bytes(&bytes).unwrap()
    }

    /// Write `bytes` armored as `kind` into `name`.
    fn write_armored(&self, name: &str, kind: Kind, bytes: &[u8]) {
        self.write(name, armor::encode(kind, bytes).unwrap().as_bytes());
    }

    /// The bytes of the armored file `name`, of kind `kind`.
    fn armored(&self, name: &str, kind: Kind) -> Vec<u8> {
        let (found, bytes) = armor::decode(&self.read(name)).unwrap();
        assert_eq!(found, kind, "{name}");
        bytes.to_vec()
    }

    /// The mode of `name` (Unix).
    #[cfg(unix)]
    fn mode(&self, name: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        fs::metadata(self.path(name)).unwrap().permissions().mode() & 0o777
    }
}

/// `combine --share … -o out` must fail with exit status 1 and say `says`;
/// nothing is written.
fn refused_combination(sb: &Sandbox, shares: &[&str], says: &str) {
    let mut args = vec!["combine"];
    for share in shares {
        args.extend_from_slice(&["--share", share]);
    }
    args.extend_from_slice(&["-o", "refused.key"]);
    let out = sb.expect(1, &args);
    assert_eq!(stderr(&out), format!("vaultseal: {says}\n"), "{shares:?}");
    assert!(!sb.path("refused.key").exists());
}

#[test]
fn threshold_registration_opens_to_shares_that_combine() {
    let sb = Sandbox::new("threshold-reg");
    for vault in VAULTS {
        sb.vault(vault, &[]);
    }
    sb.owner("owner.key");
    let records = ["a.rec", "b.rec", "c.rec"];

    // Out of range: the library's reason, a usage error, nothing written.
    for t in ["1", "4"] {
        let args = ["register", "--owner-key", "owner.key", "--name", "demo", "--threshold", t];
        let args = with(
            &with(&args, &["--to", "a.rec", "--to", "b.rec", "--to", "c.rec"]),
            &["--config-repo", "github:1001", "--code-repo", "github:1002", "-o", "bad.pem"],
        );
        let out = sb.expect(2, &args);
        assert_eq!(
            stderr(&out),
            format!(
                "vaultseal: cannot register: --threshold {t} with 3 vaults: invalid input: \
                 threshold or share count out of range (2 ≤ t ≤ n ≤ 8)\n"
            )
        );
        assert!(!sb.path("bad.pem").exists() && !sb.path("bad.pem.setup").exists());
    }

    let summary = sb.register("demo", &records, "reg.pem", &["--threshold", "2"]);
    assert!(summary.contains("\nthreshold: 2 of 3\n"), "{summary}");
    let config = sb.public_line("reg.pem.setup/config.deploy-key.pub");
    let code = sb.public_line("reg.pem.setup/code.deploy-key.pub");
    let inspected = stdout(&sb.ok(&["inspect", "reg.pem"]));
    assert!(inspected.contains("\n  threshold: 2 of 3\n"), "{inspected}");
    // In `verify`'s batch, as its recipients verify it.
    let out = sb.ok(&["verify", "reg.pem", "a.rec", "b.rec", "c.rec"]);
    assert_eq!(stdout(&out), "OK reg.pem\nOK a.rec\nOK b.rec\nOK c.rec\n");

    // Each vault verifies and opens its shares: KEY SHARE files, no deploy key.
    sb.installed("installed.txt", "reg.pem.setup");
    let verify = with(&["verify-registration", "-i", "reg.pem", "--records"], &records);
    let mut indices = Vec::new();
    for vault in VAULTS {
        let key = format!("{vault}.key");
        let dir = format!("{vault}.opened");
        let args = ["-k", &key, "-o", &dir, "--ownership", "installed.txt"];
        let text = stdout(&sb.ok(&with(&verify, &args)));
        assert!(text.starts_with("OK reg.pem\n"), "{text}");
        assert!(text.contains("\n  threshold: 2 of 3\n"), "{text}");
        assert!(text.ends_with(&format!("opened into: {dir}\n")), "{text}");
        let index = text
            .lines()
            .find_map(|line| line.strip_prefix("  config key share: index "))
            .and_then(|rest| rest.strip_suffix(" (threshold 2 of 3)"))
            .unwrap_or_else(|| panic!("no config share line: {text}"));
        assert!(text.contains(&format!("  code key share: index {index} (threshold 2 of 3)\n")));
        indices.push(index.to_owned());
        for role in ["config", "code"] {
            let share = format!("{dir}/{role}.key-share");
            assert!(sb.text(&share).starts_with("-----BEGIN VAULTSEAL KEY SHARE-----\n"));
            assert!(!sb.path(&format!("{dir}/{role}.deploy-key")).exists());
            let line = format!("{role}.deploy-key.pub");
            assert_eq!(
                sb.read(&format!("{dir}/{line}")),
                sb.read(&format!("reg.pem.setup/{line}"))
            );
            let secret = format!("{role}.webhook-secret");
            assert_eq!(
                sb.read(&format!("{dir}/{secret}")),
                sb.read(&format!("reg.pem.setup/{secret}"))
            );
            #[cfg(unix)]
            assert_eq!(sb.mode(&share), 0o600, "{share}");
            let inspected = stdout(&sb.ok(&["inspect", &share]));
            assert!(inspected.starts_with(&format!("{share}: KEY SHARE\n")), "{inspected}");
            assert!(inspected.contains(&format!("  share index: {index}\n")), "{inspected}");
        }
    }
    indices.sort();
    assert_eq!(indices, ["1", "2", "3"]);

    // Any two shares recover the installed key; every pair the same key.
    let out = sb.ok(&[
        "combine",
        "--share",
        "a.opened/config.key-share",
        "--share",
        "c.opened/config.key-share",
        "-o",
        "config.key",
    ]);
    assert_eq!(
        stderr(&out),
        format!("recovered deploy key {} from 2 shares (threshold 2 of 3)\n", config.fingerprint())
    );
    assert!(sb.text("config.key").starts_with("-----BEGIN VAULTSEAL DEPLOY KEY-----\n"));
    #[cfg(unix)]
    assert_eq!(sb.mode("config.key"), 0o600);
    let inspected = stdout(&sb.ok(&["inspect", "config.key"]));
    assert!(inspected.contains(&config.to_openssh("").unwrap()), "{inspected}");
    let recovered =
        DeployKey::from_bytes(&sb.armored("config.key", Kind::DeployKey)).unwrap().public_key();
    assert_eq!(recovered, config);
    sb.ok(&[
        "combine",
        "--share",
        "b.opened/config.key-share",
        "--share",
        "a.opened/config.key-share",
        "-o",
        "config.again",
    ]);
    assert_eq!(sb.read("config.again"), sb.read("config.key"));
    let all = ["--share", "a.opened/code.key-share", "--share", "b.opened/code.key-share"];
    sb.ok(&with(
        &with(&["combine"], &all),
        &["--share", "c.opened/code.key-share", "-o", "code.key"],
    ));
    let recovered =
        DeployKey::from_bytes(&sb.armored("code.key", Kind::DeployKey)).unwrap().public_key();
    assert_eq!(recovered, code);
    // Written only once, as every secret.
    let out = sb.expect(2, &with(&with(&["combine"], &all), &["-o", "code.key"]));
    assert!(stderr(&out).contains("exists"), "{}", stderr(&out));

    // One share is not enough; nor are shares of two keys or one share twice.
    refused_combination(
        &sb,
        &["b.opened/config.key-share"],
        "cannot combine the shares (1 given, threshold 2 of 3): threshold dealing refused: \
         fewer shares than the threshold",
    );
    refused_combination(
        &sb,
        &["a.opened/config.key-share", "b.opened/code.key-share"],
        "cannot combine the shares (2 given, threshold 2 of 3): threshold dealing refused: \
         shares of different dealings",
    );
    refused_combination(
        &sb,
        &["c.opened/code.key-share", "c.opened/code.key-share"],
        &format!(
            "cannot combine the shares (2 given, threshold 2 of 3): threshold dealing refused: \
             share {} given twice",
            indices_of(&sb, "c.opened/code.key-share")
        ),
    );
    // A share whose secret was altered is refused by its own check.
    let mut bytes = sb.armored("a.opened/config.key-share", Kind::KeyShare);
    // version, dealing id, j, t, n: then the low byte of s_j.
    bytes[1 + 32 + 3] ^= 1;
    sb.write("altered.share", &bytes);
    let out = sb.expect(
        1,
        &["combine", "--share", "altered.share", "--share", "b.opened/config.key-share", "-o", "x"],
    );
    assert!(
        stderr(&out).contains("altered.share: threshold dealing refused: share ")
            && stderr(&out).contains(": secret does not match its public key"),
        "{}",
        stderr(&out)
    );
    // Another kind of file is a usage error.
    let out =
        sb.expect(2, &["combine", "--share", "config.key", "--share", "config.key", "-o", "x"]);
    assert!(
        stderr(&out).contains("config.key: holds a DEPLOY KEY, expected a KEY SHARE"),
        "{}",
        stderr(&out)
    );
}

/// The share index `inspect` shows for a KEY SHARE file.
fn indices_of(sb: &Sandbox, share: &str) -> String {
    let inspected = stdout(&sb.ok(&["inspect", share]));
    inspected
        .lines()
        .find_map(|line| line.strip_prefix("  share index: "))
        .unwrap_or_else(|| panic!("{inspected}"))
        .to_owned()
}

/// `--ownership ssh` authenticates with whole keys: a threshold registration
/// refuses it (exit 2, nothing opened), and says so in its help. Version 1
/// output has no threshold and no share lines.
#[test]
fn threshold_registration_refuses_the_ssh_probe() {
    let sb = Sandbox::new("threshold-ssh");
    for vault in VAULTS {
        sb.vault(vault, &[]);
    }
    sb.owner("owner.key");
    sb.register("demo", &["a.rec", "b.rec", "c.rec"], "reg.pem", &["--threshold", "3"]);
    sb.write("known_hosts", b"");
    let args = [
        "verify-registration",
        "-i",
        "reg.pem",
        "--records",
        "a.rec",
        "b.rec",
        "c.rec",
        "-k",
        "a.key",
        "-o",
        "opened",
        "--ownership",
        "ssh",
        "--git-url",
        "ssh://git@git.invalid:22/{repository}.git",
        "--known-hosts",
        "known_hosts",
    ];
    let out = sb.expect(2, &args);
    assert_eq!(
        stderr(&out),
        "vaultseal: reg.pem: --ownership ssh needs whole deploy keys, and this registration \
         deals them in shares (3 of 3): no vault holds a key to probe the git host with; list \
         the installed keys in a file (--ownership FILE)\n"
    );
    assert!(out.stdout.is_empty());
    assert!(!sb.path("opened").exists());
    let help = stdout(&sb.ok(&["verify-registration", "--help"]));
    assert!(help.contains("it is refused for a threshold registration"), "{help}");

    // Version 1: no threshold line, deploy keys opened whole.
    let summary = sb.register("demo", &["a.rec", "b.rec"], "v1.pem", &[]);
    assert!(!summary.contains("threshold"), "{summary}");
    let args = ["verify-registration", "-i", "v1.pem", "--records", "a.rec", "b.rec"];
    let out = sb.ok(&with(&args, &["-k", "b.key", "-o", "v1", "--assume-installed"]));
    assert!(!stdout(&out).contains("threshold") && !stdout(&out).contains("key share"));
    assert!(sb.path("v1/config.deploy-key").exists() && !sb.path("v1/config.key-share").exists());
}

/// A dealing made by the library, of the deploy key in `dk`, under the
/// tests' context (`ctx`), to the three vaults.
fn deal(sb: &Sandbox) -> vaultseal::ThresholdSealedDeployKey {
    let mut rng = UnwrapErr(getrandom::SysRng);
    let recipients: Vec<VaultPublicKey> = VAULTS.iter().map(|v| sb.vault_public_key(v)).collect();
    let owner = [0x11; 32];
    let context = Context::new(b"demo", b"github:123", Purpose::DeployKey, owner).unwrap();
    let key = DeployKey::from_bytes(&sb.armored("dk", Kind::DeployKey)).unwrap();
    vaultseal::seal_deploy_key_shares(Params::shared(), &recipients, 2, &context, key, &mut rng)
        .unwrap()
}

#[test]
fn open_dealing_writes_a_key_share() {
    let sb = Sandbox::new("threshold-open");
    for vault in [&VAULTS[..], &["d"]].concat() {
        sb.vault(vault, &[]);
    }
    sb.deploy_key("dk", &[]);
    let public = sb.public_line("dk.pub");
    let dealing = deal(&sb);
    sb.write_armored("dealing.pem", Kind::ThresholdSealedDeployKey, &dealing.to_bytes());
    sb.write("dealing.bin", &dealing.to_bytes());

    let inspected = stdout(&sb.ok(&["inspect", "dealing.pem"]));
    assert!(inspected.starts_with("dealing.pem: THRESHOLD SEALED DEPLOY KEY\n"), "{inspected}");
    assert!(inspected.contains("\n  threshold: 2 of 3\n"), "{inspected}");
    assert!(inspected.contains(&public.fingerprint()), "{inspected}");

    // `verify`: armored or binary, under the context, in one batch with the
    // records; --to must name exactly its vaults.
    let out = sb.ok(&with(&["verify", "dealing.pem", "dealing.bin", "a.rec"], &ctx(&[])));
    assert_eq!(stdout(&out), "OK dealing.pem\nOK dealing.bin\nOK a.rec\n");
    let to = ["--to", "a.rec", "--to", "b.key.pub", "--to", "c.rec"];
    sb.ok(&with(&with(&["verify", "dealing.pem"], &to), &ctx(&[])));
    let out = sb.expect(1, &with(&["verify", "dealing.pem", "--to", "a.rec"], &ctx(&[])));
    assert_eq!(
        stdout(&out),
        "OK a.rec\nINVALID dealing.pem: not sealed to exactly the --to vaults\n"
    );
    let other = ["--project", "other", "--repository", "github:123", "--owner", super::OWNER];
    let out = sb.expect(1, &with(&["verify", "dealing.pem"], &other));
    let text = stdout(&out);
    assert!(
        text.starts_with("INVALID dealing.pem: the proofs do not verify under this context")
            && text.ends_with("(share 1: proofs do not verify)\n"),
        "{text}"
    );

    // `open` as each vault: its KEY SHARE, checked against --to.
    let open = |vault: &str, extra: &[&str]| {
        let key = format!("{vault}.key");
        let out = format!("{vault}.share");
        let args = ["open", "-k", &key, "-i", "dealing.pem", "-o", &out];
        sb.run(&with(&with(&args, extra), &ctx(&[])))
    };
    let out = open("a", &to);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.starts_with("opened key share ")
            && said.ends_with(&format!(
                " (threshold 2 of 3) of deploy key {}\n",
                public.fingerprint()
            )),
        "{said}"
    );
    assert!(sb.text("a.share").starts_with("-----BEGIN VAULTSEAL KEY SHARE-----\n"));
    #[cfg(unix)]
    assert_eq!(sb.mode("a.share"), 0o600);
    // --recipients is --to; a dealing is never opened without it.
    let out =
        open("b", &["--recipients", "a.rec", "--recipients", "b.rec", "--recipients", "c.rec"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = open("c", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "vaultseal: opening a key share needs --to: the vaults the dealing must be dealt to\n"
    );
    assert!(!sb.path("c.share").exists());
    let out = open("c", &["--to", "a.rec", "--to", "b.rec", "--to", "c.rec"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A vault named twice (a record and its public key) counts once, as for
    // every other kind.
    let twice = ["--to", "a.rec", "--to", "a.key.pub", "--to", "b.rec", "--to", "c.rec", "--force"];
    let out = open("c", &twice);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    sb.ok(&with(&with(&["verify", "dealing.pem"], &twice[..8]), &ctx(&[])));

    // Refusals: other recipients expected, another vault, another context,
    // --hex; nothing written.
    let out = open("b", &["--to", "a.rec", "--to", "b.rec", "--to", "d.rec", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "vaultseal: dealing.pem: not sealed to exactly the --to vaults\n");
    let out = open("d", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "vaultseal: dealing.pem: d.key is not one of its recipients\n");
    let args = ["open", "-k", "a.key", "-i", "dealing.pem", "-o", "x.share"];
    let args = with(&args, &["--to", "a.rec", "--to", "b.rec", "--to", "c.rec"]);
    let out = sb.expect(1, &with(&args, &other));
    assert!(
        stderr(&out).contains("the proofs do not verify under this context"),
        "{}",
        stderr(&out)
    );
    sb.expect(2, &with(&with(&args, &["--hex"]), &ctx(&[])));
    assert!(!sb.path("d.share").exists() && !sb.path("x.share").exists());

    // --to holds for every kind `open` takes: a sealed secret to `a` alone.
    sb.write("secret", b"s");
    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "a.rec", "-o", "s.sealed"], &ctx(&[])));
    let args = ["open", "-k", "a.key", "-i", "s.sealed", "-o", "-"];
    let out = sb.expect(1, &with(&with(&args, &["--to", "a.rec", "--to", "b.rec"]), &ctx(&[])));
    assert_eq!(stderr(&out), "vaultseal: s.sealed: not sealed to exactly the --to vaults\n");
    let out = sb.ok(&with(&with(&args, &["--to", "a.key.pub"]), &ctx(&[])));
    assert_eq!(out.stdout, b"s");

    // Two shares give back the very deploy key that was dealt.
    let shares = ["--share", "a.share", "--share", "c.share"];
    sb.ok(&with(&with(&["combine"], &shares), &["-o", "dk.recovered"]));
    assert_eq!(sb.read("dk.recovered"), sb.read("dk"));
}
