"""`xentral-sync orders create`: one sales order from the command line, through the spreadsheet
import's path (`pipelines.order_import`: validation, reference resolution, the check for keys
Xentral already has, the import ledger, one POST at most). Nothing of that is
repeated here: this module only turns flags into a draft and the outcome into output.

The order's key (sent as `externalOrderNumber`) is what keeps it from being created twice.
Without `--external-number` it is derived from the order itself and today's date, so running
the same command again the same day (say after a timeout) finds the first order instead of
creating a second one.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pipelines.api.endpoints import SALES_ORDERS_PATH
from pipelines.api.errors import AuthenticationError, PermissionDeniedError
from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.exit_codes import ExitCode
from pipelines.lookups import views
from pipelines.lookups.commands import add_connection_arguments, connected, settings_of
from pipelines.lookups.format import to_json
from pipelines.order_import import (
    ImportDefaults,
    OrderDraft,
    OrderOutcome,
    Outcome,
    PositionDraft,
    Problem,
    Ref,
    import_orders,
)
from pipelines.order_import.command import add_ledger_arguments

IMPORT_SCOPE = "salesOrder:create"
KEY_PREFIX = "CLI"
FLAG_OF_COLUMN = {  # the import names problems by spreadsheet column; here they come from flags
    "order_key": "--external-number",
    "customer": "--customer",
    "product": "--item",
    "quantity": "--item",
    "unit_price": "--item",
    "currency": "default_currency",
    "project": "--project",
    "payment_method": "--payment-method",
    "shipping_method": "--shipping-method",
}


@dataclass(frozen=True)
class Item:
    """One `--item PRODUCT:QUANTITY[:UNIT_PRICE]` as typed, with what did not parse."""

    text: str
    product: str
    quantity: Decimal | None
    unit_price: Decimal | None
    problems: tuple[Problem, ...]


def add_create_parser(orders_actions: Any) -> None:
    """`orders create`, joining the `orders` group."""
    create = orders_actions.add_parser(
        "create",
        help="create one sales order (validated, never sent twice)",
        description="Create one sales order through the spreadsheet import's checks and ledger. Project, "
        "payment and shipping method default to default_project, default_payment_method and "
        "default_shipping_method under [sources.xentral]. Without --external-number the key is "
        "derived from the order and today's date: the same command run twice on a day creates one order.",
    )
    add_connection_arguments(create)
    create.add_argument("--customer", required=True, metavar="NUMBER_OR_ID", help="customer number (or id)")
    create.add_argument("--item", required=True, action="append", type=parse_item, dest="items",
                        metavar="PRODUCT:QUANTITY[:UNIT_PRICE]",
                        help="product number (or id), quantity and optionally a net unit price; repeatable")
    create.add_argument("--project", help="project name, key or id (default: default_project)")
    create.add_argument("--payment-method", help="payment method name, type or id (default: default_payment_method)")
    create.add_argument("--shipping-method",
                        help="shipping method name, type or id (default: default_shipping_method)")
    create.add_argument("--external-number", metavar="KEY", help="the order's key, sent as externalOrderNumber")
    create.add_argument("--dry-run", action="store_true", help="check and resolve everything, send nothing")
    create.add_argument("--auto-shipping", action="store_true",
                        help="let Xentral start fulfilment at once (default: the order is held)")
    add_ledger_arguments(create)
    create.set_defaults(handler=orders_create_command)


def parse_item(text: str) -> Item:
    """`AR-10002:2` or `AR-10002:2:19.90`; numbers that do not parse become problems of the draft,
    reported with the order like every other check."""
    parts = [part.strip() for part in text.split(":")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise argparse.ArgumentTypeError(f"{text!r} is not PRODUCT:QUANTITY or PRODUCT:QUANTITY:UNIT_PRICE")
    problems: list[Problem] = []
    quantity = _decimal(parts[1], "quantity", text, problems)
    unit_price = _decimal(parts[2], "unit_price", text, problems) if len(parts) == 3 else None
    return Item(text, parts[0], quantity, unit_price, tuple(problems))


def orders_create_command(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    ledger_path = settings.import_ledger_file
    draft = draft_from(args)
    with connected(args, "creating a sales order", f"create sales orders ({IMPORT_SCOPE})") as client:
        report = import_orders(
            [draft], client, ledger_path, defaults=ImportDefaults.from_settings(settings),
            dry_run=args.dry_run, auto_shipping=args.auto_shipping, source="orders create",
            old_ledger_in=settings.duckdb_path,
        )
        if isinstance(report.stopped_by, (AuthenticationError, PermissionDeniedError)):
            raise report.stopped_by  # a setup problem: exit 2 naming the token or scope
        outcome = report.outcomes[0]
        order = client.get_data(f"{SALES_ORDERS_PATH}/{outcome.xentral_id}") if outcome.xentral_id else None
    ledger = None if args.dry_run else ledger_path
    if args.json:
        print(to_json({**_outcome_json(outcome, order), "ledger": str(ledger) if ledger else None}))
    else:
        _print_outcome(outcome, order)
        if ledger:
            print(f"note: import ledger {ledger}", file=sys.stderr)
    done = outcome.outcome in (Outcome.CREATED, Outcome.SKIPPED, Outcome.WOULD_CREATE)
    return ExitCode.OK if done else ExitCode.FAILED


def draft_from(args: argparse.Namespace) -> OrderDraft:
    items: list[Item] = args.items
    key = (args.external_number or "").strip() or derived_key(args)
    return OrderDraft(
        key=key,
        customer=Ref(args.customer.strip()),
        positions=tuple(PositionDraft(Ref(item.product), item.quantity, item.unit_price) for item in items),
        project=args.project,
        payment_method=args.payment_method,
        shipping_method=args.shipping_method,
        problems=tuple(problem for item in items for problem in item.problems),
    )


def derived_key(args: argparse.Namespace) -> str:
    """`CLI-20261125-3f9a0c1b2d`: today (Europe/Berlin) and a digest of what the order is."""
    today = datetime.now(XENTRAL_TIMEZONE).date()
    content = "|".join([
        args.customer.strip().casefold(),
        *(f"{item.product.casefold()}:{item.quantity}:{item.unit_price}" for item in args.items),
        *((value or "").strip().casefold() for value in (args.project, args.payment_method, args.shipping_method)),
    ])
    digest = hashlib.sha256(content.encode()).hexdigest()[:10]
    return f"{KEY_PREFIX}-{today:%Y%m%d}-{digest}"


def _print_outcome(outcome: OrderOutcome, order: dict[str, Any] | None) -> None:
    if outcome.outcome is Outcome.CREATED:
        document = order.get("documentNumber") if order else "(not readable yet)"
        print(f"created sales order {document} (id {outcome.xentral_id or 'unknown'}) with key {outcome.key}")
    elif outcome.outcome is Outcome.SKIPPED:
        document = order.get("documentNumber") if order else "?"
        print(f"not sent: sales order {document} (id {outcome.xentral_id}) already has the key {outcome.key}")
    elif outcome.outcome is Outcome.WOULD_CREATE:
        print(f"dry run: the order with key {outcome.key} is valid and would be created; nothing was sent")
    else:
        print(f"error: the order with key {outcome.key} was {outcome.outcome.value}, nothing was created:",
              file=sys.stderr)
        for problem in outcome.problems:
            print(f"  {_problem_line(problem)}", file=sys.stderr)
    if order:
        print(views.order_detail(order))


def _problem_line(problem: Problem) -> str:
    where = FLAG_OF_COLUMN.get(problem.column, problem.column)
    value = f" {problem.value!r}" if problem.value else ""
    return f"{where}{value}: {problem.reason}"


def _outcome_json(outcome: OrderOutcome, order: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "key": outcome.key,
        "outcome": outcome.outcome.value,
        "id": outcome.xentral_id,
        "problems": [
            {"field": FLAG_OF_COLUMN.get(p.column, p.column), "value": p.value, "reason": p.reason}
            for p in outcome.problems
        ],
        "order": order,
    }


def _decimal(text: str, column: str, item: str, problems: list[Problem]) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.append(Problem(None, column, item, f"{text!r} is not a number"))
        return None
    return number
