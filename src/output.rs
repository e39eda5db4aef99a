//! Where output goes: standard output through a writer for which a closed pipe is not an error
//! (`billdiff diff a b | head -1`), and files written atomically (temp file, then rename) that
//! never replace one of the inputs. The only module that writes.

use std::io::{self, Write};
use std::path::Path;

/// Writes bytes to standard output. A reader that went away (`EPIPE`) ends output quietly.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(bytes).and_then(|_| lock.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Streams output to standard output through a buffer; a closed pipe ends it quietly.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<io::Error>())
            .is_some_and(|inner| inner.kind() == io::ErrorKind::BrokenPipe)
        || e.to_string().contains("Broken pipe")
}

/// True when standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdout().is_terminal()
}

/// Checks an output path before work starts: not one of the inputs, in a directory that exists.
pub fn check_output_path(path: &Path, inputs: &[std::path::PathBuf]) -> anyhow::Result<()> {
    use anyhow::bail;
    for input in inputs {
        if same_file(path, input) {
            bail!(
                "{}: refusing to overwrite an input file, choose another output path",
                path.display()
            );
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "{}: output directory {} does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() {
        bail!(
            "{}: is a directory, expected a file to write",
            path.display()
        );
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// failure never leaves half a file; refuses to write over any of `inputs`.
pub fn write_file_atomic(path: &Path, bytes: &[u8], inputs: &[&Path]) -> anyhow::Result<()> {
    use anyhow::Context;
    let owned: Vec<std::path::PathBuf> = inputs.iter().map(|p| p.to_path_buf()).collect();
    check_output_path(path, &owned)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.billdiff-{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .with_context(|| format!("{}: cannot write output", path.display()));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
