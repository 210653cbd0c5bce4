"""Everything that speaks SQL: the connection, numbered migrations and repositories."""
