//! Reading inputs (armored or binary, bounded) and writing outputs (armored
//! or binary; secret files with mode 0600, never silently overwritten).

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::args::OutputArgs;
use crate::armor::{self, Kind};
use crate::error::CliError;

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
    let data = read_bytes(path)?;
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
pub(crate) fn encode_output(kind: Kind, bytes: &[u8], output: &OutputArgs) -> Zeroizing<Vec<u8>> {
    if output.binary {
        Zeroizing::new(bytes.to_vec())
    } else {
        Zeroizing::new(armor::encode(kind, bytes).as_bytes().to_vec())
    }
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
    let data = encode_output(kind, bytes, output);
    if kind.is_secret() {
        let path = path.ok_or_else(|| CliError::usage("a secret key needs an output file"))?;
        write_secret(path, &data, output.force)
    } else {
        write_public(path, &data)
    }
}

/// Write public data to `path`, or to standard output for `None` or `-`.
pub(crate) fn write_public(path: Option<&Path>, data: &[u8]) -> Result<(), CliError> {
    match path {
        None => write_stdout(data),
        Some(path) if is_stdio(path) => write_stdout(data),
        Some(path) => fs::write(path, data).map_err(|error| CliError::io(path, error)),
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
/// replaced only with `force` (removed first, so that the new file gets the
/// new mode rather than keeping the old one).
pub(crate) fn write_secret(path: &Path, data: &[u8], force: bool) -> Result<(), CliError> {
    if is_stdio(path) {
        return Err(CliError::usage("refusing to write a secret key to standard output"));
    }
    if fs::symlink_metadata(path).is_ok() {
        if !force {
            return Err(CliError::io(
                path,
                io::Error::new(io::ErrorKind::AlreadyExists, "exists (use --force to replace it)"),
            ));
        }
        fs::remove_file(path).map_err(|error| CliError::io(path, error))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|error| CliError::io(path, error))?;
    file.write_all(data).and_then(|()| file.sync_all()).map_err(|error| CliError::io(path, error))
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
pub(crate) fn public_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    name.into()
}
