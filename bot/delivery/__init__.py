"""Automatic posts: which servers get a story, and sending it exactly once."""
