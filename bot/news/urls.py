"""Canonical article URLs, so one story shared with different tracking tags is one story."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say who shared a link, never which page it is.
_TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "referrer",
        "cmpid",
        "icid",
        "_ga",
        "_gl",
        "ito",
        "ocid",
        "sr_share",
        "soc_src",
        "soc_trk",
    }
)
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment, default port or host case.

    Path case and the order of the remaining parameters are kept: servers may treat them as
    meaningful, so changing them could point at a different page.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = urlencode(
        [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(name)
        ]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def host_of(url: str) -> str:
    """The lower-case host name, without a leading ``www.``, for naming a source."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
