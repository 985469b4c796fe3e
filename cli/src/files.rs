//! Reading inputs (armored or binary, bounded) and writing outputs (armored
//! or binary; secret files with mode 0600, never silently overwritten; every
//! file replaced atomically, so that a failed write loses nothing).

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use zeroize::Zeroizing;

use crate::armor::{self, Kind};
use crate::error::{CliError, kind_list, with_article};

/// Where and how to write an output file.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Write the crate's raw binary encoding instead of armor.
    #[arg(long)]
    pub(crate) binary: bool,
    /// Overwrite an existing secret key file.
    #[arg(long)]
    pub(crate) force: bool,
}

/// Largest input read: a 16 MiB hybrid envelope, armored, fits.
const MAX_FILE_LEN: u64 = 32 << 20;

/// Whether `path` names standard input or output.
pub(crate) fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Read a whole file (or standard input for `-`), at most [`MAX_FILE_LEN`]
/// bytes, into a zeroizing buffer (inputs may be secret). The buffer grows
/// through [`push_wiped`], so no reallocation leaves a copy behind.
pub(crate) fn read_bytes(path: &Path) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let too_large = || {
        CliError::io(path, io::Error::new(io::ErrorKind::InvalidData, "file larger than 32 MiB"))
    };
    let (mut reader, size_hint): (Box<dyn Read>, u64) = if is_stdio(path) {
        (Box::new(io::stdin().lock()), 0)
    } else {
        let file = fs::File::open(path).map_err(|error| CliError::io(path, error))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), len)
    };
    if size_hint > MAX_FILE_LEN {
        return Err(too_large());
    }
    // One byte more than the expected length, so that end of file is seen
    // without growing.
    let capacity = usize::try_from(size_hint).unwrap_or(0).saturating_add(1);
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(CliError::io(path, error)),
        };
        if (buf.len() + n) as u64 > MAX_FILE_LEN {
            return Err(too_large());
        }
        push_wiped(&mut buf, &chunk[..n]);
    }
    Ok(buf)
}

/// Append `bytes` to `buf` without leaving a copy of `buf` behind: when it
/// must grow, its contents move to a new allocation and the old one is
/// wiped as it drops.
fn push_wiped(buf: &mut Zeroizing<Vec<u8>>, bytes: &[u8]) {
    if buf.capacity() - buf.len() < bytes.len() {
        let capacity = (buf.len() + bytes.len()).max(2 * buf.capacity());
        let mut bigger = Zeroizing::new(Vec::with_capacity(capacity));
        bigger.extend_from_slice(buf);
        *buf = bigger;
    }
    buf.extend_from_slice(bytes);
}

/// A file's bytes and, when known, their kind.
pub(crate) struct Loaded {
    /// The armor's kind; for a binary file, the only kind the command takes,
    /// or `None` when it takes several (the caller tries each).
    pub(crate) kind: Option<Kind>,
    /// The encoding (armor removed).
    pub(crate) bytes: Zeroizing<Vec<u8>>,
}

/// Read a file that must hold one of `accepted`: armored with one of those
/// kinds, or binary.
pub(crate) fn load(path: &Path, accepted: &[Kind]) -> Result<Loaded, CliError> {
    classify(path, read_bytes(path)?, accepted)
}

/// [`load`] of bytes already read from `path`: armored with one of
/// `accepted`'s kinds, or binary. Refused: an empty file, an OpenSSH line,
/// bad armor, another kind.
pub(crate) fn classify(
    path: &Path,
    data: Zeroizing<Vec<u8>>,
    accepted: &[Kind],
) -> Result<Loaded, CliError> {
    let refuse = |reason: String| CliError::Decode { path: path.into(), reason };
    if data.is_empty() {
        let expected = with_article(&kind_list(accepted));
        return Err(refuse(format!("the file is empty (expected {expected})")));
    }
    if data.starts_with(b"ssh-") {
        return Err(refuse(format!(
            "an OpenSSH public key line (a deploy key's or an owner's), not {}",
            with_article(&kind_list(accepted))
        )));
    }
    if armor::is_armored(&data) {
        let (kind, bytes) =
            armor::decode(&data).map_err(|error| CliError::Armor { path: path.into(), error })?;
        if !accepted.contains(&kind) {
            return Err(CliError::WrongKind {
                path: path.into(),
                found: kind,
                expected: accepted.to_vec(),
            });
        }
        Ok(Loaded { kind: Some(kind), bytes })
    } else {
        let kind = match accepted {
            [only] => Some(*only),
            _ => None,
        };
        Ok(Loaded { kind, bytes: data })
    }
}

/// The bytes to write for an object of `kind`: armored, or raw with
/// `--binary`.
pub(crate) fn encode_output(
    kind: Kind,
    bytes: &[u8],
    output: &OutputArgs,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if output.binary {
        return Ok(Zeroizing::new(bytes.to_vec()));
    }
    let mut text = armor::encode(kind, bytes).map_err(|error| {
        CliError::usage(format!("cannot armor {}: {error}", with_article(kind.label())))
    })?;
    // Moved out, not copied: the armor of a secret key is as secret.
    Ok(Zeroizing::new(core::mem::take(&mut *text).into_bytes()))
}

/// Write an object of `kind`, armored or (`--binary`) raw: a secret kind
/// to a new file with mode 0600 (never to standard output), a public kind to
/// `path` or standard output.
pub(crate) fn write_object(
    path: Option<&Path>,
    kind: Kind,
    bytes: &[u8],
    output: &OutputArgs,
) -> Result<(), CliError> {
    let data = encode_output(kind, bytes, output)?;
    if kind.is_secret() {
        let path = path.ok_or_else(|| CliError::usage("a secret key needs an output file"))?;
        write_secret(path, &data, output.force)
    } else {
        write_public(path, &data)
    }
}

/// Write public data to `path` (replacing it atomically, see
/// [`write_atomic`]), or to standard output for `None` or `-`.
pub(crate) fn write_public(path: Option<&Path>, data: &[u8]) -> Result<(), CliError> {
    match path {
        None => write_stdout(data),
        Some(path) if is_stdio(path) => write_stdout(data),
        Some(path) => write_atomic(path, data, Access::Public, Existing::Replace),
    }
}

/// Write data to standard output.
pub(crate) fn write_stdout(data: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(data)
        .and_then(|()| out.flush())
        .map_err(|error| CliError::io(Path::new("-"), error))
}

/// Create a secret file with mode 0600 (on Unix). An existing file is
/// replaced only with `force`, and then atomically: until the new file is
/// complete and on disk, the old one stays in place ([`write_atomic`]).
pub(crate) fn write_secret(path: &Path, data: &[u8], force: bool) -> Result<(), CliError> {
    if is_stdio(path) {
        return Err(CliError::usage("refusing to write a secret key to standard output"));
    }
    let existing = if force { Existing::Replace } else { Existing::Refuse };
    write_atomic(path, data, Access::Secret, existing)
}

/// Who may read a written file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Mode 0600 on Unix, whatever the umask.
    Secret,
    /// The default mode (0666 less the umask), as `fs::write` gives.
    Public,
}

/// What to do when the target already exists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// Fail with "exists (use --force to replace it)".
    Refuse,
    /// Replace it, atomically.
    Replace,
}

/// Write `data` to `path` so that a failure at any point — a full disk, a
/// size limit, a crash — leaves either the previous file untouched or the
/// complete new one, never a truncated mix and never neither:
///
/// 1. write a new temporary file in the target's directory (so that the
///    rename below stays within one file system), created exclusively with
///    the final mode;
/// 2. `fsync` it;
/// 3. move it over the target: `rename` (atomic replacement) for
///    [`Existing::Replace`]; for [`Existing::Refuse`] a hard link, which
///    fails if the target exists, so that no concurrent writer is
///    overwritten either;
/// 4. `fsync` the directory, so that the new name survives a crash.
///
/// On any failure the temporary file is removed. A symbolic link is
/// followed: the file it points to is replaced, in its own directory. A
/// target that exists but is not a regular file (`/dev/stdout`, a pipe)
/// cannot be replaced: public data is written into it directly, a secret
/// is refused.
fn write_atomic(
    path: &Path,
    data: &[u8],
    access: Access,
    existing: Existing,
) -> Result<(), CliError> {
    let io_error = |error| CliError::io(path, error);
    let Ok(link) = fs::symlink_metadata(path) else {
        return replace_file(path, path, data, access, existing);
    };
    if existing == Existing::Refuse {
        return Err(io_error(exists_error()));
    }
    let target = if link.file_type().is_symlink() {
        fs::canonicalize(path).map_err(io_error)?
    } else {
        path.to_path_buf()
    };
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => {
            if access == Access::Secret {
                return Err(io_error(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a regular file: a secret key is only written to a file of its own",
                )));
            }
            let mut device = OpenOptions::new().write(true).open(&target).map_err(io_error)?;
            device.write_all(data).and_then(|()| device.flush()).map_err(io_error)
        }
        _ => replace_file(path, &target, data, access, existing),
    }
}

/// The refusal to replace an existing file without `--force`.
fn exists_error() -> io::Error {
    io::Error::new(io::ErrorKind::AlreadyExists, "exists (use --force to replace it)")
}

/// Steps 1–4 of [`write_atomic`] for the regular file (or free name)
/// `target`; errors name `path`, the name the user gave.
fn replace_file(
    path: &Path,
    target: &Path,
    data: &[u8],
    access: Access,
    existing: Existing,
) -> Result<(), CliError> {
    let io_error = |error| CliError::io(path, error);
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let temp = TempFile::create(dir, target, access).map_err(io_error)?;
    write_synced(&temp.file, data).map_err(io_error)?;
    match existing {
        Existing::Replace => fs::rename(&temp.path, target).map_err(io_error)?,
        Existing::Refuse => match fs::hard_link(&temp.path, target) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                return Err(io_error(exists_error()));
            }
            // A file system without hard links: the existence check above
            // is the best that remains.
            Err(_) if fs::symlink_metadata(target).is_err() => {
                fs::rename(&temp.path, target).map_err(io_error)?;
            }
            Err(error) => return Err(io_error(error)),
        },
    }
    drop(temp); // removes the temporary name if it is still there
    sync_dir(dir).map_err(io_error)
}

/// A temporary file next to the target, removed when dropped unless it was
/// renamed away.
struct TempFile {
    /// Its path, `<dir>/.<target name>.<pid>.<n>.tmp`.
    path: PathBuf,
    /// The open file.
    file: fs::File,
}

impl TempFile {
    /// Create a new temporary file (never an existing one) with the mode
    /// `access` asks for.
    fn create(dir: &Path, target: &Path, access: Access) -> io::Result<TempFile> {
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output path names no file")
        })?;
        let mut last_error = None;
        for attempt in 0..16u32 {
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
            let path = dir.join(temp_name);
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            if access == Access::Secret {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            #[cfg(not(unix))]
            let _ = access;
            match options.open(&path) {
                Ok(file) => return Ok(TempFile { path, file }),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    last_error = Some(error);
                }
                Err(error) => return Err(error),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no temporary file name left")))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Gone already after a rename; after a hard link or a failure the
        // temporary name is removed here. Nothing more can be done about
        // an error at this point.
        let _ = fs::remove_file(&self.path);
    }
}

/// Write everything and flush it to the disk (`write_all`, then `fsync`).
fn write_synced(mut file: &fs::File, data: &[u8]) -> io::Result<()> {
    file.write_all(data)?;
    file.sync_all()
}

/// `fsync` a directory, so that a rename or link in it is durable (Unix;
/// elsewhere a no-op).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Write a secret that the user asked for to `path` (mode 0600) or, for `-`,
/// to standard output.
pub(crate) fn write_requested_secret(
    path: &Path,
    data: &[u8],
    force: bool,
) -> Result<(), CliError> {
    if is_stdio(path) { write_stdout(data) } else { write_secret(path, data, force) }
}

/// `<path>.pub`.
fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    name.into()
}

/// The public key file of a key generated into `out`: `public` (`--pub`),
/// or `<out>.pub`; never standard output nor `out` itself.
pub(crate) fn public_out(out: &Path, public: Option<&Path>) -> Result<PathBuf, CliError> {
    let public_out = public.map_or_else(|| public_path(out), Path::to_path_buf);
    if is_stdio(&public_out) || public_out == out {
        return Err(CliError::usage("--pub must name a file other than --out"));
    }
    Ok(public_out)
}
