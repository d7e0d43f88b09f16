"""Exceptions raised when talking to Xentral.

Every message is one line meant for people: it names the request (``GET /api/v1/salesOrders?
page[number]=3&page[size]=50``), what went wrong and, where there is one, what to do. No message
ever contains the API token.
"""

from __future__ import annotations

from typing import Any

from pipelines.exit_codes import CommandError, ExitCode


class XentralError(CommandError):
    """Base class of every failure talking to Xentral or configuring the connection."""


class ConfigError(XentralError):
    """A setting (instance host, token, ...) is missing or invalid; raised before any request."""

    exit_code = ExitCode.CONFIG


class AuthenticationError(XentralError):
    """401: the token is missing, wrong or expired."""

    exit_code = ExitCode.CONFIG


class PermissionDeniedError(XentralError):
    """403: the token is valid but lacks the scope this request needs."""

    exit_code = ExitCode.CONFIG


class NotFoundError(XentralError):
    """404 for a resource that was expected to exist."""


class ProblemError(XentralError):
    """A 4xx answer carrying an RFC 9457 problem document (``application/problem+json``)."""

    def __init__(self, message: str, problem: dict[str, Any]) -> None:
        super().__init__(message)
        self.problem = problem


class ValidationFailedError(ProblemError):
    """400: Xentral rejected the request's content (a bad filter, an invalid import payload)."""

    @property
    def violations(self) -> Any:
        """The problem's ``violations`` (the payload mirrored with messages) or ``messages``."""
        return self.problem.get("violations", self.problem.get("messages"))


class ConflictError(ProblemError):
    """409, or a 400 whose problem type is a conflict: the request clashes with existing state."""


class NotXentralError(XentralError):
    """The host answers, but not like the Xentral API (HTML, another JSON shape, 404 on a known path)."""

    exit_code = ExitCode.CONFIG


class UnreachableError(XentralError):
    """No HTTP answer at all (DNS, connection refused, TLS), after the allowed attempts.

    Raised by the import too when the connection could not even be opened: then the order was
    certainly not created.
    """

    exit_code = ExitCode.CONFIG


class RetriesExhaustedError(XentralError):
    """A retryable failure (5xx, timeout, dropped or truncated answer) persisted through every attempt."""


class RequestBudgetExhausted(XentralError):
    """The configured ``max_requests`` were all sent; raised before sending another one."""


class ImportOutcomeUnknown(XentralError):
    """The import POST may have reached Xentral but no answer says whether the order was created.

    Never retried: resending could create the order twice. Check the orders list (filter on
    ``externalOrderNumber``) before sending again.
    """


def summarize_problem(problem: dict[str, Any]) -> str:
    """One line from a problem document: its title plus every field message, ``field.path: message``."""
    details = [f"{path}: {message}" if path else message for path, message in field_messages(problem)]
    title = str(problem.get("title") or "request rejected")
    return f"{title} ({'; '.join(details)})" if details else title


def field_messages(problem: dict[str, Any]) -> list[tuple[str, str]]:
    """Every message of a problem document with the payload path it points at (``positions.0.quantity``)."""
    messages = [*_flatten_messages(problem.get("violations")), *_flatten_messages(problem.get("messages"))]
    for item in problem.get("items") or []:
        if isinstance(item, dict):
            messages.extend(
                (f"item {item.get('id')}" + (f".{path}" if path else ""), text)
                for path, text in _flatten_messages(item.get("messages"))
            )
    return messages


def _flatten_messages(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Walk a violations tree (dicts and lists mirroring the payload) down to its message strings."""
    if isinstance(node, str):
        return [(prefix, node)]
    children: list[tuple[Any, Any]]
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        if all(isinstance(child, str) for child in node):
            return [(prefix, child) for child in node]
        children = list(enumerate(node))
    else:
        return []
    messages: list[tuple[str, str]] = []
    for key, child in children:
        messages.extend(_flatten_messages(child, f"{prefix}.{key}" if prefix else str(key)))
    return messages
