//! `inspect` reads every file the tool writes — armor, and the `.pub` files
//! that are not armor (a deploy key's OpenSSH line, an owner's hex key) —
//! and reports file by file, never stopping at a bad one, with `verify`'s
//! exit status (0 all shown, 1 one does not decode, 2 one cannot be read).

use vaultseal::DeployPublicKey;

use super::{Sandbox, stderr, stdout};

/// The block `inspect` prints for `file`: its `<file>: ` line and the
/// indented lines after it.
fn block(text: &str, file: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        if !line.starts_with("  ") {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    let head = format!("{file}: ");
    blocks
        .into_iter()
        .find(|block| block.starts_with(&head))
        .unwrap_or_else(|| panic!("no block for {file} in\n{text}"))
}

#[test]
fn inspect_reads_every_pub_file_the_tool_writes() {
    let sb = Sandbox::new("inspect-pub");
    sb.vault("v", &[]);
    let owner = sb.owner("owner.key");
    let line = sb.deploy_key("dk", &[]);
    let deploy = DeployPublicKey::from_openssh(&line).unwrap();
    sb.register("demo", &["v.rec"], "reg.pem", &[]);
    let setup_line = sb.text("reg.pem.setup/config.deploy-key.pub");
    let setup_key = DeployPublicKey::from_openssh(&setup_line).unwrap();
    let secret = sb.text("reg.pem.setup/config.webhook-secret");

    let files = [
        "v.key.pub",
        "dk.pub",
        "owner.key.pub",
        "reg.pem.setup/config.deploy-key.pub",
        "reg.pem.setup/config.webhook-secret",
        "v.rec",
    ];
    let out = sb.ok(&[&["inspect"][..], &files].concat());
    let text = stdout(&out);
    assert!(block(&text, "v.key.pub").starts_with("v.key.pub: VAULT PUBLIC KEY\n  Y: "), "{text}");
    assert_eq!(
        block(&text, "dk.pub"),
        format!(
            "dk.pub: OPENSSH PUBLIC KEY\n  public key: {}\n  comment: ci\n  fingerprint: {}\n",
            deploy.to_openssh("").unwrap(),
            deploy.fingerprint()
        )
    );
    assert_eq!(
        block(&text, "owner.key.pub"),
        format!("owner.key.pub: OWNER PUBLIC KEY\n  public key: {owner}\n")
    );
    assert_eq!(
        block(&text, "reg.pem.setup/config.deploy-key.pub"),
        format!(
            "reg.pem.setup/config.deploy-key.pub: OPENSSH PUBLIC KEY\n  public key: {}\n  \
             comment: vaultseal demo config\n  fingerprint: {}\n",
            setup_key.to_openssh("").unwrap(),
            setup_key.fingerprint()
        )
    );
    // A webhook secret has the form of an owner key file: named, not shown.
    assert!(
        block(&text, "reg.pem.setup/config.webhook-secret")
            .starts_with("reg.pem.setup/config.webhook-secret: 64 HEX DIGITS\n"),
        "{text}"
    );
    assert!(!text.contains(secret.trim()), "the webhook secret was printed:\n{text}");
    assert!(block(&text, "v.rec").contains("  expires: never\n"), "{text}");
    assert_eq!(stderr(&out), "6 shown, 0 invalid, 0 unreadable\n");
}

#[test]
fn inspect_reports_file_by_file() {
    let sb = Sandbox::new("inspect-each");
    sb.vault("v", &[]);
    sb.write("garbage", &[1u8; 200]);
    sb.write("bad.pub", b"ssh-ed25519 AAAA short\n");
    // y = 2 is no point of Ed25519: 64 hex digits that are no owner key.
    sb.write("bad-owner.pub", format!("02{}\n", "00".repeat(31)).as_bytes());

    // Every file gets its line, in order; a missing file is exit 2.
    let out = sb.expect(
        2,
        &["inspect", "v.key.pub", "missing", "garbage", "bad.pub", "bad-owner.pub", "v.rec"],
    );
    let text = stdout(&out);
    let heads: Vec<&str> = text.lines().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(heads.len(), 6, "{text}");
    assert_eq!(heads[0], "v.key.pub: VAULT PUBLIC KEY");
    assert!(heads[1].starts_with("ERROR missing: "), "{text}");
    assert!(
        heads[2].starts_with("INVALID garbage: not armored, and no binary encoding fits: "),
        "{text}"
    );
    assert!(heads[3].starts_with("INVALID bad.pub: invalid OpenSSH public key"), "{text}");
    assert_eq!(
        heads[4],
        "INVALID bad-owner.pub: 64 hex digits, but not an Ed25519 public key (an owner public \
         key is one)"
    );
    assert_eq!(heads[5], "v.rec: VAULT RECORD");
    assert_eq!(stderr(&out), "2 shown, 3 invalid, 1 unreadable\n");

    // Readable but invalid: exit 1; unknown armor is unreadable: exit 2.
    let out = sb.expect(1, &["inspect", "garbage", "v.rec"]);
    assert!(stdout(&out).contains("v.rec: VAULT RECORD\n"), "{}", stdout(&out));
    let armored = String::from_utf8(sb.read("v.rec")).unwrap();
    sb.write("other.pem", armored.replace("VAULT RECORD", "VAULT THING").as_bytes());
    let out = sb.expect(2, &["inspect", "other.pem", "v.rec"]);
    assert!(
        stdout(&out).starts_with("ERROR other.pem: armor: unknown kind 'VAULTSEAL VAULT THING'\n"),
        "{}",
        stdout(&out)
    );
}
