-- SQLite 3.40's PRAGMA integrity_check reports "NULL value in person_aliases.position" for
-- every row of a WITHOUT ROWID table whose NOT NULL column is declared between its key
-- columns, though no value is NULL. A false alarm in the check operators run first is worth
-- a rebuild: the same table and rows, key columns first.
CREATE TABLE person_aliases_rebuilt (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, alias)
) WITHOUT ROWID;

INSERT INTO person_aliases_rebuilt (person_id, alias, position)
SELECT person_id, alias, position FROM person_aliases;

DROP TABLE person_aliases;

ALTER TABLE person_aliases_rebuilt RENAME TO person_aliases;
