"""Errors whose message is meant for the person who typed the command."""

from __future__ import annotations


class UserFacingError(Exception):
    """Shown to the user as it is; raise it for input Paddock cannot act on."""
