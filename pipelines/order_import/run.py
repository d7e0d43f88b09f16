"""One import run over drafts: validate ► resolve ► plan ► send, one outcome per order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from pipelines.order_import.ledger import Ledger, LedgerEntry, LedgerJournal, LedgerState
from pipelines.order_import.lookup import find_existing_orders
from pipelines.order_import.model import ImportReport, OrderDraft, OrderOutcome, Outcome, Problem
from pipelines.order_import.payload import import_payload
from pipelines.order_import.resolve import ResolvedOrder, resolve_orders
from pipelines.order_import.send import SendPolicy, send_order
from pipelines.order_import.validate import check_drafts
from pipelines.xentral.client import XentralClient
from pipelines.xentral.config import ImportDefaults
from pipelines.xentral.errors import XentralError

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
) -> ImportReport:
    """Create the drafts' orders in Xentral, each at most once; see the package docstring."""
    run = _Run(client, Ledger(ledger_path, source), defaults, dry_run, auto_shipping, on_outcome,
               policy or SendPolicy(), total=len(drafts))
    problems = check_drafts(drafts, defaults)
    resolved, unresolved = resolve_orders([d for d in drafts if d.key not in problems], client, defaults)
    problems.update(unresolved)
    rejected = {
        draft.key: OrderOutcome(draft.key, Outcome.REJECTED, None, draft.rows, tuple(problems[draft.key]))
        for draft in drafts
        if draft.key in problems
    }
    outcomes = run.settle_many(list(rejected.values()))
    outcomes.update(run.send_all(resolved))
    return ImportReport([outcomes[draft.key] for draft in drafts], dry_run, run.stopped_by)


class _Run:
    """The state of one run: where outcomes go and what is left to send."""

    def __init__(
        self,
        client: XentralClient,
        ledger: Ledger,
        defaults: ImportDefaults,
        dry_run: bool,
        auto_shipping: bool,
        on_outcome: OutcomeListener | None,
        policy: SendPolicy,
        total: int,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._defaults = defaults
        self._dry_run = dry_run
        self._auto_shipping = auto_shipping
        self._on_outcome = on_outcome
        self._policy = policy
        self._total = total
        self._settled = 0
        self.stopped_by: XentralError | None = None

    def send_all(self, orders: list[ResolvedOrder]) -> dict[str, OrderOutcome]:
        existing = find_existing_orders(self._client, [order.draft.key for order in orders])
        skipped = [
            OrderOutcome(order.draft.key, Outcome.SKIPPED, existing[order.draft.key.casefold()], order.draft.rows)
            for order in orders
            if order.draft.key.casefold() in existing
        ]
        to_send = [order for order in orders if order.draft.key.casefold() not in existing]
        if self._dry_run:
            skipped += [OrderOutcome(o.draft.key, Outcome.WOULD_CREATE, None, o.draft.rows) for o in to_send]
            return self.settle_many(skipped)
        outcomes = self.settle_many(skipped)
        self._ledger.record_many(LedgerEntry(o.draft.key, LedgerState.PLANNED, rows=o.draft.rows) for o in to_send)
        journal = LedgerJournal(self._ledger)
        announcements = [_sending(order) for order in to_send]
        position = 0
        try:
            for position, order in enumerate(to_send):
                journal.before_sending(announcements, position)
                outcome = self._send(order)
                journal.record([_entry(outcome)])
                outcomes.update(self._notify([outcome]))
        except XentralError as error:  # ends the run: this order and the rest are not sent
            log.info("stopping the import: %s", error)
            self.stopped_by = error
            failed = [_failed(left, f"not sent: {error}") for left in to_send[position:]]
            journal.record(_entry(outcome) for outcome in failed)
            outcomes.update(self._notify(failed))
        finally:
            journal.flush()
        return outcomes

    def _send(self, order: ResolvedOrder) -> OrderOutcome:
        draft = order.draft
        payload = import_payload(order, auto_shipping=self._auto_shipping, discount_mode=self._defaults.discount_mode)
        result = send_order(self._client, draft, payload, self._policy)
        return OrderOutcome(draft.key, result.outcome, result.xentral_id, draft.rows, result.problems)

    def settle_many(self, outcomes: list[OrderOutcome]) -> dict[str, OrderOutcome]:
        """Record outcomes of orders not sent in the ledger in one write (not in a dry run); tell the listener."""
        if not self._dry_run:
            self._ledger.record_many(_entry(outcome) for outcome in outcomes if outcome.outcome in _LEDGER_STATE)
        return self._notify(outcomes)

    def _notify(self, outcomes: list[OrderOutcome]) -> dict[str, OrderOutcome]:
        for outcome in outcomes:
            self._settled += 1
            if self._on_outcome is not None:
                self._on_outcome(outcome, self._settled, self._total)
        return {outcome.key: outcome for outcome in outcomes}


def _sending(order: ResolvedOrder) -> LedgerEntry:
    return LedgerEntry(order.draft.key, LedgerState.SENDING, rows=order.draft.rows)


def _failed(order: ResolvedOrder, reason: str) -> OrderOutcome:
    problem = Problem(order.draft.first_row, "order", "", reason)
    return OrderOutcome(order.draft.key, Outcome.FAILED, None, order.draft.rows, (problem,))


def _entry(outcome: OrderOutcome) -> LedgerEntry:
    return LedgerEntry(outcome.key, _LEDGER_STATE[outcome.outcome], outcome.xentral_id, outcome.rows,
                       outcome.error or None)
