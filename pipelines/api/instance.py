"""Turn the configured instance host into the API's base URL, rejecting anything doubtful up front."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from pipelines.api.errors import ConfigError

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DEFAULT_PORTS = {"https": 443, "http": 80}
_EXAMPLE = "e.g. mycompany.xentral.biz or https://erp.example.de"


def base_url_for(host: str) -> str:
    """Normalized origin (``https://host[:port]``, no trailing slash) for a configured instance host.

    Accepts a bare host (``mycompany.xentral.biz``, a custom domain), an ``https://`` URL, an optional
    port and a trailing slash. Plain ``http://`` is accepted only for loopback hosts (the local
    emulator). Surrounding whitespace is ignored; anything else doubtful raises ``ConfigError``.
    """
    value = (host or "").strip()
    if not value:
        raise ConfigError(f"the Xentral instance host is empty: set it, {_EXAMPLE}")
    if any(char.isspace() for char in value):
        raise ConfigError(f"the Xentral instance host {value!r} contains spaces: give only the host name, {_EXAMPLE}")
    parts = _split(value)
    hostname = _checked_hostname(value, parts)
    port = _checked_port(value, parts)
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError(
            f"the Xentral instance {value!r} uses http://: https is required for real hosts "
            "(plain http is allowed only for 127.0.0.1/localhost, the local emulator)"
        )
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}"


def _split(value: str) -> SplitResult:
    """Split into URL parts, defaulting the scheme to https and refusing paths, queries and fragments."""
    if "://" not in value:
        value_with_scheme = f"https://{value}"
    else:
        scheme = value.split("://", 1)[0].lower()
        if scheme not in _DEFAULT_PORTS:
            raise ConfigError(
                f"the Xentral instance {value!r} has an unknown scheme {scheme!r}: use https://, {_EXAMPLE}"
            )
        value_with_scheme = value
    parts = urlsplit(value_with_scheme)
    if parts.path not in ("", "/") or "?" in value or "#" in value:
        raise ConfigError(
            f"the Xentral instance {value!r} contains a path or query: give only the host, {_EXAMPLE} "
            "(the client adds /api/v1/... itself)"
        )
    if "@" in parts.netloc:
        raise ConfigError(f"the Xentral instance {value!r} contains user credentials: give only the host, {_EXAMPLE}")
    return parts


def _checked_hostname(value: str, parts: SplitResult) -> str:
    hostname = parts.hostname or ""
    if _is_ip_address(hostname) or hostname == "localhost":
        return hostname
    labels = hostname.split(".")
    if not hostname or not all(_HOST_LABEL.match(label) for label in labels):
        raise ConfigError(f"the Xentral instance {value!r} is not a valid host name: {_EXAMPLE}")
    if len(labels) == 1:
        raise ConfigError(
            f"the Xentral instance {value!r} is not a full host name: did you mean {hostname}.xentral.biz?"
        )
    return hostname


def _checked_port(value: str, parts: SplitResult) -> int | None:
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ConfigError(f"the Xentral instance {value!r} has an invalid port: use a number from 1 to 65535")
    return port


def _is_ip_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _is_loopback(hostname: str) -> bool:
    return hostname == "localhost" or (_is_ip_address(hostname) and ipaddress.ip_address(hostname).is_loopback)
