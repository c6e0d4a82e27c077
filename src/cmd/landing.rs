//! Signals during a landing (`session apply`, `commit`, `merge`): SIGINT,
//! SIGTERM and SIGHUP are caught from the start; the first cancels the
//! landing, which stops if it has not begun writing (exit 128 + signal,
//! nothing changed) or else finishes and reports its result. Later signals
//! change nothing: the write phase is short and must not be cut.

use std::future::Future;

use anyhow::Result;
use boocoder::worktree::land::LandError;
use boocoder::{Error, Exit};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio_util::sync::CancellationToken;

pub(super) async fn run_deferring_signals(
    command: impl Future<Output = Result<Exit>>,
    cancel: &CancellationToken,
) -> Result<Exit> {
    let mut streams = Vec::new();
    for (n, kind) in [
        (libc::SIGINT, SignalKind::interrupt()),
        (libc::SIGTERM, SignalKind::terminate()),
        (libc::SIGHUP, SignalKind::hangup()),
    ] {
        streams.push((n, signal(kind)?));
    }
    tokio::pin!(command);
    let mut got = None;
    loop {
        tokio::select! {
            r = &mut command => {
                return match (r, got) {
                    (Err(e), Some(sig)) if stopped(&e) => {
                        Err(Error::Land(LandError::Signalled(sig)).into())
                    }
                    (r, _) => r,
                };
            }
            n = first(&mut streams) => {
                if got.is_none() {
                    got = Some(n);
                    cancel.cancel();
                }
            }
        }
    }
}

/// Whether a landing's error says it stopped before writing.
fn stopped(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<Error>(),
        Some(Error::Land(LandError::Interrupted) | Error::Interrupted)
    )
}

/// The number of the first of `streams` to deliver a signal.
async fn first(streams: &mut [(i32, Signal)]) -> i32 {
    let waits = streams
        .iter_mut()
        .map(|(n, s)| Box::pin(async move { s.recv().await.map(|_| *n) }));
    match futures_util::future::select_all(waits).await.0 {
        Some(n) => n,
        None => std::future::pending().await,
    }
}
