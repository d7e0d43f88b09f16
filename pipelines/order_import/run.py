"""One import run over drafts: validate ► resolve ► plan ► send, one outcome per order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.errors import XentralError
from pipelines.order_import.defaults import ImportDefaults
from pipelines.order_import.existing import find_existing_orders
from pipelines.order_import.ledger import KeyBusy, Ledger, LedgerEntry, LedgerError, LedgerState
from pipelines.order_import.model import ImportReport, OrderDraft, OrderOutcome, Outcome, Problem
from pipelines.order_import.old_ledger import copy_old_ledger
from pipelines.order_import.payload import import_payload
from pipelines.order_import.resolve import ResolvedOrder, resolve_orders
from pipelines.order_import.schema import body_problems
from pipelines.order_import.send import SendPolicy, send_order
from pipelines.order_import.validate import check_drafts

log = logging.getLogger("pipelines.order_import")

OutcomeListener = Callable[[OrderOutcome, int, int], None]
"""Called after each order is settled with its outcome, how many are settled and how many there are."""

_LEDGER_STATE = {
    Outcome.CREATED: LedgerState.CREATED,
    Outcome.SKIPPED: LedgerState.SKIPPED,
    Outcome.REJECTED: LedgerState.REJECTED,
    Outcome.FAILED: LedgerState.FAILED,
}


def import_orders(
    drafts: Sequence[OrderDraft],
    client: XentralClient,
    ledger_path: Path,
    *,
    defaults: ImportDefaults,
    dry_run: bool = False,
    auto_shipping: bool = False,
    source: str = "",
    on_outcome: OutcomeListener | None = None,
    policy: SendPolicy | None = None,
    old_ledger_in: Path | None = None,
) -> ImportReport:
    """Create the drafts' orders in Xentral, each at most once; see the package docstring."""
    with ExitStack() as resources:
        ledger = None
        if not dry_run:  # opened first: an unusable ledger stops the run before any request
            ledger = resources.enter_context(Ledger(ledger_path, source))
            if old_ledger_in is not None:
                copy_old_ledger(ledger, old_ledger_in)
        run = _Run(client, ledger, on_outcome, policy or SendPolicy(), total=len(drafts))
        problems = check_drafts(drafts, defaults)
        resolved, unresolved = resolve_orders([d for d in drafts if d.key not in problems], client, defaults)
        problems.update(unresolved)
        ready, refused = _bodies(resolved, auto_shipping, defaults.discount_mode)
        problems.update(refused)
        rejected = [
            OrderOutcome(draft.key, Outcome.REJECTED, None, draft.rows, tuple(problems[draft.key]))
            for draft in drafts
            if draft.key in problems
        ]
        outcomes = run.settle_many(rejected)
        outcomes.update(run.send_all(ready))
    return ImportReport([outcomes[draft.key] for draft in drafts], dry_run, run.stopped_by)


def unfinished_report(
    drafts: Sequence[OrderDraft], settled: Mapping[str, OrderOutcome], reason: str, dry_run: bool = False
) -> ImportReport:
    """The report of a run that stopped early: the orders it settled, and the rest as failed with ``reason``."""
    outcomes = [
        settled.get(draft.key)
        or OrderOutcome(draft.key, Outcome.FAILED, None, draft.rows,
                        (Problem(draft.first_row, "order", "", f"unfinished: {reason}; run again to finish it"),))
        for draft in drafts
    ]
    return ImportReport(outcomes, dry_run)


@dataclass(frozen=True)
class _Ready:
    """An order whose body passed the official request schema."""

    draft: OrderDraft
    body: dict[str, Any]


def _bodies(
    orders: Sequence[ResolvedOrder], auto_shipping: bool, discount_mode: str
) -> tuple[list[_Ready], dict[str, list[Problem]]]:
    """Each order's body; one the schema refuses is never sent: its problems, by key, instead."""
    ready: list[_Ready] = []
    refused: dict[str, list[Problem]] = {}
    for order in orders:
        body = import_payload(order, auto_shipping=auto_shipping, discount_mode=discount_mode)
        problems = body_problems(order.draft, body)
        if problems:
            refused[order.draft.key] = problems
        else:
            ready.append(_Ready(order.draft, body))
    return ready, refused


class _Run:
    """The state of one run: where outcomes go and what is left to send (``ledger`` None: a dry run)."""

    def __init__(
        self,
        client: XentralClient,
        ledger: Ledger | None,
        on_outcome: OutcomeListener | None,
        policy: SendPolicy,
        total: int,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._on_outcome = on_outcome
        self._policy = policy
        self._total = total
        self._settled = 0
        self.stopped_by: XentralError | None = None

    def send_all(self, orders: list[_Ready]) -> dict[str, OrderOutcome]:
        existing = find_existing_orders(self._client, [order.draft.key for order in orders])
        skipped = [
            OrderOutcome(order.draft.key, Outcome.SKIPPED, existing[order.draft.key.casefold()], order.draft.rows)
            for order in orders
            if order.draft.key.casefold() in existing
        ]
        to_send = [order for order in orders if order.draft.key.casefold() not in existing]
        if self._ledger is None:
            skipped += [OrderOutcome(o.draft.key, Outcome.WOULD_CREATE, None, o.draft.rows) for o in to_send]
            return self.settle_many(skipped)
        ledger = self._ledger
        outcomes = self.settle_many(skipped)
        ledger.note(LedgerEntry(o.draft.key, LedgerState.PLANNED, rows=o.draft.rows) for o in to_send)
        for position, order in enumerate(to_send):
            try:
                outcome = self._send_claimed(ledger, order)
            except XentralError as error:  # ends the run: this order and the rest are not sent
                self._stop(error)
                outcomes.update(self._settle_unsent(to_send[position:], error))
                break
            outcomes.update(self._notify([outcome]))
            if self.stopped_by is not None:
                outcomes.update(self._settle_unsent(to_send[position + 1 :], self.stopped_by))
                break
        return outcomes

    def _send_claimed(self, ledger: Ledger, order: _Ready) -> OrderOutcome:
        """Send the order while holding its key; one another run touched meanwhile is looked up first."""
        draft = order.draft
        try:
            with ledger.claim(draft.key) as claim:
                found = self._look_up(draft.key) if claim.foreign else None
                if found is not None:
                    outcome = OrderOutcome(draft.key, Outcome.SKIPPED, found, draft.rows)
                else:
                    ledger.record(LedgerEntry(draft.key, LedgerState.SENDING, rows=draft.rows))
                    outcome = self._send(order)
                self._record_result(ledger, outcome)
        except KeyBusy as busy:
            return _failed(order, str(busy))
        return outcome

    def _look_up(self, key: str) -> str | None:
        return find_existing_orders(self._client, [key]).get(key.casefold())

    def _record_result(self, ledger: Ledger, outcome: OrderOutcome) -> None:
        """The order's result; if the ledger fails now, the outcome stands (the order was sent) and the run stops."""
        try:
            ledger.record(_entry(outcome))
        except LedgerError as error:
            self._stop(error)

    def _send(self, order: _Ready) -> OrderOutcome:
        draft = order.draft
        result = send_order(self._client, draft, order.body, self._policy)
        return OrderOutcome(draft.key, result.outcome, result.xentral_id, draft.rows, result.problems)

    def _stop(self, error: XentralError) -> None:
        log.info("stopping the import: %s", error)
        self.stopped_by = error

    def _settle_unsent(self, orders: Sequence[_Ready], error: XentralError) -> dict[str, OrderOutcome]:
        failed = [_failed(order, f"not sent: {error}") for order in orders]
        try:
            return self.settle_many(failed)
        except LedgerError:  # the ledger is what stopped the run: the results file still has every order
            return self._notify(failed)

    def settle_many(self, outcomes: list[OrderOutcome]) -> dict[str, OrderOutcome]:
        """Record outcomes of orders not sent in the ledger in one write (not in a dry run); tell the listener."""
        if self._ledger is not None:
            self._ledger.note(_entry(outcome) for outcome in outcomes if outcome.outcome in _LEDGER_STATE)
        return self._notify(outcomes)

    def _notify(self, outcomes: list[OrderOutcome]) -> dict[str, OrderOutcome]:
        for outcome in outcomes:
            self._settled += 1
            if self._on_outcome is not None:
                self._on_outcome(outcome, self._settled, self._total)
        return {outcome.key: outcome for outcome in outcomes}


def _failed(order: _Ready, reason: str) -> OrderOutcome:
    problem = Problem(order.draft.first_row, "order", "", reason)
    return OrderOutcome(order.draft.key, Outcome.FAILED, None, order.draft.rows, (problem,))


def _entry(outcome: OrderOutcome) -> LedgerEntry:
    return LedgerEntry(outcome.key, _LEDGER_STATE[outcome.outcome], outcome.xentral_id, outcome.rows,
                       outcome.error or None)
