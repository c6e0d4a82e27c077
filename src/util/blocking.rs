//! Blocking work (git2, flock, file walks) off the async threads.

use crate::{Error, Result};

/// Run `f` on tokio's blocking pool and wait for it. A panic in `f` resumes
/// in the caller; a task cancelled by the runtime shutting down is
/// [`Error::Interrupted`].
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => Ok(r),
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(Error::Interrupted),
        },
    }
}
