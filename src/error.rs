//! Exit codes and the library's error type, in one place.

use crate::agent::acp::AcpTurnError;
use crate::agent::opencode::OpencodeError;
use crate::agent::turn::TurnError;
use crate::config::ConfigError;
use crate::lease::LeaseError;
use crate::providers::ProviderError;
use crate::session::SessionError;
use crate::store::StoreError;
use crate::worktree::WorktreeError;
use crate::worktree::land::LandError;
use crate::worktree::setup::SetupError;

/// The process exit codes boocoder documents (README, `--help`) and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// The command did what was asked.
    Ok,
    /// A negative answer (nothing found, not running) or a failed turn.
    No,
    /// Bad usage or configuration: wrong flags, invalid config file, bad input.
    Usage,
    /// A runtime failure: agent, server, git or database.
    Runtime,
    /// Authentication required or refused.
    Auth,
    /// A turn stopped at a permission request no one could answer
    /// (`non_interactive = "fail"`).
    Permission,
    /// Interrupted (Ctrl-C / SIGINT).
    Interrupted,
    /// Hung up (SIGHUP): 128 + 1.
    HungUp,
    /// Terminated (SIGTERM: `timeout`, CI, systemd): 128 + 15.
    Terminated,
}

impl Exit {
    /// Every exit code with its meaning, for `--help` and the README.
    pub const ALL: [Exit; 9] = [
        Exit::Ok,
        Exit::No,
        Exit::Usage,
        Exit::Runtime,
        Exit::Auth,
        Exit::Permission,
        Exit::HungUp,
        Exit::Interrupted,
        Exit::Terminated,
    ];

    /// The exit of a command ended by `signal` (128 + its number).
    pub fn of_signal(signal: i32) -> Exit {
        match signal {
            libc::SIGTERM => Exit::Terminated,
            libc::SIGHUP => Exit::HungUp,
            _ => Exit::Interrupted,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::No => 1,
            Exit::Usage => 2,
            Exit::Runtime => 3,
            Exit::Auth => 4,
            Exit::Permission => 5,
            Exit::Interrupted => 130,
            Exit::HungUp => 129,
            Exit::Terminated => 143,
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "success",
            Exit::No => "negative answer (nothing found, not running) or the turn failed",
            Exit::Usage => "usage or configuration error",
            Exit::Runtime => "runtime error (agent, server, git, database)",
            Exit::Auth => "authentication required or refused",
            Exit::Permission => {
                "a turn stopped at a permission request without a terminal (non_interactive = \"fail\")"
            }
            Exit::Interrupted => "interrupted (Ctrl-C, SIGINT)",
            Exit::HungUp => "interrupted by SIGHUP (the terminal closed)",
            Exit::Terminated => "interrupted by SIGTERM (timeout, CI, systemd)",
        }
    }

    /// The `kind` field of a JSON error record.
    pub fn kind(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::No => "negative",
            Exit::Usage => "usage",
            Exit::Runtime => "runtime",
            Exit::Auth => "auth",
            Exit::Permission => "permission",
            Exit::Interrupted | Exit::HungUp | Exit::Terminated => "interrupted",
        }
    }

    /// The table printed at the end of `boocoder --help`.
    pub fn help_table() -> String {
        let mut s = String::from("Exit codes:\n");
        for e in Exit::ALL {
            s.push_str(&format!("  {:>3}  {}\n", e.code(), e.meaning()));
        }
        s
    }
}

/// The library's error: every variant knows its exit code and, where it helps,
/// a hint for the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Opencode(#[from] OpencodeError),
    #[error(transparent)]
    Worktree(#[from] WorktreeError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Lease(#[from] LeaseError),
    #[error(transparent)]
    Turn(#[from] TurnError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Land(#[from] LandError),
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error(transparent)]
    Acp(#[from] AcpTurnError),
    /// Bad input that is not a config problem (a malformed argument value).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    #[error("interrupted")]
    Interrupted,
    /// Ended by SIGTERM or SIGHUP (SIGINT is `Interrupted`).
    #[error("interrupted by {}", crate::util::signals::signal_name(*.0))]
    Signalled(i32),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Config(_) | Error::Usage { .. } => Exit::Usage,
            Error::Store(e) => e.exit(),
            Error::Opencode(e) => e.exit(),
            Error::Worktree(e) => e.exit(),
            Error::Session(e) => e.exit(),
            Error::Lease(e) => e.exit(),
            Error::Turn(e) => e.exit(),
            Error::Provider(e) => e.exit(),
            Error::Land(e) => e.exit(),
            Error::Setup(_) => Exit::Runtime,
            Error::Acp(e) => e.exit(),
            Error::Interrupted => Exit::Interrupted,
            Error::Signalled(signal) => Exit::of_signal(*signal),
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Config(e) => e.hint(),
            Error::Store(e) => e.hint(),
            Error::Opencode(e) => e.hint(),
            Error::Worktree(e) => e.hint(),
            Error::Session(e) => e.hint(),
            Error::Lease(e) => e.hint(),
            Error::Turn(e) => e.hint(),
            Error::Provider(e) => e.hint(),
            Error::Land(e) => e.hint(),
            Error::Setup(e) => e.hint(),
            Error::Acp(e) => e.hint(),
            Error::Usage { hint, .. } => hint.clone(),
            Error::Interrupted | Error::Signalled(_) => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
