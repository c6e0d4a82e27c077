-- Who owns a worktree: whether boocoder created its branch (only then may it
-- delete it) and the host whose disk holds its directory (another host leaves
-- it alone). Rows from before this migration: branch not created by boocoder
-- (kept, the safe side) and host unknown ('': any host may act on it).
-- Keep in step with migrations/sqlite/0003_worktree_owner.sql.

ALTER TABLE session_worktrees ADD COLUMN branch_created BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE session_worktrees ADD COLUMN host TEXT NOT NULL DEFAULT '';
