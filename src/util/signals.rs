//! The process's interruptions in one place: SIGINT (Ctrl-C), SIGTERM
//! (`timeout`, CI cancelling a job, systemd, cron's time limits) and SIGHUP
//! (a closed terminal) are caught alike. The command layer cancels the one
//! token turns, lease waits and probes watch on the first, and exits
//! 128 + its number; a second one ends the process at once.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// The signals that interrupt a command, listened to from [`Signals::listen`] on.
pub struct Signals {
    int: Signal,
    term: Signal,
    hup: Signal,
}

impl Signals {
    /// Catch SIGINT, SIGTERM and SIGHUP from now on (inside the runtime):
    /// they no longer end the process by themselves.
    pub fn listen() -> std::io::Result<Signals> {
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The number of the next of them to arrive.
    pub async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.int.recv() => libc::SIGINT,
            _ = self.term.recv() => libc::SIGTERM,
            _ = self.hup.recv() => libc::SIGHUP,
        }
    }
}

/// `SIGTERM` for 15: how messages name a signal.
pub fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGINT => "SIGINT".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGKILL => "SIGKILL".into(),
        n => format!("signal {n}"),
    }
}
