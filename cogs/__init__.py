"""Discord glue: one cog per area, plus helper modules whose names start with ``_``.

Modules starting with an underscore are not extensions and are never loaded as cogs.
"""
