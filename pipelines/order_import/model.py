"""The shapes an import works with: drafts in, one outcome per order out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pipelines.api.errors import XentralError


class RefKind(StrEnum):
    """How a customer or product reference is read."""

    AUTO = "auto"  # a number (customer number, product number) if one matches, else an id
    NUMBER = "number"
    ID = "id"


@dataclass(frozen=True)
class Ref:
    """A customer or product as people write it: its number (``10001``, ``AR-10001``) or its id."""

    value: str
    kind: RefKind = RefKind.AUTO


@dataclass(frozen=True)
class Problem:
    """Why an order cannot be sent: the file row (None for a command-line order), column, value, reason."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column} {self.value!r}: {self.reason}"


@dataclass(frozen=True)
class Address:
    """A billing or shipping address; Xentral requires ``name`` and ``country`` (ISO 3166 alpha-2)."""

    name: str = ""
    street: str = ""
    zip_code: str = ""
    city: str = ""
    country: str = ""
    email: str = ""


@dataclass(frozen=True)
class PositionDraft:
    """One position: a product with its quantity, optionally its own unit price and a discount in percent.

    ``unit_price`` None: Xentral applies the product's price. ``discount`` is in percent (10 = 10 %);
    the import converts it to what the instance expects (``discount_mode``). ``row`` is the source row.
    """

    product: Ref
    quantity: Decimal | None
    unit_price: Decimal | None = None
    discount: Decimal | None = None
    row: int | None = None


@dataclass(frozen=True)
class OrderDraft:
    """One order before its references are resolved.

    ``key`` is sent as ``externalOrderNumber`` and is what makes the import never-twice: the same key
    is never created twice, so a command-line order needs a stable key too. ``project``,
    ``payment_method`` and ``shipping_method`` are names or ids; None takes the configured default.
    ``order_date`` None is today (Europe/Berlin), ``currency`` None the default currency.
    ``problems`` are those found while building the draft (a cell that is not a number): an order
    with any is rejected without being sent. ``rows`` are the source rows (empty from the command line).
    """

    key: str
    customer: Ref
    positions: tuple[PositionDraft, ...]
    order_date: date | None = None
    currency: str | None = None
    project: str | None = None
    payment_method: str | None = None
    shipping_method: str | None = None
    comment: str | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    rows: tuple[int, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def first_row(self) -> int | None:
        return self.rows[0] if self.rows else None


class Outcome(StrEnum):
    """What happened to one order."""

    CREATED = "created"
    WOULD_CREATE = "would be created"  # dry run
    SKIPPED = "skipped: already in Xentral"
    REJECTED = "rejected"  # invalid: by our checks or by Xentral's validation; not created
    FAILED = "failed"  # not created, or not known to be: run again to finish it


@dataclass(frozen=True)
class OrderOutcome:
    """One order's result: its key, outcome, Xentral id (created or found), source rows and problems."""

    key: str
    outcome: Outcome
    xentral_id: str | None = None
    rows: tuple[int, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def error(self) -> str:
        """All problems on one line, for the results file and the summary."""
        return "; ".join(str(problem) for problem in self.problems)


@dataclass
class ImportReport:
    """One outcome per order, in input order."""

    outcomes: list[OrderOutcome] = field(default_factory=list)
    dry_run: bool = False
    stopped_by: XentralError | None = None
    """The error that ended sending early (a refused token, a missing scope, an unreachable host);
    the orders it left unsent are FAILED and a rerun finishes them."""

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(outcome.outcome for outcome in self.outcomes)

    @property
    def ok(self) -> bool:
        """True when no order was rejected or failed."""
        counts = self.counts
        return not counts[Outcome.REJECTED] and not counts[Outcome.FAILED]
