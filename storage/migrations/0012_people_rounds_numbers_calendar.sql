-- Facts from F1DB beyond who drove for whom by season: the rounds of each race seat (a
-- mid-season move shows both teams), the numbers raced each season, the champions and the
-- calendar. ``source`` says which source wrote a role ('builtin' or 'f1db'), so reloading
-- that source replaces what it said before instead of adding to it (a corrected role must
-- not linger). Rows written before this migration are 'legacy': the next load of either
-- source replaces them for the people it describes.
ALTER TABLE person_roles ADD COLUMN rounds TEXT NOT NULL DEFAULT '';
ALTER TABLE person_roles ADD COLUMN source TEXT NOT NULL DEFAULT 'legacy';

CREATE TABLE person_numbers (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    season INTEGER NOT NULL,
    number INTEGER NOT NULL,
    PRIMARY KEY (person_id, season)
) WITHOUT ROWID;

-- Drivers' world champions, only for seasons raced to their last round.
CREATE TABLE world_champions (
    season INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL
);

-- The calendar; ``sessions`` is a JSON list of [session, UTC ISO time or date].
CREATE TABLE races (
    season INTEGER NOT NULL,
    round INTEGER NOT NULL,
    grand_prix TEXT NOT NULL,
    circuit TEXT NOT NULL,
    sessions TEXT NOT NULL,
    PRIMARY KEY (season, round)
) WITHOUT ROWID;
