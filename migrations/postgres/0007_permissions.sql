-- The permission policy a session was created with (`session new --permissions`:
-- a preset name or a policy file's path; NULL: the default).
ALTER TABLE sessions ADD COLUMN permissions TEXT;
-- Each turn's permission decisions: JSON {"allowed","denied","decisions":[{"tool",
-- "patterns","decision","by","rule"}]} (`session log`).
ALTER TABLE turns ADD COLUMN permissions TEXT;
