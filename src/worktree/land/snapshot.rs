//! Snapshots of a worktree as trees, and what changed between two.

use super::*;

/// The whole state of a worktree (committed, uncommitted, untracked;
/// ignored files left out) as a tree id, written to the object database
/// only: what a turn changed is the diff of two of these.
pub async fn worktree_snapshot(dir: &Path) -> Result<String> {
    let dir = dir.to_path_buf();
    blocking(move || {
        let repo = Repository::open(&dir).map_err(git(format!("open {}", dir.display())))?;
        Ok(worktree_state(&repo)?.1.to_string())
    })
    .await
}

/// Files, insertions and deletions between two snapshots of a worktree,
/// and the paths changed (a rename's new path).
pub async fn snapshot_changes(
    dir: &Path,
    before: &str,
    after: &str,
) -> Result<(crate::store::ChangeCounts, Vec<String>)> {
    let (dir, before, after) = (dir.to_path_buf(), before.to_string(), after.to_string());
    blocking(move || {
        let repo = Repository::open(&dir).map_err(git(format!("open {}", dir.display())))?;
        let tree = |id: &str| {
            Oid::from_str(id)
                .and_then(|o| repo.find_tree(o))
                .map_err(git("read a snapshot"))
        };
        let (a, b) = (tree(&before)?, tree(&after)?);
        let mut diff = repo
            .diff_tree_to_tree(Some(&a), Some(&b), None)
            .map_err(git("diff two snapshots"))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(git("find renames"))?;
        let stats = diff.stats().map_err(git("count changes"))?;
        let paths = diff
            .deltas()
            .filter_map(|d| d.new_file().path().or(d.old_file().path()))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        Ok((
            crate::store::ChangeCounts {
                files: stats.files_changed() as i64,
                insertions: stats.insertions() as i64,
                deletions: stats.deletions() as i64,
            },
            paths,
        ))
    })
    .await
}
