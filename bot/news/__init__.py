"""Stories: what a story is, finding the newest and the best match, the names in it."""
