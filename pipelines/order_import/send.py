"""Sending one order at most once.

The import has no idempotency key, so the POST is never resent blindly: after an answer that
leaves the outcome open (timeout, dropped connection, 5xx) the key is looked up first, and the
order is sent again only when Xentral does not list it. A 409 (Xentral refusing a repeated
external order number) is looked up too: the order exists, so it is skipped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.errors import (
    ConflictError,
    ImportOutcomeUnknown,
    ValidationFailedError,
    field_messages,
)
from pipelines.order_import.existing import find_existing_orders
from pipelines.order_import.fields import problem_at
from pipelines.order_import.model import OrderDraft, Outcome, Problem

log = logging.getLogger("pipelines.order_import.send")

@dataclass(frozen=True)
class SendPolicy:
    """How often an order whose outcome stayed open is tried, and how long Xentral is given to
    finish a request we stopped waiting for before its key is looked up."""

    max_attempts: int = 3
    recheck_delay_seconds: float = 5.0


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    xentral_id: str | None = None
    problems: tuple[Problem, ...] = ()


def send_order(
    client: XentralClient,
    draft: OrderDraft,
    payload: dict[str, Any],
    policy: SendPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """POST the order; look the key up before any second attempt. Raises only errors that end the run
    (authentication, permission, an unreachable host, an exhausted budget): the order was not created."""
    key, row = draft.key, draft.first_row
    last_failure = ""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            created = client.create_sales_order(payload)
        except ValidationFailedError as error:
            return SendResult(Outcome.REJECTED, problems=violation_problems(error, draft, payload))
        except ConflictError as error:
            return _after_conflict(client, key, row, str(error))
        except ImportOutcomeUnknown as error:
            last_failure = str(error)
            log.warning("order %s: %s (attempt %d of %d)", key, error, attempt, policy.max_attempts)
            sleep(policy.recheck_delay_seconds)
            existing = find_existing_orders(client, [key]).get(key.casefold())
            if existing is not None:
                log.info("order %s was created after all (id %s)", key, existing)
                return SendResult(Outcome.CREATED, existing)
            continue
        order_id = created.order_id or find_existing_orders(client, [key]).get(key.casefold())
        return SendResult(Outcome.CREATED, order_id)
    reason = f"no clear answer after {policy.max_attempts} attempts and Xentral does not list it: {last_failure}"
    return SendResult(Outcome.FAILED, problems=(Problem(row, "order_key", key, reason),))


def _after_conflict(client: XentralClient, key: str, row: int | None, message: str) -> SendResult:
    existing = find_existing_orders(client, [key]).get(key.casefold())
    if existing is not None:
        return SendResult(Outcome.SKIPPED, existing)
    return SendResult(Outcome.REJECTED, problems=(Problem(row, "order_key", key, message),))


def violation_problems(error: ValidationFailedError, draft: OrderDraft, payload: dict[str, Any]) -> tuple[Problem, ...]:
    """Xentral's violations, one problem each, at the row and column the bad field came from."""
    problems = [
        problem_at(path, f"Xentral: {message}", draft, payload) for path, message in field_messages(error.problem)
    ]
    return tuple(problems) or (Problem(draft.first_row, "order", "", f"Xentral rejected it: {error}"),)
