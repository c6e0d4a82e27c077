-- What each turn was asked and answered, the tools it ran and what it changed
-- (`session log`, the default commit message of `session commit`).
ALTER TABLE turns ADD COLUMN prompt TEXT;
ALTER TABLE turns ADD COLUMN reply TEXT;
-- JSON array of {"name","title","status"}
ALTER TABLE turns ADD COLUMN tools TEXT;
-- JSON {"files","insertions","deletions"}: the worktree before the turn vs after it
ALTER TABLE turns ADD COLUMN turn_changes TEXT;
