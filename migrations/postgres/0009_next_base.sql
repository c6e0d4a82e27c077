-- The branch a session's next worktree is made from, set when
-- `session merge --remove` drops its worktree: the branch it was merged into
-- (its tip when the worktree is made). NULL: the repository's HEAD, as
-- before. Cleared once the session has a worktree again.
ALTER TABLE sessions ADD COLUMN next_base TEXT;
