-- Quotes: what a person said, as extracted from a stored article.
-- A quote goes with its article; a person leaving the directory only leaves it unattributed.
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES people (id) ON DELETE SET NULL,
    said_at TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    text TEXT NOT NULL,
    cue TEXT NOT NULL DEFAULT '',
    UNIQUE (article_id, start_offset)
);

-- "Latest quotes by this person": one index range scan, already in date order.
-- said_at copies the article's date so the read needs no join to sort; a story reads in order.
CREATE INDEX quotes_by_person ON quotes (person_id, said_at DESC, article_id DESC, start_offset);

-- Word search inside one person's quotes: FTS5 finds the rows, the person filter narrows them.
CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text,
    content = 'quotes',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
