//! What the printer prints: the formats (text / json / ndjson), records
//! rendered as they go to stdout, errors classified into exit codes and
//! hints, parse failures, and the log's setup.

use boocoder::Exit;
use boocoder::config::ConfigError;
use boocoder::store::StoreError;
use serde::Serialize;

use super::GlobalArgs;
use super::printer::Printer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text
    Text,
    /// One JSON document
    Json,
    /// One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

/// An error raised by a command, with its exit code and an optional hint.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

/// The one error record of every command (and of a failed turn):
/// `{"type":"error","session"?,"kind","message","hint"?,"exit_code"}`.
/// `kind` names the exit code (`usage`, `runtime`, ...) or, for a turn, how
/// it ended; `session` and `hint` are left out when there are none.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    #[serde(rename = "type")]
    pub kind_tag: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    pub exit_code: u8,
}

impl ErrorRecord {
    pub fn new(session: Option<String>, exit: Exit, message: String, hint: Option<String>) -> Self {
        ErrorRecord {
            kind_tag: "error",
            session,
            kind: exit.kind().to_string(),
            message,
            hint,
            exit_code: exit.code(),
        }
    }
}

/// `value` as `format` prints it: pretty JSON, or one line with `type`
/// (when the object has none) and `ts` first.
pub fn render<T: Serialize>(format: Format, kind: &str, value: &T) -> anyhow::Result<String> {
    let mut v = serde_json::to_value(value)?;
    if format == Format::Json {
        return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
    }
    if let Some(obj) = v.as_object_mut() {
        let mut tagged = serde_json::Map::new();
        let tag = obj.shift_remove("type").unwrap_or_else(|| kind.into());
        tagged.insert("type".into(), tag);
        let ts = obj
            .shift_remove("ts")
            .unwrap_or_else(|| boocoder::timestamp::now().into());
        tagged.insert("ts".into(), ts);
        tagged.extend(std::mem::take(obj));
        *obj = tagged;
    }
    Ok(format!("{}\n", serde_json::to_string(&v)?))
}

/// The error for a failed write to stdout (exit 3).
pub fn stdout_error(e: &std::io::Error) -> CliError {
    CliError {
        exit: Exit::Runtime,
        message: format!("cannot write to stdout: {e}"),
        hint: Some("the output was cut short (a closed pipe or a full disk)".into()),
    }
}

/// The exit code and hint of an error: the first error in the chain that
/// knows its own.
pub fn classify(err: &anyhow::Error) -> (Exit, Option<String>) {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return (e.exit, e.hint.clone());
        }
        if let Some(e) = cause.downcast_ref::<boocoder::Error>() {
            return (e.exit(), e.hint());
        }
        if let Some(e) = cause.downcast_ref::<ConfigError>() {
            return (Exit::Usage, e.hint());
        }
        if let Some(e) = cause.downcast_ref::<StoreError>() {
            return (e.exit(), e.hint());
        }
        if let Some(e) = cause.downcast_ref::<boocoder::agent::opencode::OpencodeError>() {
            return (e.exit(), e.hint());
        }
    }
    (Exit::Runtime, None)
}

/// The error and its causes on one line, skipping a cause whose text the
/// message already contains.
pub(super) fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        // libgit2's class and code (`; class=Repository (6); code=NotFound
        // (-3)`) tell a user nothing: its message alone.
        let text = match cause.downcast_ref::<git2::Error>() {
            Some(e) => e.message().to_string(),
            None => cause.to_string(),
        };
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// A clap parse failure: help and version go to stdout with exit 0; errors
/// to stderr with exit 2 (and a JSON record when JSON output was asked for).
pub fn clap_error(e: clap::Error) -> Exit {
    use clap::error::ErrorKind;
    let message = invalid_env_value(&e);
    let (exit, record) = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => (Exit::Ok, None),
        _ => (
            Exit::Usage,
            json_format_from_raw_args().and_then(|format| {
                let rendered = e.to_string();
                let first = rendered.lines().next().unwrap_or("invalid arguments");
                let msg = first.strip_prefix("error: ").unwrap_or(first);
                let record = ErrorRecord::new(
                    None,
                    Exit::Usage,
                    msg.to_string(),
                    Some("run `boocoder --help`".into()),
                );
                render(format, "error", &record).ok()
            }),
        ),
    };
    super::printer::parse_failure(&e, message.as_deref(), record.as_deref());
    exit
}

/// An invalid value that came from a flag's environment variable (the
/// flag itself is not on the command line): the error names the variable,
/// not a flag the user never typed.
fn invalid_env_value(e: &clap::Error) -> Option<String> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.split([' ', '=']).next()?.strip_prefix("--")?;
    let flag = format!("--{long}");
    if std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}="))) {
        return None;
    }
    let cli = super::Cli::command();
    let var = cli
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?
        .get_env()?
        .to_string_lossy()
        .into_owned();
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => v.clone(),
        _ => std::env::var(&var).unwrap_or_default(),
    };
    let valid = match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    Some(format!(
        "error: invalid value '{value}' in {var} (the value of {flag} when the flag is not given)\n  \
         [possible values: {valid}]\nhint: set {var} to one of {valid}, or unset it\n"
    ))
}

/// The JSON format the raw arguments ask for (clap could not parse them):
/// the last `--json`/`--format` wins, then `BOOCODER_FORMAT`.
fn json_format_from_raw_args() -> Option<Format> {
    let args: Vec<String> = std::env::args().collect();
    let parse = |v: &str| match v {
        "json" => Some(Some(Format::Json)),
        "ndjson" => Some(Some(Format::Ndjson)),
        "text" => Some(None),
        _ => None,
    };
    let mut found = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--json" {
            return Some(Format::Json);
        }
        if a == "--format"
            && let Some(f) = args.get(i + 1).and_then(|v| parse(v))
        {
            found = Some(f);
            i += 1;
        } else if let Some(f) = a.strip_prefix("--format=").and_then(parse) {
            found = Some(f);
        }
        i += 1;
    }
    match found {
        Some(f) => f,
        None => std::env::var("BOOCODER_FORMAT")
            .ok()
            .and_then(|v| parse(&v))
            .flatten(),
    }
}

/// Log to stderr: warnings by default, more with -v, errors only with -q;
/// `BOOCODER_LOG` (`target=level` directives, e.g. `boocoder=debug,warn`)
/// overrides both.
pub fn init_tracing(g: &GlobalArgs, out: &Printer) {
    let level = if g.quiet {
        "error"
    } else {
        match g.verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    };
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter: Targets = std::env::var("BOOCODER_LOG")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| {
            Targets::new()
                .with_target("boocoder", level_of(level))
                .with_default(tracing::Level::WARN)
        });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(super::printer::stderr_writer)
                .with_ansi(out.color_stderr)
                .with_target(g.verbose >= 2)
                .without_time()
                .with_filter(filter),
        )
        .try_init();
}

fn level_of(name: &str) -> tracing::Level {
    name.parse().unwrap_or(tracing::Level::WARN)
}
