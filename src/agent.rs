//! An ssh-agent for deploy keys: [`Agent`] serves [`DeployKey`] identities
//! to OpenSSH (`ssh`, `git`, `ssh-add`, `ssh-keygen -Y sign`) over a Unix
//! socket, speaking the SSH agent protocol (draft-miller-ssh-agent).
//!
//! An opened deploy key is a raw Ed25519 scalar ([`crate::deploy_key`]):
//! OpenSSH cannot load it from a file, but it signs through an agent. The
//! agent answers two requests and refuses every other:
//!
//! - `SSH_AGENTC_REQUEST_IDENTITIES`: each held key's `ssh-ed25519` blob
//!   and comment;
//! - `SSH_AGENTC_SIGN_REQUEST` for a held key: an `ssh-ed25519` signature by
//!   [`DeployKey::sign`]. The `SSH_AGENT_RSA_SHA2_256`/`_512` flags are
//!   ignored (they choose an RSA hash; OpenSSH's agent ignores them for other
//!   keys); any other flag, or a key the agent does not hold, gets
//!   `SSH_AGENT_FAILURE`;
//! - everything else (adding, removing, locking, extensions):
//!   `SSH_AGENT_FAILURE`. Keys enter the agent only through
//!   [`Agent::add`] (and `Agent::add_threshold`) and never leave it.
//!
//! With the `frost` feature the agent also serves **threshold keys**
//! (`Agent::add_threshold`): a deploy key dealt in shares
//! ([`crate::threshold`]) that no process holds whole. Each signature runs
//! both FROST rounds with the key's in-process share holders, each of which
//! asks its own policy first (an SSH `publickey` request for the expected
//! user with this key); a refusal is `SSH_AGENT_FAILURE`, logged as
//! `vaultseal agent: refused to sign with …`.
//!
//! [`GitSshProbe`] uses the agent to ask a git host whether a deploy key is
//! installed on a repository, by authenticating with the key itself
//! (ownership through the host; its documentation says why a vault probes
//! after opening).
//!
//! The wire types are `ssh-encoding`'s (`docs/DECISIONS.md` says why that
//! crate and not `ssh-agent-lib`).
//!
//! # Example
//! ```no_run
//! use core::time::Duration;
//! use rand_core::UnwrapErr;
//! use vaultseal::DeployKey;
//! use vaultseal::agent::Agent;
//!
//! let key = DeployKey::generate(&mut UnwrapErr(getrandom::SysRng));
//! let mut agent = Agent::new();
//! agent.add(key, "config repository", Some(Duration::from_secs(3600)));
//! // The directory is created mode 0700 if missing; the socket is mode 0600.
//! let running = agent.bind("/run/user/1000/vaultseal/agent.sock")?;
//! // ... `SSH_AUTH_SOCK=/run/user/1000/vaultseal/agent.sock git clone ...`
//! running.shutdown(); // removes the socket, zeroizes the keys
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Security
//!
//! - **Who can use the keys.** Anyone who can connect to the socket can ask
//!   for signatures (that is an agent's purpose) but cannot obtain the keys:
//!   no request exports them. The socket is created inside a directory that
//!   must be private (mode 0700: [`Agent::bind`] creates it so, and refuses an
//!   existing one that group or others can enter), then set to mode 0600; the
//!   directory, not the socket mode, is what keeps other users out while the
//!   socket is being created. On Linux the agent also asks the kernel who
//!   each client is (`SO_PEERCRED`) and serves only its own user and root,
//!   as OpenSSH's `ssh-agent` does, so that a directory opened up later does
//!   not open the keys; a refused client is logged and disconnected. Root and
//!   the same user can always connect.
//! - **Key material.** Held only in memory, as [`DeployKey`]s (zeroized on
//!   drop): never written to a file, a log or a reply. Shutting the agent
//!   down, and a key's lifetime running out, drop the keys.
//! - **Untrusted clients.** Messages over [`MAX_MESSAGE_LEN`] are refused
//!   unread and the connection closed; a malformed message closes its
//!   connection only; a panic-free, total decoder; at most
//!   [`Agent::max_connections`] connections at once (one thread each).
//! - **Log.** One line per signature, naming the key by fingerprint and
//!   comment; never the signed data.

mod git_probe;
mod protocol;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, PermissionsExt as _};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

pub use git_probe::{DEFAULT_PROBE_TIMEOUT, GitSshProbe, ProbeRefused, ProbeSetupError};
pub use protocol::MAX_MESSAGE_LEN;
use protocol::{IGNORED_SIGN_FLAGS, IdentityEntry, Malformed, Reply, Request};

use crate::deploy_key::{DeployKey, DeployPublicKey, OPENSSH_BLOB_LEN};
#[cfg(feature = "frost")]
use crate::threshold::frost::InProcessThresholdKey;

/// The default bound on simultaneous client connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// Where the agent writes its log lines (one per signature).
type LogSink = Box<dyn Fn(&str) + Send + Sync>;

/// What an identity signs with.
enum IdentityKey {
    /// A deploy key held whole; zeroized when dropped.
    Whole(DeployKey),
    /// A threshold key: signatures from its in-process share holders (FROST),
    /// with the randomness of their nonces. The key is never assembled.
    #[cfg(feature = "frost")]
    Threshold(InProcessThresholdKey, Box<dyn rand_core::CryptoRng + Send>),
}

impl IdentityKey {
    /// A signature of `data`, or `None` if a threshold signer refuses it
    /// (its policy) or the rounds fail.
    fn sign(&mut self, data: &[u8]) -> Option<ed25519_dalek::Signature> {
        match self {
            IdentityKey::Whole(key) => Some(key.sign(data)),
            #[cfg(feature = "frost")]
            IdentityKey::Threshold(key, rng) => key.sign(data, rng.as_mut()).ok(),
        }
    }
}

/// A key the agent holds.
struct Identity {
    /// What it signs with.
    key: IdentityKey,
    /// Its OpenSSH public key blob, what clients name it by.
    key_blob: [u8; OPENSSH_BLOB_LEN],
    /// Its comment, as `ssh-add -L` shows it.
    comment: String,
    /// Its OpenSSH SHA-256 fingerprint, for the log.
    fingerprint: String,
    /// When it stops being served, if it has a lifetime.
    expires: Option<Instant>,
}

impl Identity {
    fn is_expired(&self, now: Instant) -> bool {
        self.expires.is_some_and(|expires| now >= expires)
    }
}

/// An ssh-agent holding deploy keys, not yet serving: add keys, then
/// [`Agent::bind`] a socket.
pub struct Agent {
    identities: Vec<Identity>,
    log: LogSink,
    max_connections: usize,
}

impl Default for Agent {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Agent")
            .field("identities", &fingerprints(&self.identities))
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

fn fingerprints(identities: &[Identity]) -> Vec<&str> {
    identities.iter().map(|identity| identity.fingerprint.as_str()).collect()
}

impl Agent {
    /// An agent with no keys, logging to standard error, accepting up to
    /// [`DEFAULT_MAX_CONNECTIONS`] connections at once.
    pub fn new() -> Self {
        Agent {
            identities: Vec::new(),
            log: Box::new(|line| std::eprintln!("{line}")),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }

    /// Hold `key`, listed with `comment`. With a `lifetime`, the key is
    /// served for that long from now and then dropped (zeroized), as
    /// `ssh-add -t` does; `Duration::ZERO` means already expired.
    ///
    /// A key added twice is listed twice (OpenSSH clients use the first).
    pub fn add(&mut self, key: DeployKey, comment: impl Into<String>, lifetime: Option<Duration>) {
        let public = key.public_key();
        self.push(IdentityKey::Whole(key), &public, comment.into(), lifetime);
    }

    /// Serve a threshold key that no process holds whole: each signature
    /// runs both FROST rounds with its in-process share holders, whose
    /// policies decide what they sign (a refusal is the agent's failure
    /// reply); `rng` gives their nonces' randomness (the operating
    /// system's CSPRNG). Listed and expiring as [`add`](Self::add).
    #[cfg(feature = "frost")]
    #[cfg_attr(docsrs, doc(cfg(feature = "frost")))]
    pub fn add_threshold(
        &mut self,
        key: InProcessThresholdKey,
        rng: impl rand_core::CryptoRng + Send + 'static,
        comment: impl Into<String>,
        lifetime: Option<Duration>,
    ) {
        let public = key.public_key();
        self.push(IdentityKey::Threshold(key, Box::new(rng)), &public, comment.into(), lifetime);
    }

    fn push(
        &mut self,
        key: IdentityKey,
        public: &DeployPublicKey,
        comment: String,
        lifetime: Option<Duration>,
    ) {
        // A lifetime too long for the clock never expires.
        let expires = lifetime.and_then(|lifetime| Instant::now().checked_add(lifetime));
        self.identities.push(Identity {
            key,
            key_blob: public.to_openssh_blob(),
            comment,
            fingerprint: public.fingerprint(),
            expires,
        });
    }

    /// Send the log lines (one per signature:
    /// `vaultseal agent: signed with SHA256:… (comment)`) to `sink` instead
    /// of standard error.
    #[must_use]
    pub fn with_log(mut self, sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.log = Box::new(sink);
        self
    }

    /// Serve at most `max` connections at once (at least 1); further
    /// clients are disconnected at once.
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Create the socket at `path` and serve the keys on it from a
    /// background thread (one more thread per connection) until
    /// [`RunningAgent::shutdown`] or drop.
    ///
    /// The socket's directory is created mode 0700 if it does not exist (its
    /// parent must); an existing directory must not be accessible to group
    /// or others (no permission bit in `0o077`) and must belong to the user
    /// the agent runs as. The socket is then set to mode 0600.
    ///
    /// # Errors
    /// An I/O error if the directory cannot be created or is shared
    /// ([`io::ErrorKind::PermissionDenied`]), if `path` already exists
    /// ([`io::ErrorKind::AddrInUse`]: an existing socket is never replaced),
    /// or if the socket cannot be bound or its mode set.
    pub fn bind(self, path: impl AsRef<Path>) -> io::Result<RunningAgent> {
        let path = path.as_ref().to_path_buf();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        private_directory(&dir)?;
        let listener = UnixListener::bind(&path)?;
        // Ours from here on: remove it on any failure below.
        let mut socket = SocketFile::new(path);
        let checked = (|| {
            std::fs::set_permissions(&socket.path, std::fs::Permissions::from_mode(0o600))?;
            let socket_owner = std::fs::symlink_metadata(&socket.path)?.uid();
            if std::fs::metadata(&dir)?.uid() != socket_owner {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("{} belongs to another user", dir.display()),
                ));
            }
            Ok(())
        })();
        if let Err(error) = checked.and_then(|()| socket.identify()) {
            socket.remove();
            return Err(error);
        }

        let shared = Arc::new(Shared::new(self));
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("vaultseal-agent".into())
                .spawn(move || accept_loop(&shared, &listener))?
        };
        let reaper = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("vaultseal-agent-expiry".into())
                .spawn(move || expiry_loop(&shared))
        };
        let reaper = match reaper {
            Ok(reaper) => reaper,
            Err(error) => {
                let running = RunningAgent {
                    socket,
                    shared,
                    accept: Some(accept),
                    reaper: None,
                    stopped: false,
                };
                running.shutdown();
                return Err(error);
            }
        };
        Ok(RunningAgent {
            socket,
            shared,
            accept: Some(accept),
            reaper: Some(reaper),
            stopped: false,
        })
    }
}

/// Create `dir` mode 0700 if missing; otherwise require it to be a directory
/// that group and others cannot access.
fn private_directory(dir: &Path) -> io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(error),
    }
    let metadata = std::fs::symlink_metadata(dir)?;
    if !metadata.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a directory (a symbolic link is refused)", dir.display()),
        ));
    }
    let mode = metadata.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "the socket's directory {} is accessible to others (mode {mode:04o}); \
                 use a directory of mode 0700",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// The socket file the agent created, identified by device and inode so that
/// shutdown removes it only if it is still the same file.
struct SocketFile {
    path: PathBuf,
    id: Option<(u64, u64)>,
}

impl SocketFile {
    fn new(path: PathBuf) -> Self {
        SocketFile { path, id: None }
    }

    fn identify(&mut self) -> io::Result<()> {
        let metadata = std::fs::symlink_metadata(&self.path)?;
        self.id = Some((metadata.dev(), metadata.ino()));
        Ok(())
    }

    /// Remove the socket if it is still ours (not replaced since).
    fn remove(&self) {
        let ours = match (self.id, std::fs::symlink_metadata(&self.path)) {
            (Some(id), Ok(metadata)) => id == (metadata.dev(), metadata.ino()),
            // Not yet identified: created a moment ago by `bind`.
            (None, Ok(_)) => true,
            (_, Err(_)) => false,
        };
        if ours {
            // Nothing more to do if it vanished in between.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The open connections, to close them on shutdown.
struct Connections {
    open: Vec<Connection>,
    next_id: u64,
}

struct Connection {
    id: u64,
    /// A handle on the client's socket, to shut it down.
    stream: UnixStream,
    thread: Option<JoinHandle<()>>,
}

/// What the serving threads share.
struct Shared {
    identities: Mutex<Vec<Identity>>,
    /// Wakes the expiry thread on shutdown.
    expiry: Condvar,
    log: LogSink,
    stopping: AtomicBool,
    connections: Mutex<Connections>,
    max_connections: usize,
}

/// A mutex's contents even if a thread panicked while holding it (every
/// update here leaves the data consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The running state of `agent`: its identities, log and connection
    /// limit, no connection open yet.
    fn new(agent: Agent) -> Self {
        Shared {
            identities: Mutex::new(agent.identities),
            expiry: Condvar::new(),
            log: agent.log,
            stopping: AtomicBool::new(false),
            connections: Mutex::new(Connections { open: Vec::new(), next_id: 0 }),
            max_connections: agent.max_connections,
        }
    }

    /// Drop (and so zeroize) every identity whose lifetime is over.
    fn drop_expired(identities: &mut Vec<Identity>, now: Instant) {
        identities.retain(|identity| !identity.is_expired(now));
    }

    /// The answer to one message (without its length prefix), or
    /// [`Malformed`] if the connection must be closed.
    fn answer(&self, message: &[u8]) -> Result<Reply, Malformed> {
        let request = Request::decode(message)?;
        let mut identities = lock(&self.identities);
        Self::drop_expired(&mut identities, Instant::now());
        let reply = match request {
            Request::Identities => Reply::Identities(
                identities
                    .iter()
                    .map(|identity| IdentityEntry {
                        key_blob: identity.key_blob,
                        comment: identity.comment.clone(),
                    })
                    .collect(),
            ),
            Request::Sign { key_blob, data, flags } => {
                let signed = identities
                    .iter_mut()
                    .find(|identity| identity.key_blob[..] == *key_blob)
                    .filter(|_| flags & !IGNORED_SIGN_FLAGS == 0)
                    .map(|identity| {
                        let signature = identity.key.sign(data);
                        let verdict =
                            if signature.is_some() { "signed" } else { "refused to sign" };
                        let line = format!(
                            "vaultseal agent: {verdict} with {} ({})",
                            identity.fingerprint, identity.comment
                        );
                        (signature, line)
                    });
                // Log without holding the keys.
                drop(identities);
                match signed {
                    Some((signature, line)) => {
                        (self.log)(&line);
                        signature.map_or(Reply::Failure, Reply::Signature)
                    }
                    None => Reply::Failure,
                }
            }
            Request::Unsupported(_) => Reply::Failure,
        };
        Ok(reply)
    }

    /// Serve one client until it disconnects, sends a malformed or oversized
    /// message, or the agent stops.
    fn serve(&self, mut stream: impl Read + Write) {
        let mut length = [0u8; 4];
        while stream.read_exact(&mut length).is_ok() {
            let Ok(length) = u32::from_be_bytes(length).try_into() else { return };
            if length > MAX_MESSAGE_LEN || self.stopping.load(Ordering::SeqCst) {
                return;
            }
            let mut message = alloc::vec![0u8; length];
            if stream.read_exact(&mut message).is_err() {
                return;
            }
            let Ok(reply) = self.answer(&message) else { return };
            let Ok(frame) = reply.to_frame() else { return };
            if stream.write_all(&frame).is_err() {
                return;
            }
        }
    }

    /// Forget every key (zeroizing it) and close every connection.
    fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        lock(&self.identities).clear();
        self.expiry.notify_all();
        let open = core::mem::take(&mut lock(&self.connections).open);
        for connection in &open {
            let _ = connection.stream.shutdown(std::net::Shutdown::Both);
        }
        for mut connection in open {
            if let Some(thread) = connection.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// Run `input` through the server as one client's byte stream (the
/// `agent_message` fuzz target): the bytes the agent writes back before it
/// stops reading (the end of `input`, or a malformed or oversized message).
/// The agent holds `keys`, each with comment `"fuzz"`.
#[cfg(feature = "__fuzz")]
pub(crate) fn answer_stream(keys: Vec<DeployKey>, input: &[u8]) -> Vec<u8> {
    /// A client: reads come from `input`, writes go to `output`.
    struct Client<'a> {
        input: &'a [u8],
        output: Vec<u8>,
    }
    impl Read for Client<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }
    impl Write for Client<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut agent = Agent::new().with_log(|_| {});
    for key in keys {
        agent.add(key, "fuzz", None);
    }
    let shared = Shared::new(agent.max_connections(1));
    let mut client = Client { input, output: Vec::new() };
    shared.serve(&mut client);
    client.output
}

/// Accept clients until the agent stops: a thread each, up to the bound.
fn accept_loop(shared: &Arc<Shared>, listener: &UnixListener) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        // A failed accept (the client gave up, a descriptor limit) concerns
        // that client only.
        let Ok(stream) = stream else { continue };
        if let Err(refusal) = check_peer(&stream) {
            (shared.log)(&refusal);
            continue; // dropping `stream` closes it
        }
        let mut connections = lock(&shared.connections);
        connections.open.retain(|connection| {
            connection.thread.as_ref().is_none_or(|thread| !thread.is_finished())
        });
        if connections.open.len() >= shared.max_connections {
            continue; // dropping `stream` closes it
        }
        let Ok(handle) = stream.try_clone() else { continue };
        let id = connections.next_id;
        connections.next_id += 1;
        let thread = {
            let shared = Arc::clone(shared);
            std::thread::Builder::new().name("vaultseal-agent-client".into()).spawn(move || {
                shared.serve(&stream);
                lock(&shared.connections).open.retain(|connection| connection.id != id);
            })
        };
        if let Ok(thread) = thread {
            connections.open.push(Connection { id, stream: handle, thread: Some(thread) });
        }
    }
}

/// Whether a client of user id `peer` may use an agent running as user id
/// `agent`: the same user, or root (the rule of OpenSSH's `ssh-agent`).
fn may_connect(peer: u32, agent: u32) -> bool {
    peer == agent || peer == 0
}

/// Refuse a client that runs as another user (neither the agent's user nor
/// root), with the log line saying so. The client's user id is the kernel's
/// (`SO_PEERCRED`: its effective user id when it connected).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn check_peer(stream: &UnixStream) -> Result<(), String> {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    let agent = nix::unistd::geteuid().as_raw();
    match getsockopt(stream, PeerCredentials) {
        Ok(peer) if may_connect(peer.uid(), agent) => Ok(()),
        Ok(peer) => Err(format!(
            "vaultseal agent: refused a client of uid {} (this agent serves uid {agent} and root)",
            peer.uid()
        )),
        Err(error) => Err(format!("vaultseal agent: refused a client of unknown uid ({error})")),
    }
}

/// Elsewhere no peer check: the socket's private directory is the barrier.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn check_peer(_: &UnixStream) -> Result<(), String> {
    Ok(())
}

/// Drop each key when its lifetime ends (requests also drop expired keys
/// before answering; this thread makes sure an idle agent forgets them too).
fn expiry_loop(shared: &Shared) {
    let mut identities = lock(&shared.identities);
    while !shared.stopping.load(Ordering::SeqCst) {
        let now = Instant::now();
        Shared::drop_expired(&mut identities, now);
        let next = identities.iter().filter_map(|identity| identity.expires).min();
        identities = match next {
            Some(next) => {
                shared
                    .expiry
                    .wait_timeout(identities, next.saturating_duration_since(now))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => shared.expiry.wait(identities).unwrap_or_else(PoisonError::into_inner),
        };
    }
}

/// A serving agent (from [`Agent::bind`]). [`RunningAgent::shutdown`], or
/// dropping it, stops it.
pub struct RunningAgent {
    socket: SocketFile,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    reaper: Option<JoinHandle<()>>,
    stopped: bool,
}

impl fmt::Debug for RunningAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningAgent")
            .field("socket", &self.socket.path)
            .field("identities", &fingerprints(&lock(&self.shared.identities)))
            .finish_non_exhaustive()
    }
}

impl RunningAgent {
    /// The socket's path (the value of `SSH_AUTH_SOCK`).
    pub fn socket_path(&self) -> &Path {
        &self.socket.path
    }

    /// How many keys the agent serves now (keys whose lifetime is over are
    /// not counted).
    pub fn identity_count(&self) -> usize {
        let mut identities = lock(&self.shared.identities);
        Shared::drop_expired(&mut identities, Instant::now());
        identities.len()
    }

    /// Stop serving: zeroize the keys, close every connection, remove the
    /// socket (if it is still the one the agent created) and wait for the
    /// agent's threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if core::mem::replace(&mut self.stopped, true) {
            return;
        }
        self.shared.stop();
        // Wake the accept loop with a connection of our own; it sees
        // `stopping` and returns. If that fails (the socket was removed by
        // someone else), the thread is left blocked: it holds no key.
        let woken = UnixStream::connect(&self.socket.path).is_ok();
        self.socket.remove();
        if let Some(accept) = self.accept.take() {
            if woken {
                let _ = accept.join();
            }
        }
        if let Some(reaper) = self.reaper.take() {
            let _ = reaper.join();
        }
    }
}

impl Drop for RunningAgent {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> DeployKey {
        let mut bytes = [0u8; 32];
        bytes[0] = n;
        DeployKey::from_bytes(&bytes).unwrap_or_else(|_| unreachable!())
    }

    fn shared(agent: Agent) -> Shared {
        Shared::new(agent.max_connections(1))
    }

    fn sign_request(blob: &[u8], flags: u32) -> Vec<u8> {
        let mut message = alloc::vec![13u8];
        message.extend(u32::try_from(blob.len()).unwrap_or(u32::MAX).to_be_bytes());
        message.extend(blob);
        message.extend(4u32.to_be_bytes());
        message.extend(b"data");
        message.extend(flags.to_be_bytes());
        message
    }

    #[test]
    fn expired_keys_are_not_listed_nor_used() {
        let mut agent = Agent::new();
        agent.add(key(1), "expired", Some(Duration::ZERO));
        agent.add(key(2), "lasting", Some(Duration::from_secs(3600)));
        let shared = shared(agent);
        let Ok(Reply::Identities(listed)) = shared.answer(&[11]) else { unreachable!() };
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].comment, "lasting");
        assert_eq!(lock(&shared.identities).len(), 1, "the expired key is dropped");
        let blob = key(1).public_key().to_openssh_blob();
        assert!(matches!(shared.answer(&sign_request(&blob, 0)), Ok(Reply::Failure)));
    }

    #[test]
    fn rsa_flags_are_ignored_and_other_flags_refused() {
        let mut agent = Agent::new().with_log(|_| {});
        agent.add(key(3), "k", None);
        let shared = shared(agent);
        let blob = key(3).public_key().to_openssh_blob();
        for flags in [0, 2, 4, 6] {
            assert!(matches!(shared.answer(&sign_request(&blob, flags)), Ok(Reply::Signature(_))));
        }
        for flags in [1, 8, 0x8000_0000] {
            assert!(matches!(shared.answer(&sign_request(&blob, flags)), Ok(Reply::Failure)));
        }
    }

    #[test]
    fn only_the_agents_user_and_root_may_connect() {
        assert!(may_connect(1000, 1000));
        assert!(may_connect(0, 1000), "root");
        assert!(may_connect(0, 0));
        assert!(!may_connect(1001, 1000));
        assert!(!may_connect(65534, 0), "nobody, to an agent run by root");
        assert!(!may_connect(1000, 0));
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn the_kernel_names_a_client_of_the_same_process_as_our_user() {
        let (agent_side, client_side) = UnixStream::pair().unwrap_or_else(|_| unreachable!());
        assert_eq!(check_peer(&agent_side), Ok(()));
        drop(client_side);
    }
}
