-- Why an ACP agent ended each turn (end_turn, max_tokens, refusal, cancelled, ...;
-- NULL for opencode's server): `session log`.
ALTER TABLE turns ADD COLUMN stop_reason TEXT;
