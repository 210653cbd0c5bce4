-- The speaker goes into the quotes' full-text index, so "this person's quotes with these
-- words" is one intersection inside FTS5 instead of reading every quote of a common word to
-- check who said it. The index is rebuilt once from the quotes table.
DROP TRIGGER quotes_fts_insert;
DROP TRIGGER quotes_fts_delete;
DROP TRIGGER quotes_fts_update;
DROP TABLE quotes_fts;

CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text,
    person_id,
    content = 'quotes',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');

CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text, person_id) VALUES (new.id, new.text, new.person_id);
END;

CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, person_id)
    VALUES ('delete', old.id, old.text, old.person_id);
END;

-- Also fires when a person leaves the directory and their quotes become unattributed.
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text, person_id ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, person_id)
    VALUES ('delete', old.id, old.text, old.person_id);
    INSERT INTO quotes_fts (rowid, text, person_id) VALUES (new.id, new.text, new.person_id);
END;
