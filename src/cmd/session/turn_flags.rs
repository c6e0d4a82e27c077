//! The flags of a turn, shared by `session prompt` and `prompt`, and the
//! prompt text (an argument, or stdin).

use std::io::Read;
use std::time::Duration;

use anyhow::Result;
use boocoder::util::parse_duration;
use clap::Args;

/// The flags of a turn, shared by `session prompt` and `prompt`.
#[derive(Debug, Clone, Args)]
pub struct TurnFlags {
    /// The model for this turn [default: the session's, else default_model]
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// The agent's mode (opencode: build, plan, ...)
    #[arg(long, value_name = "MODE")]
    pub agent_mode: Option<String>,
    /// Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Print the reply once at the end instead of streaming it
    #[arg(long)]
    pub no_stream: bool,
    /// Show the model's reasoning on stderr (dimmed)
    #[arg(long)]
    pub show_reasoning: bool,
    /// The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session's, else workspace]
    #[arg(long, value_name = "POLICY")]
    pub permissions: Option<String>,
    /// Leave a server this command starts running for later commands, until `server stop`
    #[arg(long)]
    pub keep_server: bool,
}

/// What a turn invocation needs beyond the sessions and the text.
pub struct TurnOptions {
    pub flags: TurnFlags,
    pub wait: bool,
    /// The prompt came from stdin: permissions cannot be asked there.
    pub text_from_stdin: bool,
}

/// The prompt text: the argument, or stdin for `-` (then says so).
pub fn prompt_text(arg: &str) -> Result<(String, bool)> {
    if arg != "-" {
        return Ok((arg.to_string(), false));
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok((s, true))
}
