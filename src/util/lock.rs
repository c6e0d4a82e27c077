//! The one file lock of the crate: an exclusive `flock` on a lock file,
//! held as long as the returned [`File`] lives (the kernel drops it when the
//! process dies, so a crash never leaves a lock behind). Used for worktree
//! creation and removal (`<root>/.locks/<session>.lock`), the repository
//! (`<git dir>/boocoder.lock`), the server state dir (`server.lock`) and a
//! SQLite database (`<db>.lock`).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Taking a lock failed: opening (creating) its file, or locking it.
#[derive(Debug)]
pub struct LockError {
    /// `open` or `lock`.
    pub step: &'static str,
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Open `path` (created with `mode` when missing) and wait for an exclusive
/// lock on it.
pub fn lock(path: &Path, mode: u32) -> Result<File, LockError> {
    let file = open(path, mode)?;
    file.lock().map_err(|source| LockError {
        step: "lock",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(file)
}

fn open(path: &Path, mode: u32) -> Result<File, LockError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(mode)
        .open(path)
        .map_err(|source| LockError {
            step: "open",
            path: path.to_path_buf(),
            source,
        })
}

/// [`lock`] for async code: a free lock is taken at once; a held one is
/// waited for on the blocking pool, not on an async thread. (Most locks
/// are free: going through the pool first would start a thread just to
/// take them.)
pub async fn lock_async(path: PathBuf, mode: u32) -> Result<File, LockError> {
    let file = open(&path, mode)?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {}
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(LockError {
                step: "lock",
                path,
                source,
            });
        }
    }
    let at = path.clone();
    match super::blocking(move || file.lock().map(|()| file)).await {
        Ok(r) => r.map_err(|source| LockError {
            step: "lock",
            path,
            source,
        }),
        Err(_) => Err(LockError {
            step: "lock",
            path: at,
            source: std::io::ErrorKind::Interrupted.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_the_lock_ends_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = lock(&path, 0o600).unwrap();
        let again = OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(
            again.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(held);
        again.try_lock().unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & !0o600, 0);
    }

    #[tokio::test]
    async fn lock_async_takes_a_free_lock_and_waits_for_a_held_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = lock_async(path.clone(), 0o600).await.unwrap();
        let waiter = tokio::spawn(lock_async(path.clone(), 0o600));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiter.is_finished());
        drop(held);
        let again = waiter.await.unwrap().unwrap();
        let other = OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(again);
        let e = lock_async(dir.path().join("no/such/x.lock"), 0o600)
            .await
            .unwrap_err();
        assert_eq!(e.step, "open");
    }

    #[test]
    fn a_missing_directory_is_an_open_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/x.lock");
        let e = lock(&path, 0o666).unwrap_err();
        assert_eq!(e.step, "open");
        assert_eq!(e.path, path);
    }
}
