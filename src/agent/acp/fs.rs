//! The client side of `fs/read_text_file` and `fs/write_text_file`,
//! confined to the session's working directory: a path outside it (after
//! resolving `..` and symlinks) is refused and nothing is written.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

/// A refused or failed file request.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("{0} is outside the session's worktree")]
    Outside(String),
    #[error("invalid parameters: {0}")]
    Params(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl FsError {
    /// The JSON-RPC error code to answer with.
    pub fn code(&self) -> i64 {
        match self {
            FsError::Outside(_) | FsError::Params(_) => -32602,
            FsError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => -32002,
            FsError::Io { .. } => -32603,
        }
    }
}

/// `path` with `.` and `..` removed lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The real path `raw` names, when it lies inside `root` (itself
/// canonical): the deepest existing ancestor is resolved (symlinks too) and
/// must stay inside.
pub fn confine(root: &Path, raw: &str) -> Result<PathBuf, FsError> {
    let p = Path::new(raw);
    let joined = normalize(&if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    });
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    let resolved = loop {
        match existing.canonicalize() {
            Ok(c) => break c,
            Err(_) => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(FsError::Outside(raw.to_string()));
                };
                rest.push(name.to_os_string());
                existing = parent;
            }
        }
    };
    let mut full = resolved;
    for name in rest.into_iter().rev() {
        full.push(name);
    }
    if full.starts_with(root) && full != root {
        Ok(full)
    } else {
        Err(FsError::Outside(raw.to_string()))
    }
}

/// Answer `fs/read_text_file` or `fs/write_text_file` for a turn in `root`.
pub async fn handle(method: &str, params: &Value, root: &Path) -> Result<Value, FsError> {
    let raw = params["path"]
        .as_str()
        .ok_or_else(|| FsError::Params("no path".into()))?;
    let path = confine(root, raw)?;
    let io = |source| FsError::Io {
        path: raw.to_string(),
        source,
    };
    if method == "fs/write_text_file" {
        let content = params["content"]
            .as_str()
            .ok_or_else(|| FsError::Params("no content".into()))?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(io)?;
        }
        tokio::fs::write(&path, content).await.map_err(io)?;
        return Ok(Value::Null);
    }
    let text = tokio::fs::read_to_string(&path).await.map_err(io)?;
    let line = params["line"].as_u64().map(|l| l.max(1) as usize);
    let limit = params["limit"].as_u64().map(|l| l as usize);
    let content = if line.is_some() || limit.is_some() {
        let skip = line.unwrap_or(1) - 1;
        let lines = text.split_inclusive('\n').skip(skip);
        match limit {
            Some(n) => lines.take(n).collect::<String>(),
            None => lines.collect(),
        }
    } else {
        text
    };
    Ok(json!({"content": content}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        assert_eq!(confine(&root, "sub/a.txt").unwrap(), root.join("sub/a.txt"));
        let abs = root.join("new/b.txt");
        assert_eq!(confine(&root, abs.to_str().unwrap()).unwrap(), abs);
        assert!(confine(&root, "../x").is_err());
        assert!(confine(&root, "/etc/passwd").is_err());
        assert!(confine(&root, "sub/../../x").is_err());
        std::os::unix::fs::symlink("/tmp", root.join("out")).unwrap();
        assert!(confine(&root, "out/x").is_err());
    }
}
