-- Who and which team each story names, found on import. "Latest stories about X" then reads
-- one index range instead of sorting every full-text match of X's names by date, which at
-- 100k stories means tens of thousands of rows per request.
-- subject is a person id, or "team:" and a team id.
CREATE TABLE article_mentions (
    subject TEXT NOT NULL,
    published TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (subject, published DESC, article_id DESC)
) WITHOUT ROWID;

CREATE INDEX article_mentions_by_article ON article_mentions (article_id);

-- Which stories were scanned for names, and with which version of the name list; a story
-- missing here (or scanned with an older list) is scanned again at start-up.
CREATE TABLE mention_scans (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version TEXT NOT NULL
);
