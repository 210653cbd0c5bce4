"""Checking request bodies against Discord's own OpenAPI description.

The description (discord/discord-api-spec, MIT) encodes Discord's limits: 25 autocomplete
choices, embed field sizes, the shape of allowed_mentions. A body the bot sends that fails
it is a bug Discord would answer with a 400, so tests fail on every violation recorded here.
jsonschema is a development dependency, hence the lazy import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_MAX_MESSAGES_PER_BODY = 3


class OpenAPIValidator:
    def __init__(self, spec_path: Path | str) -> None:
        self._spec: dict[str, Any] = json.loads(Path(spec_path).read_text(encoding="utf-8"))
        # One compiled validator per operation; None marks operations without a JSON body.
        self._validators: dict[tuple[str, str], Any] = {}

    def _validator_for(self, method: str, template: str) -> Any:
        key = (method, template)
        if key in self._validators:
            return self._validators[key]
        from jsonschema import Draft202012Validator

        operation = self._spec["paths"].get(template, {}).get(method.lower(), {})
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        validator = None
        if schema is not None:
            # The body schema's "#/components/..." references resolve against the root of
            # the schema being validated, so the root carries the spec's components.
            root = {**schema, "components": self._spec["components"]}
            validator = Draft202012Validator(root)
        self._validators[key] = validator
        return validator

    def validate(self, method: str, template: str, body: Any) -> list[str]:
        """Human-readable reasons the body breaks the spec; empty when it conforms."""
        if body is None:
            return []
        validator = self._validator_for(method, template)
        if validator is None:
            return []
        from jsonschema.exceptions import best_match

        errors = list(validator.iter_errors(_as_discord_reads_it(body)))
        if not errors:
            return []
        best = best_match(errors)
        reasons = [_describe(best)]
        reasons += [_describe(e) for e in errors if e is not best][: _MAX_MESSAGES_PER_BODY - 1]
        return reasons


def _as_discord_reads_it(body: Any) -> Any:
    """The body with integer ids in allowed_mentions written as strings.

    The description types snowflakes as strings, but Discord accepts JSON integers too,
    and discord.py sends role and user ids in allowed_mentions that way.
    """
    if not isinstance(body, dict) or not isinstance(body.get("allowed_mentions"), dict):
        return body
    mentions = dict(body["allowed_mentions"])
    for key in ("roles", "users"):
        if isinstance(mentions.get(key), list):
            mentions[key] = [str(v) if isinstance(v, int) else v for v in mentions[key]]
    return {**body, "allowed_mentions": mentions}


def _describe(error: Any) -> str:
    location = "/".join(str(part) for part in error.absolute_path) or "(body)"
    return f"{location}: {error.message[:300]}"
