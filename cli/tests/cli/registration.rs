//! `owner keygen`, `register`, `verify-registration`, and registrations in
//! `verify`'s batch.

use std::fs;

use vaultseal::DeployPublicKey;

use super::{Sandbox, ctx, flip, stderr, stdout, with};

/// Offset of the timestamp in a binary registration of project "demo":
/// version, owner key, name length and name, nonce.
const TIMESTAMP_AT: isize = 1 + 32 + 1 + 4 + 16;

impl Sandbox {
    /// `owner keygen -o <name>`; the printed public key (hex).
    pub(crate) fn owner(&self, name: &str) -> String {
        let out = self.ok(&["owner", "keygen", "-o", name]);
        stdout(&out).trim().to_owned()
    }

    /// `register` project `name` to `to` with owner key `owner.key`, set-up
    /// in `<out>.setup`; the summary.
    pub(crate) fn register(&self, name: &str, to: &[&str], out: &str, extra: &[&str]) -> String {
        let mut args = vec!["register", "--owner-key", "owner.key", "--name", name];
        for vault in to {
            args.extend_from_slice(&["--to", vault]);
        }
        args.extend_from_slice(&["--config-repo", "github:1001", "--code-repo", "github:1002"]);
        args.extend_from_slice(&["-o", out]);
        args.extend_from_slice(extra);
        stdout(&self.ok(&args))
    }

    pub(crate) fn text(&self, name: &str) -> String {
        String::from_utf8(self.read(name)).unwrap()
    }

    /// The deploy public key of a `.pub` line file.
    pub(crate) fn public_line(&self, name: &str) -> DeployPublicKey {
        DeployPublicKey::from_openssh(&self.text(name)).unwrap()
    }

    /// An ownership file listing the config key by its line and the code
    /// key by its fingerprint (from the set-up in `dir`).
    pub(crate) fn installed(&self, name: &str, dir: &str) {
        let config = self.text(&format!("{dir}/config.deploy-key.pub")).trim().to_owned();
        let code = self.public_line(&format!("{dir}/code.deploy-key.pub")).fingerprint();
        let text = format!("# installed keys\ngithub:1001 {config}\ngithub:1002 {code}\n");
        self.write(name, text.as_bytes());
    }
}

const VERIFY: [&str; 4] = ["verify-registration", "-i", "reg.pem", "--records"];

#[test]
fn owner_register_verify_open_round_trip() {
    let sb = Sandbox::new("register");
    sb.vault("v", &[]);
    let owner = sb.owner("owner.key");
    assert_eq!(owner.len(), 64, "{owner}");
    assert_eq!(sb.text("owner.key.pub"), format!("{owner}\n"));
    assert!(sb.text("owner.key").starts_with("-----BEGIN VAULTSEAL OWNER KEY-----\n"));
    let inspected = stdout(&sb.ok(&["inspect", "owner.key"]));
    assert!(inspected.contains(&format!("public key: {owner}")), "{inspected}");

    let summary = sb.register("demo", &["v.rec"], "reg.pem", &["--setup-dir", "setup"]);
    let config = sb.public_line("setup/config.deploy-key.pub");
    let code = sb.public_line("setup/code.deploy-key.pub");
    assert_ne!(config, code);
    for key in [&config, &code] {
        assert!(summary.contains(&key.fingerprint()), "{summary}");
    }
    assert!(summary.contains(&format!("owner: {owner}")), "{summary}");
    let secrets = [sb.text("setup/config.webhook-secret"), sb.text("setup/code.webhook-secret")];
    for secret in &secrets {
        assert!(secret.len() == 65 && secret.ends_with('\n'), "{secret:?}");
        assert!(secret.trim().bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        // The secrets go to files only.
        assert!(!summary.contains(secret.trim()), "{summary}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |name| fs::metadata(sb.path(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("owner.key"), 0o600);
        assert_eq!(mode("setup/config.webhook-secret"), 0o600);
        assert_eq!(mode("setup/code.webhook-secret"), 0o600);
        assert_eq!(mode("setup"), 0o700);
    }
    let inspected = stdout(&sb.ok(&["inspect", "reg.pem"]));
    assert!(inspected.starts_with("reg.pem: PROJECT REGISTRATION\n"), "{inspected}");
    assert!(inspected.contains(&config.to_openssh("").unwrap()), "{inspected}");

    sb.installed("installed.txt", "setup");
    let out =
        sb.ok(&with(&VERIFY, &["v.rec", "--vault", "v.key.pub", "--ownership", "installed.txt"]));
    let text = stdout(&out);
    assert!(text.starts_with("OK reg.pem\n"), "{text}");
    assert!(text.contains(&format!("  owner: {owner}\n")), "{text}");
    assert!(!sb.path("opened").exists());

    // Opened by the vault: the installed deploy keys and webhook secrets.
    let out = sb.ok(&with(
        &VERIFY,
        &["v.rec", "--key", "v.key", "--ownership", "installed.txt", "-o", "opened"],
    ));
    assert!(stdout(&out).contains("opened into: opened"));
    for role in ["config", "code"] {
        let line = format!("{role}.deploy-key.pub");
        assert_eq!(sb.read(&format!("opened/{line}")), sb.read(&format!("setup/{line}")));
        let secret = format!("{role}.webhook-secret");
        assert_eq!(sb.read(&format!("opened/{secret}")), sb.read(&format!("setup/{secret}")));
        // The secret key file opens to the installed public key.
        let key_file = format!("opened/{role}.deploy-key");
        assert!(sb.text(&key_file).starts_with("-----BEGIN VAULTSEAL DEPLOY KEY-----\n"));
        let inspected = stdout(&sb.ok(&["inspect", &key_file]));
        let installed = if role == "config" { config } else { code };
        assert!(inspected.contains(&installed.to_openssh("").unwrap()), "{inspected}");
    }
    // Opening again does not overwrite the secrets.
    let args = with(&VERIFY, &["v.rec", "--key", "v.key", "--assume-installed", "-o", "opened"]);
    assert!(stderr(&sb.expect(2, &args)).contains("exists"));
}

#[test]
fn tampered_registration_names_the_check() {
    let sb = Sandbox::new("reg-tamper");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    sb.register("demo", &["v.rec"], "reg.bin", &["--binary"]);
    let verify = ["verify-registration", "-i", "reg.bin", "--vault", "v.rec", "--records", "v.rec"];
    sb.ok(&with(&verify, &["--assume-installed"]));
    // Binary registrations are accepted without --binary anywhere else.
    sb.ok(&["verify", "reg.bin", "v.rec"]);

    // One byte of the timestamp: the owner's signature fails.
    let original = sb.read("reg.bin");
    flip(&sb.path("reg.bin"), TIMESTAMP_AT);
    let out = sb.expect(1, &with(&verify, &["--assume-installed"]));
    assert_eq!(stdout(&out), "INVALID reg.bin: Signature: owner signature does not verify\n");
    let out = sb.expect(1, &["verify", "reg.bin", "v.rec"]);
    assert!(stdout(&out).contains("INVALID reg.bin: Signature: "), "{}", stdout(&out));

    // The version byte: it no longer decodes (still invalid, exit 1).
    sb.write("reg.bin", &original);
    flip(&sb.path("reg.bin"), 0);
    let out = sb.expect(1, &with(&verify, &["--assume-installed"]));
    assert!(stdout(&out).starts_with("INVALID reg.bin: invalid "), "{}", stdout(&out));
    assert!(stdout(&out).contains("unknown version"), "{}", stdout(&out));
}

#[test]
fn wrong_vault_is_not_a_recipient() {
    let sb = Sandbox::new("reg-vault");
    sb.vault("v", &[]);
    sb.vault("w", &[]);
    sb.owner("owner.key");
    sb.register("demo", &["v.rec"], "reg.pem", &[]);
    sb.installed("installed.txt", "reg.pem.setup");
    let ownership = ["--ownership", "installed.txt"];

    let out =
        sb.expect(1, &with(&with(&VERIFY, &["v.rec", "w.rec", "--vault", "w.rec"]), &ownership));
    assert_eq!(
        stdout(&out),
        "INVALID reg.pem: NotARecipient: the verifying vault is not a recipient\n"
    );
    // Nothing is opened for a vault that is not a recipient.
    let args = with(&VERIFY, &["v.rec", "--key", "w.key", "-o", "opened"]);
    let out = sb.expect(1, &with(&args, &ownership));
    assert!(stdout(&out).contains("NotARecipient"), "{}", stdout(&out));
    assert!(!sb.path("opened").exists());
    // The right vault without its record in the directory.
    let out = sb.expect(1, &with(&with(&VERIFY, &["w.rec", "--vault", "v.key.pub"]), &ownership));
    assert!(stdout(&out).contains("UnknownRecipient: "), "{}", stdout(&out));
    // --vault and --key must agree; records must be records.
    let args = with(&VERIFY, &["v.rec", "--vault", "v.rec", "--key", "w.key", "-o", "x"]);
    sb.expect(2, &with(&args, &ownership));
    sb.expect(2, &with(&with(&VERIFY, &["v.key.pub", "--vault", "v.rec"]), &ownership));
}

#[test]
fn ownership_file_must_list_both_keys() {
    let sb = Sandbox::new("reg-owner");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    sb.register("demo", &["v.rec"], "reg.pem", &[]);
    sb.installed("installed.txt", "reg.pem.setup");
    let verify = with(&VERIFY, &["v.rec", "--vault", "v.key.pub", "--ownership"]);

    // Only the config repository's key: the code repository is refused.
    let all = sb.text("installed.txt");
    let config_only: String = all.lines().take(2).map(|l| format!("{l}\n")).collect();
    sb.write("config-only.txt", config_only.as_bytes());
    let out = sb.expect(1, &with(&verify, &["config-only.txt"]));
    assert_eq!(
        stdout(&out),
        "INVALID reg.pem: OwnershipRefused: code repository: deploy key not installed on the repository\n"
    );
    // Both keys, but swapped between the repositories.
    let swapped = all.replace("github:1001", "github:X").replace("github:1002", "github:1001");
    sb.write("swapped.txt", swapped.replace("github:X", "github:1002").as_bytes());
    let out = sb.expect(1, &with(&verify, &["swapped.txt"]));
    assert!(stdout(&out).contains("OwnershipRefused: config repository"), "{}", stdout(&out));

    // Not checked at all: valid, with a warning.
    let out = sb.ok(&with(&VERIFY, &["v.rec", "--vault", "v.key.pub", "--assume-installed"]));
    assert!(stderr(&out).contains("warning: --assume-installed"), "{}", stderr(&out));
    assert!(stdout(&out).contains("NOT checked"));
    // A malformed line is a usage error naming it; so is giving both or neither.
    sb.write("bad.txt", format!("{all}github:1003 ssh-ed25519 AAAA\n").as_bytes());
    let out = sb.expect(2, &with(&verify, &["bad.txt"]));
    assert!(stderr(&out).contains("line 4: not an ssh-ed25519 line"), "{}", stderr(&out));
    sb.expect(2, &with(&verify, &["installed.txt", "--assume-installed"]));
    sb.expect(2, &with(&VERIFY, &["v.rec", "--vault", "v.key.pub"]));
}

#[test]
fn register_refusals_and_secrets() {
    let sb = Sandbox::new("reg-usage");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    let register = ["register", "--owner-key", "owner.key", "--name", "demo", "--to", "v.rec"];
    let repos = ["--config-repo", "github:1", "--code-repo", "github:2"];
    // Standard output needs a set-up directory; equal refs; a wrong key kind.
    sb.expect(2, &with(&with(&register, &repos), &["-o", "-"]));
    sb.expect(2, &with(&register, &["--config-repo", "a", "--code-repo", "a", "-o", "r"]));
    let args = ["register", "--owner-key", "v.key", "--name", "d", "--to", "v.rec", "-o", "r"];
    let out = sb.expect(2, &with(&args, &repos));
    assert!(
        stderr(&out).contains("v.key: holds a VAULT SECRET KEY, expected an OWNER KEY"),
        "{}",
        stderr(&out)
    );

    // To standard output: the summary moves to standard error, and the
    // secrets are shown only when asked.
    let args = with(&with(&register, &repos), &["-o", "-", "--setup-dir", "s", "--show-secrets"]);
    let out = sb.ok(&args);
    assert!(stdout(&out).starts_with("-----BEGIN VAULTSEAL PROJECT REGISTRATION-----\n"));
    let secret = sb.text("s/code.webhook-secret");
    assert!(stderr(&out).contains(&format!("webhook secret: {}", secret.trim())));
    // The set-up secrets are never overwritten without --force.
    let out = sb.expect(2, &with(&with(&register, &repos), &["-o", "r2", "--setup-dir", "s"]));
    assert!(stderr(&out).contains("exists"), "{}", stderr(&out));
    assert_eq!(sb.text("s/code.webhook-secret"), secret);
    sb.ok(&with(&with(&register, &repos), &["-o", "r2", "--setup-dir", "s", "--force"]));
    assert_ne!(sb.text("s/code.webhook-secret"), secret);
}

#[test]
fn verify_batches_sealed_items_and_registrations() {
    let sb = Sandbox::new("reg-batch");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    sb.register("demo", &["v.rec"], "r1.bin", &["--binary"]);
    sb.register("other", &["v.rec"], "r2.pem", &[]);
    sb.register("demo", &["v.rec"], "r3.bin", &["--binary"]);
    sb.write("secret", b"a secret");
    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "v.rec", "-o", "s.sealed"], &ctx(&[])));
    sb.deploy_key("dk", &[]);
    sb.ok(&with(
        &["seal", "deploy-key", "-k", "dk", "--to", "v.rec", "-o", "dk.sealed"],
        &ctx(&[]),
    ));

    let files = ["verify", "r1.bin", "s.sealed", "r2.pem", "dk.sealed", "r3.bin"];
    let out = sb.ok(&with(&with(&files, &["--to", "v.rec", "--vault", "v.key.pub"]), &ctx(&[])));
    let expected = "OK v.rec\nOK r1.bin\nOK s.sealed\nOK r2.pem\nOK dk.sealed\nOK r3.bin\n";
    assert_eq!(stdout(&out), expected);

    // One registration tampered: only it is invalid, named with its check.
    flip(&sb.path("r3.bin"), TIMESTAMP_AT);
    let out = sb.expect(1, &with(&with(&files, &["--to", "v.rec"]), &ctx(&[])));
    let bad = "INVALID r3.bin: Signature: owner signature does not verify\n";
    assert_eq!(stdout(&out), expected.replace("OK r3.bin\n", bad));
    assert!(stderr(&out).contains("5 valid, 1 invalid"), "{}", stderr(&out));

    // A registration needs its recipients' records (--to or files).
    let out = sb.expect(1, &["verify", "r1.bin"]);
    assert!(stdout(&out).contains("INVALID r1.bin: UnknownRecipient: "), "{}", stdout(&out));
}

/// Kind names take the article they sound with: "an OWNER KEY", wherever
/// the tool puts one after "a".
#[test]
fn an_owner_key_takes_an() {
    let sb = Sandbox::new("articles");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    sb.deploy_key("dk", &[]);
    sb.write("empty", b"");
    sb.write("secret", b"x");
    let register = |owner_key: &str| {
        vec![
            "register".to_owned(),
            "--owner-key".to_owned(),
            owner_key.to_owned(),
            "--name".to_owned(),
            "demo".to_owned(),
            "--to".to_owned(),
            "v.rec".to_owned(),
            "--config-repo".to_owned(),
            "github:1".to_owned(),
            "--code-repo".to_owned(),
            "github:2".to_owned(),
            "-o".to_owned(),
            "r".to_owned(),
        ]
    };
    for (owner_key, says) in [
        ("empty", "empty: the file is empty (expected an OWNER KEY)"),
        (
            "dk.pub",
            "dk.pub: an OpenSSH public key line (a deploy key's or an owner's), not an OWNER KEY",
        ),
        ("v.rec", "v.rec: holds a VAULT RECORD, expected an OWNER KEY"),
    ] {
        let args = register(owner_key);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sb.expect(2, &args);
        assert!(stderr(&out).contains(says), "{owner_key}: {}", stderr(&out));
    }
    let out =
        sb.expect(2, &with(&["seal", "secret", "-i", "secret", "--to", "owner.key"], &ctx(&[])));
    assert!(
        stderr(&out)
            .contains("owner.key: holds an OWNER KEY, expected a VAULT PUBLIC KEY or VAULT RECORD"),
        "{}",
        stderr(&out)
    );
    let out = sb.expect(2, &with(&["verify", "owner.key"], &ctx(&[])));
    assert!(
        stdout(&out)
            .starts_with("ERROR owner.key: holds an OWNER KEY, expected a SEALED DEPLOY KEY"),
        "{}",
        stdout(&out)
    );
}

/// `verify-registration`'s synopsis: the vault is `--vault`, or `-k` with
/// `-o`; the installed keys are `--ownership`, or `--assume-installed`. A
/// wrong combination says which flag goes with which (exit 2, nothing
/// opened), and `--help` shows the README's synopsis.
#[test]
fn verify_registration_says_which_flags_go_together() {
    let sb = Sandbox::new("reg-flags");
    sb.vault("v", &[]);
    sb.owner("owner.key");
    sb.register("demo", &["v.rec"], "reg.pem", &[]);
    sb.installed("installed.txt", "reg.pem.setup");
    let ownership = ["--ownership", "installed.txt"];
    let usage = "usage: vaultseal verify-registration -i reg.pem --records RECORD... (--vault \
                 VAULT | -k vault.key -o DIR) (--ownership FILE | --assume-installed)";
    let refused = |args: &[&str], says: &str| {
        let out = sb.expect(2, &with(&VERIFY, args));
        let text = stderr(&out);
        assert!(text.starts_with(&format!("vaultseal: {says}")), "{args:?}: {text}");
        assert!(text.contains(usage), "{args:?}: {text}");
        assert!(out.stdout.is_empty());
    };
    refused(
        &with(&["v.rec", "-k", "v.key"], &ownership),
        "-k/--key goes with -o/--out: -k vault.key -o DIR verifies as that vault and opens the \
         registration into DIR; to verify only, name the vault with --vault VAULT",
    );
    refused(
        &with(&["v.rec", "--vault", "v.rec", "-o", "opened"], &ownership),
        "-o/--out goes with -k/--key: opening the registration into DIR needs the vault's \
         secret key (-k vault.key -o DIR)",
    );
    assert!(!sb.path("opened").exists());
    refused(
        &with(&["v.rec"], &ownership),
        "which vault verifies? --vault VAULT (its public key or record) to verify, or -k \
         vault.key -o DIR to verify and open",
    );
    refused(
        &["v.rec", "--vault", "v.rec"],
        "are the deploy keys installed? --ownership FILE lists the keys the git host shows as \
         installed; --ownership ssh (with --git-url, --known-hosts, -k and -o) asks the git host \
         itself; --assume-installed skips that check",
    );
    // The combinations of the synopsis.
    sb.ok(&with(&VERIFY, &with(&["v.rec", "--vault", "v.rec"], &ownership)));
    sb.ok(&with(&VERIFY, &["v.rec", "--vault", "v.rec", "--assume-installed"]));
    sb.ok(&with(&VERIFY, &with(&["v.rec", "-k", "v.key", "-o", "opened"], &ownership)));
    let args = ["v.rec", "--vault", "v.key.pub", "-k", "v.key", "-o", "again"];
    sb.ok(&with(&VERIFY, &with(&args, &ownership)));

    // --help shows the README table's synopsis.
    let readme = include_str!("../../README.md");
    let row = readme
        .lines()
        .find(|line| line.starts_with("| `verify-registration "))
        .expect("the README's verify-registration row");
    let synopsis = row.split('`').nth(1).unwrap().replace("\\|", "|").replace('…', "...");
    let help = stdout(&sb.ok(&["verify-registration", "--help"]));
    assert!(help.contains(&format!("\nUsage: vaultseal {synopsis}\n")), "{synopsis}\n{help}");
}
