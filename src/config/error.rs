//! Config errors: what went wrong, and a hint how to fix it.

use std::path::PathBuf;

use super::Source;

/// A config problem; always exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {} does not exist", file.display())]
    Missing { file: PathBuf, from: Source },
    #[error("invalid config file {}: line {line}, column {column}{}: {message}", file.display(), key.as_deref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
    Parse {
        file: PathBuf,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error("invalid value for `{key}` ({from}): {message}")]
    Invalid {
        key: String,
        from: Source,
        message: String,
        hint: Option<String>,
    },
    #[error("cannot determine the {what} directory: no home directory")]
    NoHome { what: &'static str },
}

impl ConfigError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Missing { from, .. } => Some(format!(
                "the file was named by {from}; create it or point to an existing file"
            )),
            ConfigError::Parse { .. } => {
                Some("see the README's Configuration section for the keys and their types".into())
            }
            ConfigError::Invalid { hint, .. } => hint.clone(),
            ConfigError::NoHome { .. } => Some(
                "set BOOCODER_DATA_DIR, BOOCODER_STATE_DIR and BOOCODER_CONFIG_DIR, or HOME".into(),
            ),
            ConfigError::Read { .. } => None,
        }
    }
}
