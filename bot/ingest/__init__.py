"""Storing stories: the one write path, reading article files, and bulk imports."""
