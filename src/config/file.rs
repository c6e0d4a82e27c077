//! The config file's format: the TOML tables as written, and parsing with
//! the line, column and key of an error.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::permissions::RulesFile;
use super::{ConfigError, Keep, ProviderConfig};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WorktreeFile {
    #[serde(default)]
    pub(super) include: Vec<String>,
    pub(super) post_create: Option<String>,
    pub(super) post_create_timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServerFile {
    pub(super) keep: Option<Keep>,
    pub(super) idle_timeout_seconds: Option<u64>,
    pub(super) health_timeout_seconds: Option<u64>,
    pub(super) stream_timeout_seconds: Option<u64>,
    pub(super) disable_models_fetch: Option<bool>,
    pub(super) max_rss_mb: Option<u64>,
    pub(super) max_directories: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) database_url: Option<String>,
    pub(super) default_model: Option<String>,
    pub(super) llama_swap_url: Option<String>,
    pub(super) opencode_bin: Option<String>,
    pub(super) watchdog_seconds: Option<u64>,
    pub(super) lease_seconds: Option<u64>,
    pub(super) snapshot_ttl_seconds: Option<u64>,
    pub(super) probe_ttl_seconds: Option<u64>,
    pub(super) probe_timeout_seconds: Option<u64>,
    pub(super) probe_concurrency: Option<usize>,
    pub(super) max_stored_bytes: Option<usize>,
    pub(super) worktree_root: Option<String>,
    #[serde(default)]
    pub(super) server: ServerFile,
    #[serde(default)]
    pub(super) worktree: WorktreeFile,
    #[serde(default)]
    pub(super) providers: BTreeMap<String, ProviderConfig>,
    #[serde(default)]
    pub(super) permissions: RulesFile,
}

pub(super) fn parse_file(file: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    parse_toml(file, text)
}

/// `text` (the contents of `file`) as a `T`, or the line, column and key
/// of what is wrong.
pub(super) fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let line = text[..offset].matches('\n').count() + 1;
        let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = text[line_start..offset].chars().count() + 1;
        ConfigError::Parse {
            file: file.to_path_buf(),
            line,
            column,
            key: key_at_line(text, line),
            message: e.message().trim().to_string(),
        }
    })
}

/// The dotted key defined on line `line` (1-based): the table header above it
/// plus the key left of `=`, when the line has that shape.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let this = lines.get(line.checked_sub(1)?)?.trim();
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && !l.contains('='))
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    };
    if let Some(h) = header(this) {
        return Some(h);
    }
    let key = this.split_once('=')?.0.trim().trim_matches('"').to_string();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let table = lines[..line - 1].iter().rev().find_map(|l| header(l));
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_line_names_table_and_key() {
        let text = "a = 1\n[server]\nkeep = \"yes\"\n";
        assert_eq!(key_at_line(text, 3).as_deref(), Some("server.keep"));
        assert_eq!(key_at_line(text, 1).as_deref(), Some("a"));
        assert_eq!(key_at_line(text, 2).as_deref(), Some("server"));
    }
}
