//! `vaultseal agent` through the built binary, with OpenSSH's own client:
//! `ssh-add -L`/`-l` list the keys, `ssh-add -T` has them sign and checks
//! the signatures, `ssh-add -D` is refused; SIGTERM, SIGINT and SIGHUP stop
//! the agent with status 0 and remove its socket. Needs `ssh-add`
//! (Debian's `openssh-client`, which `.ci/run` installs).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};

use super::{Sandbox, stderr, stdout};

/// A running `vaultseal agent`, killed if the test ends before it stops.
struct AgentProcess {
    /// `None` once stopped.
    child: Option<Child>,
    socket: PathBuf,
    /// The line it printed for `eval`.
    eval_line: String,
}

impl AgentProcess {
    fn start(sb: &Sandbox, extra: &[&str]) -> Self {
        let socket = sb.path("agent/sock");
        let mut child = Command::new(env!("CARGO_BIN_EXE_vaultseal"))
            .arg("agent")
            .arg("--socket")
            .arg(&socket)
            .args(extra)
            .current_dir(&sb.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The line is printed once the socket is listening; end of file if
        // the agent failed to start.
        let mut eval_line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut eval_line).unwrap();
        if eval_line.is_empty() {
            panic!("the agent exited: {:?}", child.wait_with_output());
        }
        AgentProcess { child: Some(child), socket, eval_line }
    }

    /// `ssh-add ARGS` against this agent.
    fn ssh_add(&self, args: &[&str], dir: &Path) -> Output {
        Command::new("timeout")
            .arg("60")
            .arg(ssh_add())
            .args(args)
            .env("SSH_AUTH_SOCK", &self.socket)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Send `signal` (`TERM`, `INT`, `HUP`) with `kill`, wait for the exit;
    /// the status and standard error.
    fn stop(mut self, signal: &str) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        let killed = Command::new("kill").args(["-s", signal, &pid]).status().unwrap();
        assert!(killed.success());
        // The agent exits by itself; the bound (60 s) only keeps a broken
        // agent from hanging the test.
        let exited = (0..600).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            child.try_wait().unwrap().is_some()
        });
        if !exited {
            let _ = child.kill();
        }
        let output = child.wait_with_output().unwrap();
        assert!(exited, "the agent did not stop on SIG{signal}: {}", stderr(&output));
        (output.status, stderr(&output))
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `ssh-add`, which the test requires.
fn ssh_add() -> PathBuf {
    let paths = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&paths).map(|dir| dir.join("ssh-add")).find(|p| p.is_file()).expect(
        "ssh-add is required by the agent tests: install OpenSSH's client (Debian: openssh-client)",
    )
}

/// `deploy-key generate -o NAME --comment COMMENT`; the `.pub` line.
fn deploy_key(sb: &Sandbox, name: &str, comment: &str) -> String {
    let out = sb.ok(&["deploy-key", "generate", "-o", name, "--comment", comment]);
    stdout(&out).trim_end().to_owned()
}

#[test]
fn ssh_add_lists_the_keys_and_has_them_sign() {
    let sb = Sandbox::new("agent-ssh-add");
    let config = deploy_key(&sb, "config.deploy-key", "vaultseal demo config");
    let code = deploy_key(&sb, "code.deploy-key", "vaultseal demo code");
    let other = deploy_key(&sb, "other.deploy-key", "not served");
    // A key file without `.pub`: listed under its file name.
    std::fs::rename(sb.path("code.deploy-key"), sb.path("bare.deploy-key")).unwrap();
    let agent = AgentProcess::start(&sb, &["config.deploy-key", "bare.deploy-key"]);

    let socket = std::path::absolute(sb.path("agent/sock")).unwrap();
    assert_eq!(
        agent.eval_line,
        format!("SSH_AUTH_SOCK={}; export SSH_AUTH_SOCK;\n", socket.display())
    );

    // `ssh-add -L`: the public lines, with their comments.
    let listed = agent.ssh_add(&["-L"], &sb.dir);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let code_blob = code.split(' ').take(2).collect::<Vec<_>>().join(" ");
    assert_eq!(stdout(&listed), format!("{config}\n{code_blob} bare.deploy-key\n"));
    // `ssh-add -l`: the fingerprints `vaultseal` printed.
    let fingerprints = agent.ssh_add(&["-l"], &sb.dir);
    let config_public = vaultseal::DeployPublicKey::from_openssh(&config).unwrap();
    let expected = format!("256 {} vaultseal demo config (ED25519)", config_public.fingerprint());
    assert!(stdout(&fingerprints).starts_with(&expected), "{}", stdout(&fingerprints));

    // `ssh-add -T`: each key signs through the agent and ssh-add verifies.
    std::fs::write(sb.path("code.pub"), format!("{code}\n")).unwrap();
    let tested = agent.ssh_add(&["-T", "config.deploy-key.pub", "code.pub"], &sb.dir);
    assert!(tested.status.success(), "ssh-add -T: {}", stderr(&tested));
    // A key the agent does not hold fails.
    std::fs::write(sb.path("other.pub"), format!("{other}\n")).unwrap();
    let refused = agent.ssh_add(&["-T", "other.pub"], &sb.dir);
    assert!(!refused.status.success(), "ssh-add -T of a key not served succeeded");
    // Removing keys through the socket is refused; the keys stay.
    let removed = agent.ssh_add(&["-D"], &sb.dir);
    assert!(!removed.status.success(), "ssh-add -D succeeded");
    assert_eq!(stdout(&agent.ssh_add(&["-L"], &sb.dir)).lines().count(), 2);

    let (status, log) = agent.stop("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    // One log line per signature of `ssh-add -T`, by fingerprint.
    let signed: Vec<&str> = log.lines().filter(|l| l.contains("signed with")).collect();
    assert_eq!(signed.len(), 2, "{log}");
    assert!(signed[0].contains(&config_public.fingerprint()), "{log}");
    assert!(!sb.path("agent/sock").exists(), "the socket is removed on exit");
}

#[test]
fn termination_signals_stop_the_agent_cleanly() {
    let sb = Sandbox::new("agent-signals");
    deploy_key(&sb, "k", "k");
    for signal in ["TERM", "INT", "HUP"] {
        let agent = AgentProcess::start(&sb, &["--lifetime", "3600", "k"]);
        assert!(sb.path("agent/sock").exists());
        let (status, log) = agent.stop(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {log}");
        assert!(!sb.path("agent/sock").exists(), "SIG{signal} left the socket");
        assert!(log.contains("stopped"), "{log}");
    }
}

/// `vaultseal agent ARGS`, which must refuse to start: exit status 2 (an
/// agent that starts anyway is stopped after 60 s by `timeout`, status 124);
/// its standard error.
fn refused(sb: &Sandbox, args: &[&str]) -> String {
    let out = Command::new("timeout")
        .args(["60", env!("CARGO_BIN_EXE_vaultseal"), "agent"])
        .args(args)
        .current_dir(&sb.dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "agent {args:?}: {}", stderr(&out));
    stderr(&out)
}

#[test]
fn bad_arguments_start_no_agent() {
    let sb = Sandbox::new("agent-usage");
    deploy_key(&sb, "k", "k");
    sb.ok(&["vault", "keygen", "-o", "vault.key"]);
    let socket = sb.path("agent/sock");
    let socket = socket.to_str().unwrap();
    // Not a deploy key, a missing file, no key, a zero lifetime.
    let log = refused(&sb, &["--socket", socket, "vault.key"]);
    assert!(log.contains("vault.key"), "{log}");
    refused(&sb, &["--socket", socket, "missing"]);
    refused(&sb, &["--socket", socket]);
    refused(&sb, &["--socket", socket, "--lifetime", "0", "k"]);
    assert!(!sb.path("agent/sock").exists());
    // A socket directory others can enter.
    std::fs::create_dir(sb.path("open")).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(sb.path("open"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = refused(&sb, &["--socket", "open/sock", "k"]);
    assert!(log.contains("mode 0755"), "{log}");
    assert!(!sb.path("open/sock").exists());
}
