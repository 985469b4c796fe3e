//! The `vaultseal` command-line tool, end to end through the built binary:
//! keys, records, sealing, batch verification, opening; armored and binary
//! files; exit codes (0 ok, 1 invalid, 2 usage or I/O).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::sync::atomic::{AtomicUsize, Ordering};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use vaultseal::DeployPublicKey;

/// The owner key every test context uses.
const OWNER: &str = "1111111111111111111111111111111111111111111111111111111111111111";

/// A fresh directory, removed when dropped; commands run inside it.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("vaultseal-cli-{}-{name}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        use std::io::Write as _;
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_vaultseal"))
            .args(args)
            .current_dir(&self.dir)
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// Run and require exit status `code`; the output.
    fn expect(&self, code: i32, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "vaultseal {args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn ok(&self, args: &[&str]) -> Output {
        self.expect(0, args)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path(name)).unwrap()
    }

    fn write(&self, name: &str, data: &[u8]) {
        fs::write(self.path(name), data).unwrap();
    }

    /// A vault: `<name>.key`, `<name>.key.pub`, `<name>.rec`.
    fn vault(&self, name: &str, extra: &[&str]) {
        let key = format!("{name}.key");
        let rec = format!("{name}.rec");
        let mut args = vec!["vault", "keygen", "-o", &key];
        args.extend_from_slice(extra);
        self.ok(&args);
        let mut args = vec!["vault", "record", "-k", &key, "--region", "eu-west"];
        args.extend_from_slice(&["--endpoint", "https://vault.example", "-o", &rec]);
        args.extend_from_slice(extra);
        self.ok(&args);
    }

    /// A deploy key `<name>` (+ `<name>.pub`); its OpenSSH line.
    fn deploy_key(&self, name: &str, extra: &[&str]) -> String {
        let mut args = vec!["deploy-key", "generate", "-o", name, "--comment", "ci"];
        args.extend_from_slice(extra);
        String::from_utf8(self.ok(&args).stdout).unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `--project p --repository github:1 --owner OWNER`, then `extra`.
fn ctx<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--project", "demo", "--repository", "github:123", "--owner", OWNER];
    args.extend_from_slice(extra);
    args
}

fn with<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut args = head.to_vec();
    args.extend_from_slice(tail);
    args
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Flip one bit of a file's byte at `at` (negative: from the end).
fn flip(path: &Path, at: isize) {
    let mut bytes = fs::read(path).unwrap();
    let i = if at < 0 { bytes.len() - at.unsigned_abs() } else { at.unsigned_abs() };
    bytes[i] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

#[test]
fn keygen_record_seal_verify_open_round_trip() {
    let sb = Sandbox::new("roundtrip");
    sb.vault("v", &[]);
    let key_file = String::from_utf8(sb.read("v.key")).unwrap();
    assert!(key_file.starts_with("-----BEGIN VAULTSEAL VAULT SECRET KEY-----\n"));
    assert!(stdout(&sb.run(&["inspect", "v.key.pub"])).contains("VAULT PUBLIC KEY"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |name| fs::metadata(sb.path(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("v.key"), 0o600);
        sb.deploy_key("dk", &[]);
        assert_eq!(mode("dk"), 0o600);
    }
    #[cfg(not(unix))]
    sb.deploy_key("dk", &[]);

    // The deploy key's public line: printed, written to dk.pub, parseable.
    let line = String::from_utf8(sb.read("dk.pub")).unwrap();
    assert!(line.starts_with("ssh-ed25519 AAAA") && line.ends_with(" ci\n"), "{line}");
    let public = DeployPublicKey::from_openssh(&line).unwrap();

    sb.ok(&with(
        &["seal", "deploy-key", "-k", "dk", "--to", "v.rec", "-o", "dk.sealed"],
        &ctx(&[]),
    ));
    sb.write("secret.txt", b"s3cr3t token");
    sb.ok(&with(
        &["seal", "secret", "-i", "secret.txt", "--to", "v.key.pub", "-o", "s.sealed"],
        &ctx(&[]),
    ));
    let inspected = stdout(&sb.ok(&["inspect", "dk.sealed"]));
    assert!(inspected.contains(&public.fingerprint()), "{inspected}");

    let out = sb.ok(&with(&["verify", "dk.sealed", "s.sealed", "v.rec"], &ctx(&[])));
    assert_eq!(stdout(&out), "OK dk.sealed\nOK s.sealed\nOK v.rec\n");

    // Opening gives back the very same key file, and the secret.
    sb.ok(&with(&["open", "-k", "v.key", "-i", "dk.sealed", "-o", "dk.opened"], &ctx(&[])));
    assert_eq!(sb.read("dk.opened"), sb.read("dk"));
    let out = sb.ok(&with(&["open", "-k", "v.key", "-i", "s.sealed", "-o", "-"], &ctx(&[])));
    assert_eq!(out.stdout, b"s3cr3t token");
}

#[test]
fn tampered_items_are_invalid_and_named() {
    let sb = Sandbox::new("tamper");
    sb.vault("v", &[]);
    sb.write("secret", b"0123456789");
    for name in ["a", "b", "c", "d"] {
        sb.ok(&with(
            &["seal", "secret", "-i", "secret", "--to", "v.key.pub", "-o", name, "--binary"],
            &ctx(&[]),
        ));
    }
    sb.ok(&with(&["verify", "a", "b", "c", "d"], &ctx(&[])));

    // b: the least significant byte of the last response scalar (still a
    // canonical scalar) — the proofs fail. d: the version byte — decoding
    // fails.
    flip(&sb.path("b"), -32);
    flip(&sb.path("d"), 0);
    let out = sb.expect(1, &with(&["verify", "a", "b", "c", "d"], &ctx(&[])));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "OK a");
    assert_eq!(
        lines[1],
        "INVALID b: the proofs do not verify under this context (project \"demo\", \
         repository \"github:123\", owner 1111111111111111…, purpose secret, no extra) \
         and these recipients, or the file was altered"
    );
    assert_eq!(lines[2], "OK c");
    assert!(lines[3].starts_with("INVALID d: ") && lines[3].contains("unknown version"), "{text}");

    // A tampered item does not open either; one that no longer decodes is
    // as invalid (exit 1) for open as for verify.
    let out = sb.expect(1, &with(&["open", "-k", "v.key", "-i", "b", "-o", "-"], &ctx(&[])));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("do not verify"), "{}", stderr(&out));
    let out = sb.expect(1, &with(&["open", "-k", "v.key", "-i", "d", "-o", "-"], &ctx(&[])));
    assert!(out.stdout.is_empty());
    let text = stderr(&out);
    assert!(text.starts_with("vaultseal: d: not armored, and no binary encoding fits: "), "{text}");
    assert!(text.contains("unknown version"), "{text}");
}

/// Proofs that fail under the context given name every field of it, so a
/// forgotten `--purpose`, a misspelt project, another owner or an extra can
/// be told apart from an altered file.
#[test]
fn a_failure_names_the_context_it_was_checked_under() {
    let sb = Sandbox::new("context-named");
    sb.vault("v", &[]);
    sb.write("hook", &[7u8; 32]);
    sb.ok(&with(
        &["seal", "secret", "--purpose", "webhook-secret", "-i", "hook", "--to", "v.key.pub"],
        &with(&ctx(&[]), &["-o", "hook.sealed"]),
    ));
    let other_owner = "22".repeat(32);
    let cases: [(Vec<&str>, &str); 4] = [
        // The purpose forgotten: verified as a plain secret.
        (ctx(&[]), "purpose secret, no extra"),
        (
            vec![
                "--purpose",
                "webhook-secret",
                "--project",
                "dmeo",
                "--repository",
                "github:123",
                "--owner",
                OWNER,
            ],
            "project \"dmeo\", repository \"github:123\"",
        ),
        (
            vec![
                "--purpose",
                "webhook-secret",
                "--project",
                "demo",
                "--repository",
                "github:123",
                "--owner",
                &other_owner,
            ],
            "owner 2222222222222222…, purpose webhook-secret",
        ),
        (
            ctx(&["--purpose", "webhook-secret", "--extra", "v2"]),
            "purpose webhook-secret, extra of 2 bytes",
        ),
    ];
    for (args, named) in cases {
        let out = sb.expect(1, &with(&["verify", "hook.sealed"], &args));
        let text = stdout(&out);
        assert!(text.starts_with("INVALID hook.sealed: the proofs do not verify"), "{text}");
        assert!(text.contains(named), "{args:?}: {text}");
        assert!(text.contains("or the file was altered"), "{text}");
        let out =
            sb.expect(1, &with(&["open", "-k", "v.key", "-i", "hook.sealed", "-o", "-"], &args));
        assert!(stderr(&out).contains(named), "{args:?}: {}", stderr(&out));
    }
    sb.ok(&with(&["verify", "--purpose", "webhook-secret", "hook.sealed"], &ctx(&[])));
}

/// Inputs that are almost right get a message that says what they are and
/// what to do (exit 2, nothing sealed); `--raw` seals a secret's bytes as
/// they are.
#[test]
fn almost_right_inputs_are_named() {
    let sb = Sandbox::new("almost-right");
    sb.vault("v", &[]);
    sb.ok(&["owner", "keygen", "-o", "owner.key"]);
    sb.ok(&["deploy-key", "generate", "-o", "dk"]);
    fn seal_secret<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["seal", "secret", "-i", file, "--to", "v.key.pub", "-o", "out"];
        args.extend_from_slice(extra);
        with(&args, &ctx(&[]))
    }
    let refused = |args: &[&str], says: &[&str]| {
        let out = sb.expect(2, args);
        let text = stderr(&out);
        for part in says {
            assert!(text.contains(part), "{args:?}: {text}");
        }
        assert!(!sb.path("out").exists(), "{args:?} wrote its output");
    };
    sb.write("line", b"hunter2\n");
    refused(&seal_secret("line", &[]), &["line: ends in a line break", "8 bytes", "--raw"]);
    sb.write("hex", format!("{}\n", "ab".repeat(32)).as_bytes());
    refused(&seal_secret("hex", &[]), &["64 hex digits", "--purpose webhook-secret"]);
    sb.write("big", &[1u8; 200]);
    refused(&seal_secret("big", &[]), &["200 bytes", "1..=128", "seal hybrid"]);
    refused(
        &seal_secret("big", &["--purpose", "webhook-secret"]),
        &["32 bytes or 64 hex digits, not 200 bytes"],
    );
    sb.write("empty", b"");
    refused(&seal_secret("empty", &[]), &["empty"]);
    refused(
        &with(&["seal", "deploy-key", "-k", "empty", "--to", "v.key.pub", "-o", "out"], &ctx(&[])),
        &["empty: the file is empty (expected a DEPLOY KEY)"],
    );
    refused(
        &with(&["seal", "deploy-key", "-k", "dk", "--to", "dk.pub", "-o", "out"], &ctx(&[])),
        &["dk.pub: an OpenSSH public key line", "not a VAULT PUBLIC KEY or VAULT RECORD"],
    );
    let context = |owner: &str| {
        ["--project", "demo", "--repository", "github:123", "--owner", owner].map(String::from)
    };
    for (owner, says) in [
        ("owner.key", "--owner takes its public key (owner.key.pub)"),
        ("1234", "--owner 1234: neither an owner public key (64 hex digits) nor a file"),
        ("v.key.pub", "a VAULT PUBLIC KEY, not an owner public key"),
    ] {
        let context = context(owner);
        let context: Vec<&str> = context.iter().map(String::as_str).collect();
        refused(
            &with(&["seal", "deploy-key", "-k", "dk", "--to", "v.key.pub", "-o", "out"], &context),
            &[says],
        );
    }
    // The owner's public key file works; --raw seals the line break too.
    let context = context("owner.key.pub");
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    sb.ok(&with(
        &["seal", "deploy-key", "-k", "dk", "--to", "v.key.pub", "-o", "dk.sealed"],
        &context,
    ));
    let out = sb.ok(&seal_secret("line", &["--raw"]));
    assert!(stderr(&out).contains("sealed secret (8 bytes) to 1 vault: out"), "{}", stderr(&out));
    let opened = sb.ok(&with(&["open", "-k", "v.key", "-i", "out", "-o", "-"], &ctx(&[])));
    assert_eq!(opened.stdout, b"hunter2\n");
}

#[test]
fn one_batch_of_many_files_with_one_bad() {
    let sb = Sandbox::new("batch");
    sb.vault("v1", &[]);
    sb.vault("v2", &[]);
    sb.write("secret", b"batch secret");
    let mut names = Vec::new();
    for i in 0..6 {
        let name = format!("s{i}");
        sb.ok(&with(
            &[
                "seal",
                "secret",
                "-i",
                "secret",
                "--to",
                "v1.rec",
                "--to",
                "v2.key.pub",
                "-o",
                &name,
            ],
            &ctx(&[]),
        ));
        names.push(name);
        let name = format!("dk{i}.sealed");
        let key = format!("dk{i}");
        sb.deploy_key(&key, &[]);
        sb.ok(&with(
            &[
                "seal",
                "deploy-key",
                "-k",
                &key,
                "--to",
                "v2.rec",
                "--to",
                "v1.key.pub",
                "-o",
                &name,
            ],
            &ctx(&[]),
        ));
        names.push(name);
    }
    // Flip a bit in the middle of one armored body (a commitment or proof
    // byte; whether it still decodes or not, the file is invalid).
    let bad = "dk3.sealed";
    let mut text = String::from_utf8(sb.read(bad)).unwrap();
    let at = text.len() / 2;
    let replacement = if &text[at..=at] == "A" { "B" } else { "A" };
    text.replace_range(at..=at, replacement);
    sb.write(bad, text.as_bytes());

    let args: Vec<&str> = core::iter::once("verify")
        .chain(names.iter().map(String::as_str))
        .chain(["--to", "v1.rec", "--to", "v2.rec"])
        .chain(ctx(&[]))
        .collect();
    let out = sb.expect(1, &args);
    let text = stdout(&out);
    // The two --to records, then every file in order; only the bad one fails.
    let expected_ok: Vec<String> = ["v1.rec", "v2.rec"]
        .iter()
        .map(|s| s.to_string())
        .chain(names.iter().filter(|n| *n != bad).cloned())
        .map(|n| format!("OK {n}"))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + names.len(), "{text}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("OK ")).count(), expected_ok.len());
    for line in &expected_ok {
        assert!(lines.contains(&line.as_str()), "{line} missing from\n{text}");
    }
    assert!(text.contains(&format!("INVALID {bad}: ")), "{text}");
    assert!(stderr(&out).contains(&format!("{} valid, 1 invalid", expected_ok.len())));

    // Sealed to both vaults: --to with only one of them is refused.
    let out = sb.expect(1, &with(&["verify", "s0", "--to", "v1.rec"], &ctx(&[])));
    assert_eq!(stdout(&out), "OK v1.rec\nINVALID s0: not sealed to exactly the --to vaults\n");
}

#[test]
fn armored_and_binary_files_are_interchangeable() {
    let sb = Sandbox::new("binary");
    sb.vault("v", &["--binary"]);
    assert_eq!(sb.read("v.key").len(), 64);
    assert_eq!(sb.read("v.key.pub").len(), 64);
    sb.deploy_key("dk", &["--binary"]);
    assert_eq!(sb.read("dk").len(), 32);

    sb.ok(&with(
        &["seal", "deploy-key", "-k", "dk", "--to", "v.rec", "-o", "bin", "--binary"],
        &ctx(&[]),
    ));
    sb.ok(&with(&["seal", "deploy-key", "-k", "dk", "--to", "v.key.pub", "-o", "arm"], &ctx(&[])));
    assert!(!sb.read("bin").starts_with(b"-----"));
    assert!(sb.read("arm").starts_with(b"-----BEGIN VAULTSEAL SEALED DEPLOY KEY-----"));
    let out = sb.ok(&with(&["verify", "bin", "arm"], &ctx(&[])));
    assert_eq!(stdout(&out), "OK bin\nOK arm\n");

    // Binary in, binary out: the opened key is the generated one, byte for byte.
    sb.ok(&with(&["open", "-k", "v.key", "-i", "arm", "-o", "opened", "--binary"], &ctx(&[])));
    assert_eq!(sb.read("opened"), sb.read("dk"));

    // Garbage that is not armor decodes as nothing verify takes.
    sb.write("garbage", &[1u8; 200]);
    let out = sb.expect(1, &with(&["verify", "garbage"], &ctx(&[])));
    let text = stdout(&out);
    assert!(
        text.starts_with("INVALID garbage: not armored, and no binary encoding fits: "),
        "{text}"
    );
    for object in ["sealed deploy key", "sealed secret", "vault record"] {
        assert!(text.contains(&format!("invalid {object} encoding")), "{text}");
    }
}

#[test]
fn wrong_armor_kind_is_a_typed_usage_error() {
    let sb = Sandbox::new("kind");
    sb.vault("v", &[]);
    sb.deploy_key("dk", &[]);
    sb.write("secret", b"x");

    // A public key where the secret key belongs.
    let out =
        sb.expect(2, &with(&["open", "-k", "v.key.pub", "-i", "v.rec", "-o", "-"], &ctx(&[])));
    assert!(
        stderr(&out).contains("v.key.pub: holds a VAULT PUBLIC KEY, expected a VAULT SECRET KEY"),
        "{}",
        stderr(&out)
    );
    // A secret key as a recipient.
    let out = sb.expect(2, &with(&["seal", "secret", "-i", "secret", "--to", "v.key"], &ctx(&[])));
    assert!(
        stderr(&out).contains(
            "v.key: holds a VAULT SECRET KEY, expected a VAULT PUBLIC KEY or VAULT RECORD"
        ),
        "{}",
        stderr(&out)
    );
    // A vault key where a deploy key belongs.
    let out =
        sb.expect(2, &with(&["seal", "deploy-key", "-k", "v.key", "--to", "v.rec"], &ctx(&[])));
    assert!(stderr(&out).contains("expected a DEPLOY KEY"), "{}", stderr(&out));

    // verify names such files with ERROR (exit 2) and still checks the rest.
    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "v.rec", "-o", "good"], &ctx(&[])));
    let armored = String::from_utf8(sb.read("good")).unwrap();
    sb.write(
        "bad-armor",
        armored.replace("SEALED SECRET-----\n", "SEALED SECRETS-----\n").as_bytes(),
    );
    let out = sb.expect(2, &with(&["verify", "good", "v.key", "bad-armor"], &ctx(&[])));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "OK good");
    assert!(
        lines[1].starts_with("ERROR v.key: holds a VAULT SECRET KEY, expected a SEALED DEPLOY KEY"),
        "{text}"
    );
    assert!(lines[2].starts_with("ERROR bad-armor: armor: unknown kind"), "{text}");
}

#[test]
fn missing_files_exit_2() {
    let sb = Sandbox::new("missing");
    sb.vault("v", &[]);
    sb.write("secret", b"x");
    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "v.rec", "-o", "good"], &ctx(&[])));

    let out = sb.expect(2, &with(&["verify", "good", "nope"], &ctx(&[])));
    assert_eq!(stdout(&out).lines().next(), Some("OK good"));
    assert!(stdout(&out).contains("ERROR nope: "), "{}", stdout(&out));
    sb.expect(2, &with(&["open", "-k", "nope.key", "-i", "good", "-o", "-"], &ctx(&[])));
    sb.expect(2, &with(&["seal", "secret", "-i", "secret", "--to", "nope.pub"], &ctx(&[])));
    sb.expect(2, &with(&["seal", "secret", "-i", "nope", "--to", "v.rec"], &ctx(&[])));
    sb.expect(2, &["vault", "record", "-k", "nope", "--region", "r", "--endpoint", "e"]);
    // And usage errors: a missing context field, a missing --out on open.
    let out = sb.expect(2, &["verify", "good", "--project", "demo", "--owner", OWNER]);
    assert!(stderr(&out).contains("--repository"), "{}", stderr(&out));
    sb.expect(2, &with(&["open", "-k", "v.key", "-i", "good"], &ctx(&[])));
}

#[test]
fn context_and_recipients_bind() {
    let sb = Sandbox::new("context");
    sb.vault("v", &[]);
    sb.vault("w", &[]);
    sb.deploy_key("dk", &[]);
    sb.ok(&with(
        &["seal", "deploy-key", "-k", "dk", "--to", "v.rec", "-o", "s"],
        &ctx(&["--extra", "x"]),
    ));
    sb.ok(&with(&["verify", "s"], &ctx(&["--extra", "x"])));
    sb.ok(&with(&["verify", "s"], &ctx(&["--extra-hex", "78"])));
    let others: [&[&str]; 4] = [
        &ctx(&[]), // extra absent
        &ctx(&["--extra", ""]),
        &["--project", "other", "--repository", "github:123", "--owner", OWNER, "--extra", "x"],
        &[
            "--project",
            "demo",
            "--repository",
            "github:123",
            "--owner",
            &"22".repeat(32),
            "--extra",
            "x",
        ],
    ];
    for context in others {
        let out = sb.expect(1, &with(&["verify", "s"], context));
        assert!(stdout(&out).starts_with("INVALID s: the proofs do not verify"), "{context:?}");
    }
    // Another vault is not a recipient and cannot open it.
    let out = sb
        .expect(1, &with(&["open", "-k", "w.key", "-i", "s", "-o", "-"], &ctx(&["--extra", "x"])));
    assert!(stderr(&out).contains("is not one of its recipients"), "{}", stderr(&out));
    // --to a vault it was not sealed to.
    let out = sb.expect(1, &with(&["verify", "s", "--to", "w.key.pub"], &ctx(&["--extra", "x"])));
    assert_eq!(stdout(&out), "INVALID s: not sealed to exactly the --to vaults\n");
    sb.ok(&with(&["verify", "s", "--to", "v.key.pub"], &ctx(&["--extra", "x"])));
}

#[test]
fn owner_as_hex_or_openssh_file() {
    let sb = Sandbox::new("owner");
    sb.vault("v", &[]);
    let line = sb.deploy_key("owner", &[]);
    let owner_hex = hex::encode(DeployPublicKey::from_openssh(&line).unwrap().to_bytes());
    sb.write("owner.hex", format!("{}\n", owner_hex.to_uppercase()).as_bytes());
    sb.write("secret", b"x");
    let base = ["--project", "demo", "--repository", "github:1", "--owner"];
    sb.ok(&with(
        &with(&["seal", "secret", "-i", "secret", "--to", "v.rec", "-o", "s"], &base),
        &["owner.pub"],
    ));
    sb.ok(&with(&with(&["verify", "s"], &base), &[&owner_hex]));
    sb.ok(&with(&with(&["verify", "s"], &base), &["owner.hex"]));
    sb.expect(1, &with(&with(&["verify", "s"], &base), &[OWNER]));
    // Neither hex nor a readable file.
    sb.expect(2, &with(&with(&["verify", "s"], &base), &["not-a-file"]));
}

#[test]
fn webhook_secrets_in_hex() {
    let sb = Sandbox::new("webhook");
    sb.vault("v", &[]);
    let hex_secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    sb.write("hook.hex", format!("{hex_secret}\n").as_bytes());
    let webhook = ["--purpose", "webhook-secret"];
    sb.ok(&with(
        &with(&["seal", "secret", "-i", "hook.hex", "--to", "v.rec", "-o", "s"], &webhook),
        &ctx(&[]),
    ));
    sb.ok(&with(&with(&["verify", "s"], &webhook), &ctx(&[])));
    // As a plain secret it is another context.
    sb.expect(1, &with(&["verify", "s"], &ctx(&[])));
    let out = sb.ok(&with(
        &with(&["open", "-k", "v.key", "-i", "s", "-o", "-", "--hex"], &webhook),
        &ctx(&[]),
    ));
    assert_eq!(stdout(&out), format!("{hex_secret}\n"));
    let out =
        sb.ok(&with(&with(&["open", "-k", "v.key", "-i", "s", "-o", "-"], &webhook), &ctx(&[])));
    assert_eq!(hex::encode(&out.stdout), hex_secret);
    // A purpose that no sealed secret can have is a usage error.
    let deploy = ["--purpose", "deploy-key"];
    sb.expect(2, &with(&with(&["open", "-k", "v.key", "-i", "s", "-o", "-"], &deploy), &ctx(&[])));
    // A webhook secret is 32 bytes.
    sb.write("short", b"abc");
    sb.expect(
        2,
        &with(&with(&["seal", "secret", "-i", "short", "--to", "v.rec"], &webhook), &ctx(&[])),
    );
}

#[test]
fn hybrid_envelopes_round_trip() {
    let sb = Sandbox::new("hybrid");
    sb.vault("v", &[]);
    sb.vault("w", &[]);
    let payload: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    sb.write("big", &payload);
    let out = sb.ok(&with(
        &[
            "seal",
            "hybrid",
            "-i",
            "big",
            "--to",
            "v.rec",
            "--to",
            "w.key.pub",
            "--ad",
            "v1",
            "-o",
            "env",
        ],
        &ctx(&[]),
    ));
    // Like every seal, one line saying what it wrote, and where.
    assert_eq!(stderr(&out), "sealed 100000 bytes in a hybrid envelope to 2 vaults: env\n");
    assert!(out.stdout.is_empty());
    assert!(stdout(&sb.ok(&["inspect", "env"])).contains("payload length: 100000"));
    for vault in ["v.key", "w.key"] {
        sb.ok(&with(
            &["open", "-k", vault, "-i", "env", "--ad", "v1", "-o", "out"],
            &ctx(&["--force"]),
        ));
        assert_eq!(sb.read("out"), payload);
    }
    // Other associated data, another context, a tampered byte: exit 1.
    sb.expect(1, &with(&["open", "-k", "v.key", "-i", "env", "--ad", "v2", "-o", "-"], &ctx(&[])));
    sb.expect(
        1,
        &with(
            &[
                "open",
                "-k",
                "v.key",
                "-i",
                "env",
                "--ad",
                "v1",
                "-o",
                "-",
                "--purpose",
                "webhook-secret",
            ],
            &ctx(&[]),
        ),
    );
    // From standard input, too.
    let out = sb.run_with_stdin(
        &with(&["seal", "hybrid", "-i", "-", "--to", "v.rec", "-o", "env2", "--binary"], &ctx(&[])),
        Some(b"piped"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "sealed 5 bytes in a hybrid envelope to 1 vault: env2\n");
    // To standard output: the envelope there, the line on standard error.
    let out = sb.ok(&with(&["seal", "hybrid", "-i", "big", "--to", "v.rec"], &ctx(&[])));
    assert!(stdout(&out).starts_with("-----BEGIN VAULTSEAL HYBRID ENVELOPE-----\n"));
    assert_eq!(
        stderr(&out),
        "sealed 100000 bytes in a hybrid envelope to 1 vault: standard output\n"
    );
    flip(&sb.path("env2"), -1);
    sb.expect(1, &with(&["open", "-k", "v.key", "-i", "env2", "-o", "-"], &ctx(&[])));
    // An envelope has no proof: verify refuses it as a kind.
    let out = sb.expect(2, &with(&["verify", "env"], &ctx(&[])));
    assert!(stdout(&out).starts_with("ERROR env: holds a HYBRID ENVELOPE"), "{}", stdout(&out));
}

#[test]
fn records_with_a_bad_proof_are_refused() {
    let sb = Sandbox::new("records");
    sb.vault("v", &["--binary"]);
    sb.write("secret", b"x");
    // The record ends with the 64-byte proof, u16 reputation, u64 capacity:
    // flip the least significant byte of the proof's response scalar.
    fs::copy(sb.path("v.rec"), sb.path("bad.rec")).unwrap();
    flip(&sb.path("bad.rec"), -(10 + 32));
    let out = sb.expect(1, &["verify", "v.rec", "bad.rec"]);
    assert_eq!(
        stdout(&out),
        "OK v.rec\nINVALID bad.rec: the proof of possession does not verify\n"
    );
    let out =
        sb.expect(1, &with(&["seal", "secret", "-i", "secret", "--to", "bad.rec"], &ctx(&[])));
    assert!(stderr(&out).contains("bad.rec"), "{}", stderr(&out));
    // An expired record is refused for sealing.
    sb.ok(&[
        "vault",
        "record",
        "-k",
        "v.key",
        "--region",
        "eu",
        "--endpoint",
        "e",
        "--expires",
        "1",
        "-o",
        "old.rec",
    ]);
    let out =
        sb.expect(1, &with(&["seal", "secret", "-i", "secret", "--to", "old.rec"], &ctx(&[])));
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
}

/// One expiry rule everywhere (`expires_at` not 0 and not after now):
/// `vault record` warns but writes, `verify` reports an expired record
/// INVALID (exit 1) and still checks the rest, `seal` refuses it as a
/// recipient (exit 1, as an invalid item). A record that expires later,
/// or never, is valid.
#[test]
fn expiry_is_the_same_everywhere() {
    let sb = Sandbox::new("expiry");
    sb.vault("v", &[]);
    sb.write("secret", b"x");
    let record = |expires: &str, out: &str| {
        let args = ["vault", "record", "-k", "v.key", "--region", "eu", "--endpoint", "e"];
        sb.ok(&with(&args, &["--expires", expires, "-o", out]))
    };
    let out = record("1", "old.rec");
    assert_eq!(
        stderr(&out),
        "warning: --expires 1 (1970-01-01T00:00:01Z) is in the past: the record is written, \
         but seal and register refuse it and verify reports it INVALID\n"
    );
    assert!(sb.path("old.rec").exists());
    // 2099-12-31T23:59:59Z: no warning.
    assert_eq!(stderr(&record("4102444799", "new.rec")), "");

    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "v.key.pub", "-o", "s"], &ctx(&[])));
    let expired = "INVALID old.rec: expired at 1970-01-01T00:00:01Z (Unix 1)";
    let out = sb.expect(1, &with(&["verify", "v.rec", "old.rec", "new.rec", "s"], &ctx(&[])));
    assert_eq!(stdout(&out), format!("OK v.rec\n{expired}\nOK new.rec\nOK s\n"));
    assert!(stderr(&out).contains("3 valid, 1 invalid, 0 unreadable"), "{}", stderr(&out));
    // As a --to record too.
    let out = sb.expect(1, &with(&["verify", "s", "--to", "old.rec"], &ctx(&[])));
    assert_eq!(stdout(&out), format!("{expired}\nOK s\n"));

    let out = sb.expect(
        1,
        &with(&["seal", "secret", "-i", "secret", "--to", "old.rec", "-o", "t"], &ctx(&[])),
    );
    assert_eq!(
        stderr(&out),
        "vaultseal: refusing to seal: the vault record old.rec expired at \
         1970-01-01T00:00:01Z (Unix 1)\n"
    );
    assert!(!sb.path("t").exists());
    sb.ok(&with(&["seal", "secret", "-i", "secret", "--to", "new.rec", "-o", "t"], &ctx(&[])));
    // inspect says when a record expires, and whether that has passed.
    for (file, line) in [
        ("v.rec", "  expires: never\n"),
        ("new.rec", "  expires: 2099-12-31T23:59:59Z (Unix 4102444799)\n"),
        ("old.rec", "  expires: 1970-01-01T00:00:01Z (Unix 1), expired\n"),
    ] {
        let out = stdout(&sb.ok(&["inspect", file]));
        assert!(out.contains(line), "{file}: {out}");
    }
    // register seals to its recipients: the same refusal.
    sb.ok(&["owner", "keygen", "-o", "owner.key"]);
    let register = ["register", "--owner-key", "owner.key", "--name", "demo", "--to"];
    let repos = ["--config-repo", "github:1", "--code-repo", "github:2", "-o", "reg.pem"];
    let out = sb.expect(1, &with(&with(&register, &["old.rec"]), &repos));
    assert!(
        stderr(&out).contains("the vault record old.rec expired at 1970-01-01T00:00:01Z"),
        "{}",
        stderr(&out)
    );
    assert!(!sb.path("reg.pem").exists());
    sb.ok(&with(&with(&register, &["new.rec"]), &repos));
    // verify-registration: the check (PROTOCOL.md §10.5) has no expiry, so
    // an expired directory record is a warning, the registration valid.
    let verify = ["verify-registration", "-i", "reg.pem", "--vault", "v.key.pub"];
    let out = sb.ok(&with(&verify, &["--records", "old.rec", "--assume-installed"]));
    assert!(
        stderr(&out).contains(
            "warning: the vault record old.rec expired at 1970-01-01T00:00:01Z (Unix 1) (the \
             registration check does not look at expiry)\n"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).starts_with("OK reg.pem\n"), "{}", stdout(&out));
    let out = sb.ok(&with(&verify, &["--records", "new.rec", "--assume-installed"]));
    assert!(!stderr(&out).contains("expired"), "{}", stderr(&out));
}

#[test]
fn secrets_are_never_printed_nor_overwritten() {
    let sb = Sandbox::new("secrets");
    let out = sb.ok(&["vault", "keygen", "-o", "v.key"]);
    let armored = String::from_utf8(sb.read("v.key")).unwrap();
    let body: String = armored.lines().filter(|l| !l.starts_with("-----")).collect();
    for stream in [stdout(&out), stderr(&out)] {
        assert!(!stream.contains(&body[..20]), "{stream}");
    }
    let inspected = stdout(&sb.ok(&["inspect", "v.key"]));
    assert!(!inspected.contains(&body[..20]), "{inspected}");

    // No overwrite without --force; with it, a fresh 0600 file.
    sb.expect(2, &["vault", "keygen", "-o", "v.key"]);
    assert_eq!(sb.read("v.key"), armored.as_bytes());
    sb.ok(&["vault", "keygen", "-o", "v.key", "--force"]);
    assert_ne!(sb.read("v.key"), armored.as_bytes());
    // Secret keys never go to standard output.
    sb.expect(2, &["deploy-key", "generate", "-o", "-"]);
}

/// Run `vaultseal args` in the sandbox under `sh`, with a file-size limit of
/// zero (`ulimit -f 0`: every write to a regular file fails, as on a full
/// disk). With `ignore_signal`, SIGXFSZ is ignored, so the write returns an
/// error (EFBIG) that the tool must handle; without it the kernel kills the
/// process in the middle of its write, as a crash would.
fn run_with_no_disk_space(sb: &Sandbox, args: &[&str], ignore_signal: bool) -> Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    let script = format!("{trap}ulimit -f 0; exec \"$0\" \"$@\"");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_vaultseal"))
        .args(args)
        .current_dir(&sb.dir)
        .output()
        .unwrap()
}

/// Names in the sandbox that are not in `before`: debris of a failed write.
fn new_files(sb: &Sandbox, before: &[String]) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(&sb.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !before.contains(n))
        .collect();
    names.sort();
    names
}

fn file_names(sb: &Sandbox) -> Vec<String> {
    new_files(sb, &[])
}

/// Outputs are written to a temporary file, synced, then renamed over the
/// target: a write that fails half-way (no space left, here a file-size
/// limit of zero) or a process killed in the middle of it leaves the
/// previous file exactly as it was. Before, `--force` removed an old secret
/// key first and public outputs were truncated in place.
#[test]
fn failed_writes_leave_the_previous_file_intact() {
    let sb = Sandbox::new("atomic");
    sb.vault("v", &[]);
    sb.write("payload", &[7u8; 3000]);
    let seal = with(&["seal", "hybrid", "-i", "payload", "--to", "v.rec", "-o", "env"], &ctx(&[]));
    sb.ok(&seal);
    let envelope = sb.read("env");
    let secret_key = sb.read("v.key");
    let public_key = sb.read("v.key.pub");
    let before = file_names(&sb);

    for ignore_signal in [true, false] {
        // A public output, replaced without --force.
        let out = run_with_no_disk_space(&sb, &seal, ignore_signal);
        assert_ne!(out.status.code(), Some(0), "the write cannot have succeeded");
        assert_eq!(
            sb.read("env"),
            envelope,
            "public output damaged (signal ignored: {ignore_signal})"
        );
        // A secret key and its public half, replaced with --force.
        let out = run_with_no_disk_space(
            &sb,
            &["vault", "keygen", "-o", "v.key", "--force"],
            ignore_signal,
        );
        assert_ne!(out.status.code(), Some(0));
        assert_eq!(
            sb.read("v.key"),
            secret_key,
            "secret key lost (signal ignored: {ignore_signal})"
        );
        assert_eq!(sb.read("v.key.pub"), public_key);
        if ignore_signal {
            // An I/O error, reported as such (exit 2), naming the file, and
            // no temporary file left behind.
            assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
            assert!(stderr(&out).contains("v.key"), "{}", stderr(&out));
            assert_eq!(new_files(&sb, &before), Vec::<String>::new());
        } else {
            // Killed by SIGXFSZ in the middle of the write.
            assert_eq!(out.status.code(), None, "{}", stderr(&out));
        }
    }
    // The key files still work, and a write with space succeeds.
    sb.ok(&with(&["open", "-k", "v.key", "-i", "env", "-o", "opened"], &ctx(&[])));
    assert_eq!(sb.read("opened"), [7u8; 3000]);
    sb.ok(&["vault", "keygen", "-o", "v.key", "--force"]);
    assert_ne!(sb.read("v.key"), secret_key);
}

/// A target that is not a regular file cannot be replaced by a rename:
/// public data goes into it directly (so a full device is an I/O error and
/// the device stays a device), a secret key is refused. A symbolic link is
/// followed, and its target replaced.
#[cfg(unix)]
#[test]
fn outputs_to_devices_and_links() {
    use std::os::unix::fs::FileTypeExt as _;
    let sb = Sandbox::new("devices");
    sb.vault("v", &[]);
    sb.write("payload", b"p");
    fn seal(out: &str) -> Vec<&str> {
        with(&["seal", "hybrid", "-i", "payload", "--to", "v.rec", "-o", out], &ctx(&[]))
    }
    let is_char_device = |p: &str| fs::metadata(p).unwrap().file_type().is_char_device();
    assert!(is_char_device("/dev/full"));
    let out = sb.expect(2, &seal("/dev/full"));
    assert!(stderr(&out).contains("/dev/full"), "{}", stderr(&out));
    assert!(is_char_device("/dev/full"), "/dev/full was replaced");
    sb.expect(2, &["vault", "keygen", "-o", "/dev/full", "--force"]);
    assert!(is_char_device("/dev/full"), "/dev/full was replaced");

    fs::create_dir(sb.path("real")).unwrap();
    sb.write("real/env", b"old");
    std::os::unix::fs::symlink("real/env", sb.path("link")).unwrap();
    sb.ok(&seal("link"));
    assert!(fs::symlink_metadata(sb.path("link")).unwrap().file_type().is_symlink());
    assert!(sb.read("real/env").starts_with(b"-----BEGIN VAULTSEAL HYBRID ENVELOPE-----"));
}

// Registrations (`owner keygen`, `register`, `verify-registration`, and
// registrations in `verify`), threshold dealings and registrations (`open`,
// `combine`), beside this file.
mod agent;
mod inspect;
mod readme;
mod registration;
mod threshold;

/// The `VAULT PUBLIC KEY` armor of `bytes` (its base64 on one line).
fn armored_vault_public_key(bytes: &[u8]) -> String {
    use base64ct::Encoding as _;
    let body = base64ct::Base64::encode_string(bytes);
    format!(
        "-----BEGIN VAULTSEAL VAULT PUBLIC KEY-----\n{body}\n-----END VAULTSEAL VAULT PUBLIC KEY-----\n"
    )
}

/// A vault public key whose KEM key `W` is of small order is refused in the
/// words of PROTOCOL.md §3.1 ("small order", `SmallOrder`), not as an
/// identity point; an identity `Y` keeps its own reason.
#[test]
fn small_order_kem_key_is_named() {
    let sb = Sandbox::new("small-order-w");
    sb.ok(&["vault", "keygen", "-o", "v.key", "--binary"]);
    let public = sb.read("v.key.pub");
    assert_eq!(public.len(), 64);
    sb.write("p", b"x");
    fn seal_to(key: &str) -> Vec<&str> {
        with(&["seal", "secret", "-i", "p", "--to", key, "-o", "s"], &ctx(&["--force"]))
    }
    // u = 0 (order 2), u = 1 (order 4), and a point of order 8.
    let order_8 = "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800";
    for (name, w) in [
        ("zero", [0u8; 32].to_vec()),
        ("one", [&[1u8][..], &[0; 31]].concat()),
        ("eight", hex::decode(order_8).unwrap()),
    ] {
        let file = format!("{name}.pub");
        sb.write(&file, armored_vault_public_key(&[&public[..32], &w].concat()).as_bytes());
        let out = sb.expect(2, &seal_to(&file));
        assert!(
            stderr(&out).contains("invalid vault public key encoding: point of small order"),
            "{name}: {}",
            stderr(&out)
        );
    }
    sb.write(
        "y.pub",
        armored_vault_public_key(&[&[0u8; 32][..], &public[32..]].concat()).as_bytes(),
    );
    let out = sb.expect(2, &seal_to("y.pub"));
    assert!(
        stderr(&out).contains("invalid vault public key encoding: identity point not allowed"),
        "{}",
        stderr(&out)
    );
    // The key as generated seals.
    sb.write("good.pub", armored_vault_public_key(&public).as_bytes());
    sb.ok(&seal_to("good.pub"));
}

/// A sealed secret that is not 32 bytes long, verified or opened as a
/// webhook secret, is refused for its length in the words of PROTOCOL.md §8.2
/// and of the registration check `PayloadLength` ("sealed webhook secret is
/// not 32 bytes"), not as a proof failure.
#[test]
fn sealed_webhook_secret_of_the_wrong_length_is_named() {
    let sb = Sandbox::new("webhook-length");
    sb.vault("v", &[]);
    sb.write("p31", &[7u8; 31]);
    sb.ok(&with(&["seal", "secret", "-i", "p31", "--to", "v.rec", "-o", "s31"], &ctx(&[])));
    let webhook = ["--purpose", "webhook-secret"];
    let expected = "sealed webhook secret is not 32 bytes (L = 31)";
    let out = sb.expect(1, &with(&with(&["verify", "s31"], &webhook), &ctx(&[])));
    assert_eq!(stdout(&out), format!("INVALID s31: {expected}\n"));
    let out = sb.expect(
        1,
        &with(&with(&["open", "-k", "v.key", "-i", "s31", "-o", "-"], &webhook), &ctx(&[])),
    );
    assert!(stderr(&out).contains(&format!("s31: {expected}")), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // As a plain secret it verifies and opens.
    sb.ok(&with(&["verify", "s31"], &ctx(&[])));
    let out = sb.ok(&with(&["open", "-k", "v.key", "-i", "s31", "-o", "-"], &ctx(&[])));
    assert_eq!(out.stdout, [7u8; 31]);
}

/// `vault metrics` sets the network's figures of a record: the proof still
/// verifies (it covers the key and stable fields only), `inspect` shows the
/// figures and the vault key's fingerprint (the one the web page shows), and
/// a reputation above 1000 or a file that is not a record is refused.
#[test]
fn vault_metrics_sets_the_network_figures() {
    let sb = Sandbox::new("metrics");
    sb.vault("v", &[]);
    sb.ok(&[
        "vault",
        "metrics",
        "--record",
        "v.rec",
        "--reputation",
        "900",
        "--capacity",
        "4096",
        "-o",
        "rated.rec",
    ]);
    let out = sb.ok(&["verify", "rated.rec"]);
    assert_eq!(stdout(&out), "OK rated.rec\n");
    let text = stdout(&sb.ok(&["inspect", "rated.rec", "v.key.pub"]));
    assert!(text.contains("  reputation: 900\n  free capacity: 4096\n"), "{text}");
    let fingerprints: Vec<&str> =
        text.lines().filter_map(|line| line.strip_prefix("  fingerprint: ")).collect();
    assert_eq!(fingerprints.len(), 2, "{text}");
    assert_eq!(fingerprints[0], fingerprints[1]);
    assert!(fingerprints[0].starts_with("SHA256:"), "{text}");

    let out = sb.expect(
        2,
        &["vault", "metrics", "--record", "v.rec", "--reputation", "1001", "--capacity", "1"],
    );
    assert!(stderr(&out).contains("--reputation must be 0..=1000"), "{}", stderr(&out));
    let out = sb.expect(
        2,
        &["vault", "metrics", "--record", "v.key.pub", "--reputation", "1", "--capacity", "1"],
    );
    assert!(stderr(&out).contains("v.key.pub"), "{}", stderr(&out));
}
