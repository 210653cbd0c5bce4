-- Feeds Paddock polls. A feed is polled while it is global (its stories go to every server)
-- or at least one server has added it. Rows are never deleted, so a feed removed and added
-- again keeps its fetch state and the entries already seen, and does not repost its backlog.
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    is_global INTEGER NOT NULL DEFAULT 0 CHECK (is_global IN (0, 1)),
    interval_seconds INTEGER CHECK (interval_seconds IS NULL OR interval_seconds >= 30),
    added_at TEXT NOT NULL,
    -- Conditional GET validators from the last full response.
    etag TEXT,
    last_modified TEXT,
    -- Set by the first successful poll; entries seen then are backlog, not news.
    primed_at TEXT,
    last_polled_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at TEXT
);

CREATE INDEX feeds_by_next_poll ON feeds (next_poll_at);

-- Feeds a server's moderators added: their stories go to that server only.
CREATE TABLE guild_feeds (
    guild_id INTEGER NOT NULL,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, feed_id)
);

CREATE INDEX guild_feeds_by_feed ON guild_feeds (feed_id);

-- Every entry each feed has shown. The fingerprint changes when the entry is edited, so
-- unchanged entries are skipped without refetching their pages, and edits are seen.
CREATE TABLE feed_entries (
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- Canonical link, so another feed's copy under the same link finds the story.
    link TEXT,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    backlog INTEGER NOT NULL DEFAULT 0 CHECK (backlog IN (0, 1)),
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, entry_key)
);

CREATE INDEX feed_entries_by_article ON feed_entries (article_id);
CREATE INDEX feed_entries_by_link ON feed_entries (link) WHERE link IS NOT NULL;
