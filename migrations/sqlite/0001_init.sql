-- boocoder schema, SQLite flavour. Timestamps are milliseconds since the Unix
-- epoch; JSON documents are stored as TEXT. Keep in step with
-- migrations/postgres/0001_init.sql (same tables, same columns).

CREATE TABLE sessions (
    name         TEXT PRIMARY KEY NOT NULL,
    repo         TEXT NOT NULL,
    agent        TEXT NOT NULL,
    model        TEXT,
    use_worktree BOOLEAN NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE session_worktrees (
    session     TEXT PRIMARY KEY NOT NULL,
    repo        TEXT NOT NULL,
    path        TEXT NOT NULL UNIQUE,
    branch      TEXT NOT NULL,
    base_commit TEXT NOT NULL,
    base_ref    TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX session_worktrees_repo ON session_worktrees (repo);

CREATE TABLE agent_sessions (
    session          TEXT NOT NULL REFERENCES sessions (name) ON DELETE CASCADE,
    agent            TEXT NOT NULL,
    agent_session_id TEXT NOT NULL,
    server_url       TEXT,
    directory        TEXT,
    config_hash      TEXT NOT NULL,
    status           TEXT NOT NULL,
    reason           TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (session, agent)
);

CREATE TABLE pending_changes (
    session    TEXT NOT NULL,
    path       TEXT NOT NULL,
    old_path   TEXT,
    status     TEXT NOT NULL,
    insertions INTEGER NOT NULL,
    deletions  INTEGER NOT NULL,
    is_binary  BOOLEAN NOT NULL DEFAULT 0,
    patch      TEXT,
    agent      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session, path)
);

CREATE TABLE turns (
    id                 INTEGER PRIMARY KEY,
    session            TEXT NOT NULL REFERENCES sessions (name) ON DELETE CASCADE,
    agent_session_id   TEXT,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    status             TEXT NOT NULL,
    model              TEXT,
    tokens_input       INTEGER,
    tokens_output      INTEGER,
    tokens_reasoning   INTEGER,
    tokens_cache_read  INTEGER,
    tokens_cache_write INTEGER,
    error              TEXT
);
CREATE INDEX turns_session ON turns (session, started_at);

CREATE TABLE available_agents (
    name           TEXT PRIMARY KEY NOT NULL,
    install_path   TEXT,
    supports_acp   BOOLEAN,
    models         TEXT NOT NULL DEFAULT '[]',
    commands       TEXT NOT NULL DEFAULT '[]',
    label          TEXT,
    transport      TEXT,
    version        TEXT,
    last_probed_at INTEGER,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE snapshot_cache (
    cwd      TEXT PRIMARY KEY NOT NULL,
    built_at INTEGER NOT NULL,
    entries  TEXT NOT NULL
);

CREATE TABLE session_leases (
    session     TEXT PRIMARY KEY NOT NULL REFERENCES sessions (name) ON DELETE CASCADE,
    owner       TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
