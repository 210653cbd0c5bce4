-- Per-server configuration. Every row is keyed by guild_id and every query filters on it,
-- so one server can never read or change another's settings.
CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    news_channel_id INTEGER,
    ping_role_id INTEGER,
    paused INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,
    updated_at TEXT NOT NULL
);

-- Filters narrow what is posted: a story is posted when it matches any filter of each kind
-- that has filters (people OR'd, teams OR'd, keywords OR'd; kinds AND'ed).
CREATE TABLE guild_filters (
    guild_id INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'team', 'keyword')),
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (guild_id, kind, value)
);

-- Small facts the bot keeps about itself, e.g. the hash of the last synced command tree.
CREATE TABLE bot_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
