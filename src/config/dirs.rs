//! Where boocoder keeps its config, data and state, and how paths in the
//! config file are expanded.

use std::path::{Path, PathBuf};

use super::{ConfigError, Env};

pub(super) struct Dirs {
    pub(super) config: PathBuf,
    pub(super) data: PathBuf,
    pub(super) state: PathBuf,
}

pub(super) fn resolve_dirs(env: &Env) -> Result<Dirs, ConfigError> {
    let project = directories::ProjectDirs::from("", "", "boocoder");
    let pick = |var: &str, what: &'static str, dflt: Option<PathBuf>| {
        env.get(var)
            .map(PathBuf::from)
            .or(dflt)
            .ok_or(ConfigError::NoHome { what })
    };
    let config = pick(
        "BOOCODER_CONFIG_DIR",
        "config",
        project.as_ref().map(|p| p.config_dir().to_path_buf()),
    )?;
    let data = pick(
        "BOOCODER_DATA_DIR",
        "data",
        project.as_ref().map(|p| p.data_dir().to_path_buf()),
    )?;
    let state_default = project
        .as_ref()
        .map(|p| p.state_dir().unwrap_or(p.data_local_dir()).to_path_buf());
    let state = pick("BOOCODER_STATE_DIR", "state", state_default)?;
    Ok(Dirs {
        config: absolute(&config),
        data: absolute(&data),
        state: absolute(&state),
    })
}

pub(super) fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// `~/x` -> `<home>/x`; a relative path -> relative to `base`.
pub(super) fn expand_path(raw: &str, base: &Path) -> PathBuf {
    let p = match raw.strip_prefix("~/") {
        Some(rest) => match home_dir() {
            Some(h) => h.join(rest),
            None => PathBuf::from(raw),
        },
        None => PathBuf::from(raw),
    };
    if p.is_absolute() { p } else { base.join(p) }
}
