"""The `orders`, `products` and `customers` command groups: live reads through the one client.

Every command builds its client from the same config as the sync (`--instance` over
`XENTRAL_INSTANCE_HOST`, the token, the rate limit settings). Terminal output is tables and
fields; `--json` prints the API's `data` unchanged. An unknown value is one line and exit 1,
several matches list the candidates and exit 1; a refused token or missing scope exits 2.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.connect import client_for
from pipelines.api.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from pipelines.api.paging import Filter, Order
from pipelines.arguments import ORDER_STATUSES, comma_list, iso_date, positive_int
from pipelines.lookups import views
from pipelines.lookups.find import AmbiguousMatch, Kind, Row, fetch_rows, find_one, search
from pipelines.lookups.format import to_json
from pipelines.lookups.kinds import CUSTOMER_SCAN_ROWS, CUSTOMERS, PRODUCTS, SALES_ORDERS
from pipelines.settings import Settings, resolve_settings

EXIT_OK, EXIT_NOT_ONE = 0, 1
DEFAULT_LIMIT = 20
BY_CHOICES = ("any", "id", "number", "name")


def add_read_parsers(commands: Any) -> dict[str, Any]:
    """Register `orders`, `products` and `customers` with their reads; returns each group's
    sub-command holder by name, so `orders create` can join its group."""
    return {"orders": _orders_parser(commands), "products": _products_parser(commands),
            "customers": _customers_parser(commands)}


# ---- parsers -----------------------------------------------------------------------------


def _orders_parser(commands: Any) -> Any:
    group = commands.add_parser("orders", help="list, show and create sales orders live in Xentral")
    actions = group.add_subparsers(dest="orders_command", required=True)
    listing = _subcommand(actions, "list", "list sales orders, newest first", orders_list_command)
    listing.add_argument("--status", type=comma_list(ORDER_STATUSES, "status"),
                         help="comma-separated: " + ",".join(ORDER_STATUSES))
    listing.add_argument("--since", type=iso_date, metavar="DATE", help="order date on or after DATE (YYYY-MM-DD)")
    listing.add_argument("--customer", metavar="NUMBER", help="only this customer's orders (customer number)")
    _limit_argument(listing)
    show = _subcommand(
        actions, "show", "one sales order with positions, amounts and addresses", orders_show_command,
        "digits are tried as an id and as a document number (both matching different orders is "
        "ambiguous: use --by); then as an external order number",
    )
    show.add_argument("value", metavar="ID_OR_DOCUMENT_NUMBER")
    _by_argument(show)
    return actions


def _products_parser(commands: Any) -> Any:
    group = commands.add_parser("products", help="find and show products live in Xentral")
    actions = group.add_subparsers(dest="products_command", required=True)
    listing = _subcommand(
        actions, "list", "list products, or find them by name or number", products_list_command,
        "--search ranks: number equal to TEXT, name equal, number containing TEXT, name containing "
        "TEXT (each through the API's own filters; within a tier, values starting with TEXT first)",
    )
    listing.add_argument("--search", metavar="TEXT", help="name or number to look for")
    _limit_argument(listing)
    show = _subcommand(
        actions, "show", "one product with prices and stock", products_show_command,
        "the value is tried as id and number together (both matching different products is ambiguous: "
        "use --by), then as name, number containing it, name containing it; several matches list them",
    )
    show.add_argument("value", metavar="ID_OR_NUMBER")
    _by_argument(show)
    return actions


def _customers_parser(commands: Any) -> Any:
    group = commands.add_parser("customers", help="find and show customers live in Xentral")
    actions = group.add_subparsers(dest="customers_command", required=True)
    scan = f"substring of name, number or email among the first {CUSTOMER_SCAN_ROWS} customers"
    listing = _subcommand(
        actions, "list", "list customers, or find them by number, name or email", customers_list_command,
        "Xentral's customer list filters only on equal values, so --search ranks: number, name, "
        f"last name, email equal to TEXT (case-insensitive), then a {scan}",
    )
    listing.add_argument("--search", metavar="TEXT", help="number, name or email to look for")
    _limit_argument(listing)
    show = _subcommand(
        actions, "show", "one customer with contact details and addresses", customers_show_command,
        "the value is tried as id and number together (use --by when both match), then as name, last "
        f"name, email, and last as a {scan}; several matches list them",
    )
    show.add_argument("value", metavar="ID_OR_NUMBER")
    _by_argument(show)
    return actions


def _subcommand(
    actions: Any, name: str, summary: str, handler: Callable[[argparse.Namespace], int], details: str = ""
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=summary, description=f"{summary}. {details}".strip())
    add_connection_arguments(parser)
    parser.set_defaults(handler=handler)
    return parser


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """`--instance` and `--json`, shared by every lookup and by `orders create`."""
    parser.add_argument("--instance", help="Xentral host, e.g. mycompany.xentral.biz (or XENTRAL_INSTANCE_HOST)")
    parser.add_argument("--json", action="store_true", help="print the API's data unchanged, as JSON")


def _limit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=positive_int, default=DEFAULT_LIMIT, metavar="N",
                        help="show at most N rows (default: %(default)s)")


def _by_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", choices=BY_CHOICES, default="any",
                        help="look the value up only as this (default: any)")


# ---- handlers ----------------------------------------------------------------------------


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings (host, token, rate limit, DuckDB file, ledger) with this command's flags on top."""
    return resolve_settings({
        "instance_host": args.instance,
        "duckdb_path": getattr(args, "duckdb", None),
        "import_ledger_path": getattr(args, "ledger", None),
    })


def listing_candidates(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a `show` handler; when its value names several records, list them on stderr and exit 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AmbiguousMatch as error:
            print(f"error: {error}", file=sys.stderr)
            print(views.candidates(error.candidates), file=sys.stderr)
            return EXIT_NOT_ONE

    return run


def orders_list_command(args: argparse.Namespace) -> int:
    filters = []
    if args.status:
        filters.append(Filter("status", "in", args.status))
    if args.since:
        filters.append(Filter("orderDate", "greaterThanOrEquals", args.since.isoformat()))
    if args.customer:
        filters.append(Filter("customerNumber", "equals", args.customer.strip()))
    with connected(args, "listing sales orders", "read sales orders") as client:
        rows, more = fetch_rows(client, SALES_ORDERS.path, args.limit, filters, order=(Order("id", "desc"),))
    return _print_rows(args, rows, more, views.order_list)


@listing_candidates
def orders_show_command(args: argparse.Namespace) -> int:
    with connected(args, f"looking up sales order {args.value!r}", "read sales orders") as client:
        found = find_one(client, SALES_ORDERS, args.value, args.by)
        order = found.row if found.is_view else view_of(client, SALES_ORDERS, found.row)
    print(to_json(order) if args.json else views.order_detail(order))
    return EXIT_OK


def products_list_command(args: argparse.Namespace) -> int:
    return _list_or_search(args, PRODUCTS, views.product_list)


@listing_candidates
def products_show_command(args: argparse.Namespace) -> int:
    with connected(args, f"looking up product {args.value!r}", "read products") as client:
        listed = find_one(client, PRODUCTS, args.value, args.by).row
        product = view_of(client, PRODUCTS, listed)
    print(to_json(product) if args.json else views.product_detail(product, listed))
    return EXIT_OK


def customers_list_command(args: argparse.Namespace) -> int:
    return _list_or_search(args, CUSTOMERS, views.customer_list)


@listing_candidates
def customers_show_command(args: argparse.Namespace) -> int:
    with connected(args, f"looking up customer {args.value!r}", "read customers") as client:
        listed = find_one(client, CUSTOMERS, args.value, args.by).row
        customer = view_of(client, CUSTOMERS, listed)
        addresses = client.get_all_items(f"{CUSTOMERS.path}/{listed['id']}/addresses")
        if addresses is None:
            raise NotFoundError(
                f"customer {listed['id']} was listed but its addresses answered 404 (deleted meanwhile?)"
            )
    if args.json:
        print(to_json({"customer": customer, "addresses": addresses}))
    else:
        print(views.customer_detail(customer, addresses))
    return EXIT_OK


# ---- shared steps ------------------------------------------------------------------------


@contextmanager
def connected(args: argparse.Namespace, action: str, scope: str) -> Iterator[XentralClient]:
    """A client for `args.instance`; a 401/403 names the token in use (never its value) and the scope."""
    settings = settings_of(args)
    client = client_for(settings)
    try:
        yield client
    except AuthenticationError as error:
        raise AuthenticationError(f"{action}: {error} (token in use: {settings.token_source()})") from None
    except PermissionDeniedError as error:
        raise PermissionDeniedError(
            f"{action} needs a token scope to {scope}: {error} (token in use: {settings.token_source()})"
        ) from None


def view_of(client: XentralClient, kind: Kind, row: Row) -> Row:
    """The single-resource view of a row found in a list."""
    view = client.get_data(f"{kind.path}/{row['id']}")
    if not isinstance(view, dict):
        raise NotFoundError(f"{kind.noun} {row['id']} was listed but its view answered 404 (deleted meanwhile?)")
    return view


def _list_or_search(args: argparse.Namespace, kind: Kind, render: Callable[[Sequence[Row]], str]) -> int:
    """The first rows of a list, or with `--search` the ranked matches of the kind's search tiers."""
    with connected(args, f"listing {kind.plural}", f"read {kind.plural}") as client:
        if args.search:
            result = search(client, kind.search_tiers(args.search.strip()), args.limit)
            return _print_rows(args, result.rows, result.more, render, result.notes)
        rows, more = fetch_rows(client, kind.path, args.limit)
    return _print_rows(args, rows, more, render)


def _print_rows(
    args: argparse.Namespace, rows: Sequence[Row], more: bool, render: Callable[[Sequence[Row]], str],
    notes: Sequence[str] = (),
) -> int:
    print(to_json(list(rows)) if args.json else (render(rows) if rows else "(none)"))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if more:
        print(f"note: showing the first {len(rows)}; there may be more (raise --limit)", file=sys.stderr)
    return EXIT_OK
