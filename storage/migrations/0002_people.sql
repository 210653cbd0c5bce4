-- People: drivers, team bosses and officials, merged from the built-in list and F1DB.
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    full_name TEXT NOT NULL DEFAULT '',
    code TEXT,
    number INTEGER,
    nationality TEXT,
    country TEXT,
    gender TEXT,
    date_of_birth TEXT
);

-- Nicknames and other spellings, in the order they were first recorded.
CREATE TABLE person_aliases (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (person_id, alias)
) WITHOUT ROWID;

-- One row per role per season, so sources describing a career differently still merge.
CREATE TABLE person_roles (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    season INTEGER NOT NULL,
    role TEXT NOT NULL,
    team TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, season, role, team)
) WITHOUT ROWID;

-- Which version of each people source was last merged, so start-up can skip the work.
CREATE TABLE people_sources (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
