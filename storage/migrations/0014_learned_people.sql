-- People learned from the news: someone a story quotes whom the directory does not know
-- ("race engineer Gianpiero Lambiase") is kept as a person of kind 'learned', with the role
-- and team the story gave and where they were first seen, so the people commands find them.
-- Known people (the built-in list, F1DB) keep kind 'known' and stay the only ones quote
-- attribution reads, so what happens to be stored never changes who said what.
-- ``news_key`` is the name key the news gave them ("news:gianpiero-lambiase"). A learned
-- person belongs to everyone (guild_id 0) or, when only a server's own feed named them, to
-- that server alone: a server's feed is untrusted input for every other server.
ALTER TABLE people ADD COLUMN kind TEXT NOT NULL DEFAULT 'known'
    CHECK (kind IN ('known', 'learned'));
ALTER TABLE people ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN team TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN news_key TEXT;
ALTER TABLE people ADD COLUMN first_seen_article INTEGER
    REFERENCES articles (id) ON DELETE SET NULL;
ALTER TABLE people ADD COLUMN first_seen_at TEXT;

-- One learned person per name and owner; a name is looked up across owners when a story
-- everyone sees teaches a person a server had learned on its own.
CREATE UNIQUE INDEX people_learned ON people (news_key, guild_id) WHERE kind = 'learned';
