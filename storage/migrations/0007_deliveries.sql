-- The outbox: what each server's news channel gets for each story, and why.
-- Rows are written in the transaction that stores the story, so a story is never stored
-- without its deliveries. 'sending' means a send may have reached Discord: after a crash it
-- is retried with the same nonce, which Discord answers with the message already posted.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    reason TEXT NOT NULL,
    message_id INTEGER,
    -- The story changed after it was posted: the message should be edited to match.
    edit_pending INTEGER NOT NULL DEFAULT 0 CHECK (edit_pending IN (0, 1)),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (article_id, channel_id)
);

CREATE INDEX deliveries_to_send ON deliveries (id) WHERE status IN ('pending', 'sending');
CREATE INDEX deliveries_to_edit ON deliveries (id) WHERE edit_pending = 1;
CREATE INDEX deliveries_by_guild ON deliveries (guild_id, status, id);
