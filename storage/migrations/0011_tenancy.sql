-- Tenancy: every story and every feed belongs to everyone (guild_id 0: the operator's feeds
-- and imports) or to one server. A server's feed is untrusted input for every other server,
-- so its stories are that server's alone: they can never update, hide or show anything
-- elsewhere. URLs, GUIDs and content hashes are unique within one owner only.
-- Runs with foreign keys off (storage.db), so rebuilding a table does not cascade.

CREATE TABLE articles_owned (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    guid TEXT,
    source TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    fetched_at TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    updated_at TEXT,
    -- Value first: a lookup by URL, GUID or hash alone still reads one index range.
    UNIQUE (url, guild_id),
    UNIQUE (guid, guild_id),
    UNIQUE (content_hash, guild_id)
);

INSERT INTO articles_owned (id, url, guid, source, title, author, published_at, fetched_at,
    summary, body, tags, content_hash, updated_at)
SELECT id, url, guid, source, title, author, published_at, fetched_at, summary, body, tags,
    content_hash, updated_at
FROM articles;

-- A story that only servers' own feeds carried becomes that server's (the lowest id when
-- several servers had added the same feed); stories from files or global feeds stay global.
UPDATE articles_owned SET guild_id = (
    SELECT min(g.guild_id) FROM feed_entries AS e
    JOIN guild_feeds AS g ON g.feed_id = e.feed_id
    WHERE e.article_id = articles_owned.id
)
WHERE EXISTS (SELECT 1 FROM feed_entries AS e WHERE e.article_id = articles_owned.id)
AND NOT EXISTS (
    SELECT 1 FROM feed_entries AS e JOIN feeds AS f ON f.id = e.feed_id
    WHERE e.article_id = articles_owned.id AND (
        f.is_global = 1
        OR NOT EXISTS (SELECT 1 FROM guild_feeds AS g WHERE g.feed_id = f.id)
    )
);

DROP TABLE articles;

ALTER TABLE articles_owned RENAME TO articles;

CREATE INDEX articles_by_date ON articles (coalesce(published_at, fetched_at) DESC, id DESC);

-- Servers' own stories, few beside the global ones: read as one range per server, and as
-- the set a server must not see.
CREATE INDEX articles_of_servers ON articles (
    guild_id, coalesce(published_at, fetched_at) DESC, id DESC
) WHERE guild_id != 0;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Feeds: one row per owner and address. A server that adds a feed gets its own row, with
-- its own fetch state and entries, so nothing it does to the feed reaches another server.
-- Rows are never deleted: a feed removed and added again keeps the entries it has seen and
-- does not repost its backlog.
CREATE TABLE feeds_owned (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL DEFAULT 0,
    url TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    title TEXT NOT NULL DEFAULT '',
    interval_seconds INTEGER CHECK (interval_seconds IS NULL OR interval_seconds >= 30),
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    -- SHA-256 of the last body read whole: a feed without validators that sends the same
    -- bytes again is not parsed again.
    body_digest TEXT,
    primed_at TEXT,
    last_polled_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at TEXT,
    UNIQUE (guild_id, url)
);

-- Global feeds, and feeds no server reads any more, keep their ids.
INSERT INTO feeds_owned (id, guild_id, url, active, title, interval_seconds, added_at, etag,
    last_modified, primed_at, last_polled_at, last_success_at, last_error, last_error_at,
    failures, next_poll_at)
SELECT f.id, 0, f.url, f.is_global, f.title, f.interval_seconds, f.added_at, f.etag,
    f.last_modified, f.primed_at, f.last_polled_at, f.last_success_at, f.last_error,
    f.last_error_at, f.failures, f.next_poll_at
FROM feeds AS f
WHERE f.is_global = 1 OR NOT EXISTS (SELECT 1 FROM guild_feeds AS g WHERE g.feed_id = f.id);

-- A server's feed keeps its id for the first server that added it...
INSERT INTO feeds_owned (id, guild_id, url, active, title, interval_seconds, added_at, etag,
    last_modified, primed_at, last_polled_at, last_success_at, last_error, last_error_at,
    failures, next_poll_at)
SELECT f.id, g.guild_id, f.url, 1, f.title, f.interval_seconds, g.added_at, f.etag,
    f.last_modified, f.primed_at, f.last_polled_at, f.last_success_at, f.last_error,
    f.last_error_at, f.failures, f.next_poll_at
FROM feeds AS f JOIN guild_feeds AS g ON g.feed_id = f.id
WHERE f.is_global = 0
AND g.guild_id = (SELECT min(o.guild_id) FROM guild_feeds AS o WHERE o.feed_id = f.id);

-- ...and every other server that had added it gets a row of its own with the same state.
-- (A server that had added a global feed already receives its stories.)
INSERT INTO feeds_owned (guild_id, url, active, title, interval_seconds, added_at, etag,
    last_modified, primed_at, last_polled_at, last_success_at, last_error, last_error_at,
    failures, next_poll_at)
SELECT g.guild_id, f.url, 1, f.title, f.interval_seconds, g.added_at, NULL,
    NULL, f.primed_at, NULL, NULL, NULL, NULL, 0, NULL
FROM feeds AS f JOIN guild_feeds AS g ON g.feed_id = f.id
WHERE f.is_global = 0
AND g.guild_id != (SELECT min(o.guild_id) FROM guild_feeds AS o WHERE o.feed_id = f.id);

-- Those rows have seen what their feed had shown, so they do not post it again.
INSERT INTO feed_entries (feed_id, entry_key, fingerprint, link, article_id, backlog,
    first_seen_at, last_seen_at)
SELECT n.id, e.entry_key, e.fingerprint, e.link, NULL, 1, e.first_seen_at, e.last_seen_at
FROM feeds_owned AS n
JOIN feeds AS f ON f.url = n.url AND f.id != n.id
JOIN feed_entries AS e ON e.feed_id = f.id
WHERE n.guild_id != 0;

DROP TABLE guild_feeds;

DROP TABLE feeds;

ALTER TABLE feeds_owned RENAME TO feeds;

CREATE INDEX feeds_by_next_poll ON feeds (next_poll_at) WHERE active = 1;

CREATE INDEX feeds_of_servers ON feeds (guild_id, added_at) WHERE guild_id != 0;

-- Why an entry's story is not posted, when it is not: the feed's backlog on its first read,
-- or more new stories in one read than a feed may post at once.
ALTER TABLE feed_entries ADD COLUMN held_back TEXT;

UPDATE feed_entries SET held_back = 'backlog' WHERE backlog = 1;
