//! The signing key of a local installation: generated on first use and kept beside the SQLite file,
//! so that the `token` command and the server agree on it with nothing configured.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::AuthSetupError;

fn key_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "dagsorden.db".into());
    name.push(".token-key");
    database.with_file_name(name)
}

/// The key beside `database` (e.g. `./data/dagsorden.db.token-key`), created if there is none.
pub fn local_secret(database: &Path) -> Result<Vec<u8>, AuthSetupError> {
    let path = key_path(database);
    let fail = |e: std::io::Error| AuthSetupError::LocalKey(path.display().to_string(), e);
    match fs::read_to_string(&path) {
        Ok(text) => return STANDARD.decode(text.trim()).map_err(|e| fail(std::io::Error::other(e))),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e)),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| fail(std::io::Error::other(e.to_string())))?;

    // Write a temporary file, then link it into place: the link fails if another process (the
    // server and the `token` command starting together) got there first, and then its key is used.
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = create_private(&temporary).map_err(fail)?;
    file.write_all(STANDARD.encode(secret).as_bytes()).and_then(|_| file.sync_all()).map_err(fail)?;
    let linked = fs::hard_link(&temporary, &path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            log::warn!(
                "created a signing key for local tokens at {}: it is for local use; production deployments set \
                 DAGSORDEN_TOKEN_SECRET or turn local tokens off",
                path.display()
            );
            Ok(secret.to_vec())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => local_secret(database),
        Err(e) => Err(fail(e)),
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_then_reused() {
        let dir = std::env::temp_dir().join(format!("dagsorden-key-test-{}", std::process::id()));
        let database = dir.join("dagsorden.db");
        let first = local_secret(&database).unwrap();
        let second = local_secret(&database).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(first, second);
        assert!(dir.join("dagsorden.db.token-key").exists());
        fs::remove_dir_all(dir).unwrap();
    }
}
