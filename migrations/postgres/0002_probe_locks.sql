-- One probe of an agent at a time across processes and machines: a lease row
-- per provider that expires, so a killed prober does not block forever.
-- Keep in step with migrations/sqlite/0002_probe_locks.sql.

CREATE TABLE probe_locks (
    name       TEXT PRIMARY KEY NOT NULL,
    owner      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
