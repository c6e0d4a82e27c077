//! boocoder: drive local coding agents (opencode, ACP agents) from scripts, CI,
//! cron and the terminal.
//!
//! Every operation is a library call that works without the CLI; the `boocoder`
//! binary (`src/cmd`) parses arguments, calls into this crate and renders the
//! result. The library never prints: it reports through one
//! [`report::Reporter`] its caller hands it.

pub mod acp_wire;
pub mod agent;
pub mod config;
pub mod doctor;
pub mod error;
pub mod lease;
pub mod probe;
pub mod providers;
pub mod report;
pub mod session;
pub mod session_key;
pub mod store;
pub mod timestamp;
pub mod util;
pub mod worktree;

pub use config::Config;
pub use error::{Error, Exit, Result};
pub use report::{NoReporter, Reporter};
pub use session_key::SessionKey;
pub use store::Store;
