"""Paddock: Formula 1 news, quotes and driver facts for Discord servers."""
