//! The deploy-key ssh-agent (`agent` feature) through its Unix socket, with
//! a client written here byte by byte from draft-miller-ssh-agent (not
//! with the encoder the agent uses): identities, signatures, refusals,
//! limits, malformed input, concurrent clients, socket permissions,
//! shutdown. `cli/tests/cli/agent.rs` drives it with OpenSSH's own
//! `ssh-add`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use vaultseal::agent::{Agent, MAX_MESSAGE_LEN};
use vaultseal::{DeployKey, Signature};

const FAILURE: u8 = 5;
const REQUEST_IDENTITIES: u8 = 11;
const IDENTITIES_ANSWER: u8 = 12;
const SIGN_REQUEST: u8 = 13;
const SIGN_RESPONSE: u8 = 14;
const ADD_IDENTITY: u8 = 17;
const REMOVE_ALL_IDENTITIES: u8 = 19;
const EXTENSION: u8 = 27;

/// A fresh private directory (mode 0700), removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("vaultseal-agent-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn key(n: u8) -> DeployKey {
    let mut bytes = [0u8; 32];
    bytes[0] = n;
    bytes[1] = 0x5a;
    DeployKey::from_bytes(&bytes).unwrap()
}

fn string(bytes: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

fn sign_request(blob: &[u8], data: &[u8], flags: u32) -> Vec<u8> {
    let mut message = vec![SIGN_REQUEST];
    message.extend(string(blob));
    message.extend(string(data));
    message.extend(flags.to_be_bytes());
    message
}

/// Send one framed message; the framed answer's message, or `None` if the
/// agent closed the connection.
fn request(stream: &mut UnixStream, message: &[u8]) -> Option<Vec<u8>> {
    let mut frame = u32::try_from(message.len()).unwrap().to_be_bytes().to_vec();
    frame.extend_from_slice(message);
    // A closed connection may already refuse the write.
    stream.write_all(&frame).ok()?;
    read_answer(stream)
}

fn read_answer(stream: &mut UnixStream) -> Option<Vec<u8>> {
    let mut length = [0u8; 4];
    match stream.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == ErrorKind::UnexpectedEof => return None,
        Err(error) if error.kind() == ErrorKind::ConnectionReset => return None,
        Err(error) => panic!("reading the answer: {error}"),
    }
    let mut answer = vec![0u8; u32::from_be_bytes(length) as usize];
    stream.read_exact(&mut answer).unwrap();
    Some(answer)
}

/// A cursor over an answer.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap();
        self.0 = rest;
        *first
    }
    fn u32(&mut self) -> u32 {
        let (head, rest) = self.0.split_at(4);
        self.0 = rest;
        u32::from_be_bytes(head.try_into().unwrap())
    }
    fn string(&mut self) -> &'a [u8] {
        let len = self.u32() as usize;
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        head
    }
    fn end(&self) {
        assert!(self.0.is_empty(), "trailing bytes in the answer");
    }
}

/// The identities of an `SSH_AGENT_IDENTITIES_ANSWER`: (blob, comment).
fn identities(stream: &mut UnixStream) -> Vec<(Vec<u8>, String)> {
    let answer = request(stream, &[REQUEST_IDENTITIES]).unwrap();
    let mut fields = Fields(&answer);
    assert_eq!(fields.byte(), IDENTITIES_ANSWER);
    let n = fields.u32();
    let listed = (0..n)
        .map(|_| {
            let blob = fields.string().to_vec();
            let comment = String::from_utf8(fields.string().to_vec()).unwrap();
            (blob, comment)
        })
        .collect();
    fields.end();
    listed
}

/// The Ed25519 signature of an `SSH_AGENT_SIGN_RESPONSE`, checking its
/// `ssh-ed25519` framing.
fn signature(answer: &[u8]) -> Signature {
    let mut fields = Fields(answer);
    assert_eq!(fields.byte(), SIGN_RESPONSE);
    let blob = fields.string();
    fields.end();
    let mut inner = Fields(blob);
    assert_eq!(inner.string(), b"ssh-ed25519");
    let signature = Signature::from_slice(inner.string()).unwrap();
    inner.end();
    signature
}

/// An agent serving keys 1 and 2 in `dir/agent/sock`, logging into `log`.
fn serve_two(dir: &TempDir, log: &Arc<Mutex<Vec<String>>>) -> vaultseal::agent::RunningAgent {
    let log = Arc::clone(log);
    let mut agent = Agent::new().with_log(move |line| log.lock().unwrap().push(line.to_owned()));
    agent.add(key(1), "config repository", None);
    agent.add(key(2), "code repository", Some(Duration::from_secs(3600)));
    agent.bind(dir.join("agent/sock")).unwrap()
}

#[test]
fn lists_the_keys_and_signs_with_them() {
    let dir = TempDir::new("roundtrip");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);
    assert_eq!(running.identity_count(), 2);
    let mut client = UnixStream::connect(running.socket_path()).unwrap();

    let listed = identities(&mut client);
    assert_eq!(
        listed,
        vec![
            (key(1).public_key().to_openssh_blob().to_vec(), "config repository".to_owned()),
            (key(2).public_key().to_openssh_blob().to_vec(), "code repository".to_owned()),
        ]
    );

    for (n, data) in [(1u8, &b"session id and userauth request"[..]), (2, b""), (1, &[0u8; 4096])] {
        let public = key(n).public_key();
        let answer = request(&mut client, &sign_request(&public.to_openssh_blob(), data, 0));
        let signature = signature(&answer.unwrap());
        public.verify(data, &signature).unwrap();
        assert_eq!(signature, key(n).sign(data), "DeployKey::sign made it");
    }

    // One log line per signature: the fingerprint and the comment, not the data.
    let lines = log.lock().unwrap().clone();
    assert_eq!(lines.len(), 3);
    let fingerprint = key(1).public_key().fingerprint();
    assert_eq!(lines[0], format!("vaultseal agent: signed with {fingerprint} (config repository)"));
    assert!(lines.iter().all(|line| !line.contains("session id")));
}

#[test]
fn refuses_unknown_keys_other_flags_and_every_other_request() {
    let dir = TempDir::new("refusals");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    let blob = key(1).public_key().to_openssh_blob();

    // A key the agent does not hold, a blob of another key type, garbage.
    let unknown = key(3).public_key().to_openssh_blob();
    let mut rsa_blob = string(b"ssh-rsa");
    rsa_blob.extend(string(&[1, 0, 1]));
    for other in [&unknown[..], &rsa_blob, b"", &blob[..50]] {
        assert_eq!(request(&mut client, &sign_request(other, b"data", 0)), Some(vec![FAILURE]));
    }
    // The RSA hash flags are ignored; any other flag is refused.
    for flags in [2, 4, 6] {
        let answer = request(&mut client, &sign_request(&blob, b"data", flags)).unwrap();
        assert_eq!(answer[0], SIGN_RESPONSE, "flags {flags}");
    }
    for flags in [1, 8, 1 << 31] {
        let answer = request(&mut client, &sign_request(&blob, b"data", flags));
        assert_eq!(answer, Some(vec![FAILURE]), "flags {flags}");
    }
    // No adding, removing or extensions: failure, and the keys stay.
    let mut add = vec![ADD_IDENTITY];
    add.extend(string(b"ssh-ed25519"));
    assert_eq!(request(&mut client, &add), Some(vec![FAILURE]));
    assert_eq!(request(&mut client, &[REMOVE_ALL_IDENTITIES]), Some(vec![FAILURE]));
    let mut bind = vec![EXTENSION];
    bind.extend(string(b"session-bind@openssh.com"));
    assert_eq!(request(&mut client, &bind), Some(vec![FAILURE]));
    assert_eq!(identities(&mut client).len(), 2);
    // Only the three signatures made were logged.
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[test]
fn a_malformed_message_closes_its_connection_only() {
    let dir = TempDir::new("malformed");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);
    let mut bystander = UnixStream::connect(running.socket_path()).unwrap();
    let blob = key(1).public_key().to_openssh_blob();

    let full = sign_request(&blob, b"data", 0);
    let mut trailing = full.clone();
    trailing.push(0);
    let mut overlong = vec![SIGN_REQUEST];
    overlong.extend(1000u32.to_be_bytes());
    overlong.extend(&blob);
    let malformed: Vec<Vec<u8>> = vec![
        vec![],                          // no type byte
        full[..full.len() - 1].to_vec(), // flags truncated
        trailing,                        // a byte after the flags
        overlong,                        // a string longer than the message
        vec![REQUEST_IDENTITIES, 0],     // identities request with contents
    ];
    for message in &malformed {
        let mut client = UnixStream::connect(running.socket_path()).unwrap();
        assert_eq!(request(&mut client, message), None, "{message:?} closes the connection");
    }
    // The other client and new ones are served.
    assert_eq!(identities(&mut bystander).len(), 2);
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    assert_eq!(signature(&request(&mut client, &full).unwrap()), key(1).sign(b"data"));
}

#[test]
fn messages_over_256_kib_are_refused_unread() {
    let dir = TempDir::new("oversize");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);

    // Exactly the limit: read, and answered (an unsupported type).
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    let mut largest = vec![0u8; MAX_MESSAGE_LEN];
    largest[0] = ADD_IDENTITY;
    assert_eq!(request(&mut client, &largest), Some(vec![FAILURE]));
    // A signature of data that fills the limit.
    let blob = key(2).public_key().to_openssh_blob();
    let data = vec![7u8; MAX_MESSAGE_LEN - 1 - 4 - blob.len() - 4 - 4];
    let answer = request(&mut client, &sign_request(&blob, &data, 0)).unwrap();
    key(2).public_key().verify(&data, &signature(&answer)).unwrap();

    // One byte more: the connection is closed after the length alone.
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    client.write_all(&u32::try_from(MAX_MESSAGE_LEN + 1).unwrap().to_be_bytes()).unwrap();
    assert_eq!(read_answer(&mut client), None);
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    client.write_all(&u32::MAX.to_be_bytes()).unwrap();
    assert_eq!(read_answer(&mut client), None);
    // And the agent goes on.
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    assert_eq!(identities(&mut client).len(), 2);
}

#[test]
fn serves_concurrent_clients() {
    let dir = TempDir::new("concurrent");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);
    let path = running.socket_path().to_path_buf();
    // Every client connects before any sends: eight connections open at once.
    let clients: Vec<UnixStream> = (0..8).map(|_| UnixStream::connect(&path).unwrap()).collect();
    let threads: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(t, mut client)| {
            std::thread::spawn(move || {
                for i in 0..20u32 {
                    let n = 1 + u8::try_from((t + i as usize) % 2).unwrap();
                    let public = key(n).public_key();
                    let data = format!("client {t} request {i}");
                    let message = sign_request(&public.to_openssh_blob(), data.as_bytes(), 0);
                    let answer = request(&mut client, &message).unwrap();
                    public.verify(data.as_bytes(), &signature(&answer)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(log.lock().unwrap().len(), 8 * 20);
}

#[test]
fn connections_beyond_the_bound_are_closed() {
    let dir = TempDir::new("bound");
    let mut agent = Agent::new().max_connections(1);
    agent.add(key(1), "k", None);
    let running = agent.bind(dir.join("agent/sock")).unwrap();
    let mut first = UnixStream::connect(running.socket_path()).unwrap();
    assert_eq!(identities(&mut first).len(), 1);
    let mut second = UnixStream::connect(running.socket_path()).unwrap();
    assert_eq!(request(&mut second, &[REQUEST_IDENTITIES]), None);
    assert_eq!(identities(&mut first).len(), 1);
    drop(first);
    // Once the first is gone, a new client is served.
    let mut third = UnixStream::connect(running.socket_path()).unwrap();
    let served = (0..1000).any(|_| {
        if request(&mut third, &[REQUEST_IDENTITIES]).is_some() {
            return true;
        }
        // Its thread may not have noticed the close yet: reconnect.
        std::thread::yield_now();
        third = UnixStream::connect(running.socket_path()).unwrap();
        false
    });
    assert!(served);
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn socket_is_private_and_removed_on_shutdown() {
    let dir = TempDir::new("permissions");
    let log = Arc::new(Mutex::new(Vec::new()));
    let running = serve_two(&dir, &log);
    let socket = running.socket_path().to_path_buf();
    assert_eq!(mode(&dir.join("agent")), 0o700, "the directory it created");
    assert_eq!(mode(&socket), 0o600);

    // Another agent on the same path is refused, and does not remove ours.
    let mut second = Agent::new();
    second.add(key(3), "k", None);
    assert_eq!(second.bind(&socket).unwrap_err().kind(), ErrorKind::AddrInUse);
    assert!(UnixStream::connect(&socket).is_ok());

    running.shutdown();
    assert!(!socket.exists(), "shutdown removes the socket");
    assert!(UnixStream::connect(&socket).is_err());
}

#[test]
fn a_shared_directory_is_refused() {
    let dir = TempDir::new("shared-dir");
    let shared = dir.join("shared");
    std::fs::create_dir(&shared).unwrap();
    for mode in [0o755, 0o710, 0o701, 0o1777] {
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(mode)).unwrap();
        let mut agent = Agent::new();
        agent.add(key(1), "k", None);
        let error = agent.bind(shared.join("sock")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PermissionDenied, "mode {mode:o}");
        assert!(!shared.join("sock").exists());
    }
    // A symbolic link to a private directory is refused too.
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&shared, dir.join("link")).unwrap();
    let error = Agent::new().bind(dir.join("link/sock")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
    // The private directory itself is accepted.
    let running = Agent::new().bind(shared.join("sock")).unwrap();
    assert_eq!(mode(running.socket_path()), 0o600);
}

#[test]
fn a_key_past_its_lifetime_is_forgotten() {
    let dir = TempDir::new("lifetime");
    let mut agent = Agent::new().with_log(|_| {});
    agent.add(key(1), "lasting", None);
    agent.add(key(2), "expired", Some(Duration::ZERO));
    let running = agent.bind(dir.join("agent/sock")).unwrap();
    assert_eq!(running.identity_count(), 1);
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    let listed = identities(&mut client);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, "lasting");
    let blob = key(2).public_key().to_openssh_blob();
    assert_eq!(request(&mut client, &sign_request(&blob, b"data", 0)), Some(vec![FAILURE]));
}

/// The `agent_message` fuzz target's seeds through its hook (the server loop
/// over a byte stream): the sign seed is a request for the seeds' key
/// (scalar 7) and gets a signature that verifies.
#[cfg(feature = "__fuzz")]
#[test]
fn the_fuzz_seeds_reach_the_signing_path() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/agent_message");
    let seed = |name: &str| std::fs::read(seeds.join(name)).unwrap();
    let mut scalar = [0u8; 32];
    scalar[0] = 7;
    let hook = |input: &[u8]| {
        vaultseal::__fuzz::agent_answers(vec![DeployKey::from_bytes(&scalar).unwrap()], input)
    };
    let answer_types = |mut rest: &[u8]| {
        let mut types = Vec::new();
        while !rest.is_empty() {
            let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            types.push(rest[4]);
            rest = &rest[4 + len..];
        }
        types
    };

    let answer = hook(&seed("sign"));
    let public = DeployKey::from_bytes(&scalar).unwrap().public_key();
    public.verify(b"data to sign", &signature(&answer[4..])).unwrap();
    assert_eq!(hook(&seed("add_identity")), [0, 0, 0, 1, FAILURE]);
    // Three requests in one stream: three answers.
    let session = seed("session");
    assert_eq!(answer_types(&hook(&session)), [IDENTITIES_ANSWER, FAILURE, SIGN_RESPONSE]);
    // Cut short: the complete messages are answered, then the stream ends.
    assert_eq!(answer_types(&hook(&session[..session.len() - 1])), [IDENTITIES_ANSWER, FAILURE]);
}

/// A threshold key (2-of-3, two in-process share holders) served by the
/// agent: a `publickey` request for `git` with this key is signed (an
/// ordinary Ed25519 signature under `A`), anything the holders' policy
/// refuses gets the failure reply, and the log says which.
#[cfg(feature = "frost")]
#[test]
fn serves_a_threshold_key_whose_holders_sign_only_git_userauth() {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use vaultseal::threshold::frost::{InProcessThresholdKey, SigningCoordinator, ThresholdSigner};
    use vaultseal::threshold::{GitUserauthPolicy, ssh_userauth_request};
    use vaultseal::{Context, Params, Purpose, VaultKeypair};

    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(41);
    let vaults: Vec<VaultKeypair> =
        (0..3).map(|_| VaultKeypair::generate(params, &mut rng)).collect();
    let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [1; 32]).unwrap();
    let (public, dealing) =
        vaultseal::seal_new_deploy_key_shares(params, &recipients, 2, &ctx, &mut rng).unwrap();
    let signers = vaults[1..]
        .iter()
        .map(|v| {
            let share =
                v.open_deploy_key_share(params, &dealing, &ctx, &recipients, &mut rng).unwrap();
            ThresholdSigner::new(&share, GitUserauthPolicy::default()).unwrap()
        })
        .collect();
    let coordinator =
        SigningCoordinator::new(&dealing.verified(params, &ctx, &mut rng).unwrap()).unwrap();
    let key = InProcessThresholdKey::new(coordinator, signers).unwrap();

    let dir = TempDir::new("threshold");
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let mut agent = Agent::new().with_log(move |line| sink.lock().unwrap().push(line.to_owned()));
    agent.add_threshold(key, ChaCha20Rng::seed_from_u64(42), "threshold deploy key", None);
    let running = agent.bind(dir.join("agent/sock")).unwrap();
    let mut client = UnixStream::connect(running.socket_path()).unwrap();
    let blob = public.to_openssh_blob();
    assert_eq!(identities(&mut client), vec![(blob.to_vec(), "threshold deploy key".to_owned())]);

    let userauth = ssh_userauth_request(&[9; 32], "git", &public);
    let answer = request(&mut client, &sign_request(&blob, &userauth, 0)).unwrap();
    public.to_verifying_key().verify_strict(&userauth, &signature(&answer)).unwrap();

    for refused in [ssh_userauth_request(&[9; 32], "root", &public), b"any data".to_vec()] {
        let answer = request(&mut client, &sign_request(&blob, &refused, 0)).unwrap();
        assert_eq!(answer, [FAILURE]);
    }
    let lines = log.lock().unwrap().clone();
    let fingerprint = public.fingerprint();
    assert_eq!(
        lines,
        [
            format!("vaultseal agent: signed with {fingerprint} (threshold deploy key)"),
            format!("vaultseal agent: refused to sign with {fingerprint} (threshold deploy key)"),
            format!("vaultseal agent: refused to sign with {fingerprint} (threshold deploy key)"),
        ]
    );
    running.shutdown();
}
