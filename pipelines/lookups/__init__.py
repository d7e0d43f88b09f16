"""Live lookups and single orders from the command line: `orders`, `products`, `customers`.

Reads answer straight from the API through the one client (`pipelines.api.client`); nothing
needs syncing first. `orders create` sends one order through the spreadsheet import's path.
"""

from typing import Any

from pipelines.lookups.commands import add_read_parsers
from pipelines.lookups.create import add_create_parser


def add_lookup_parsers(commands: Any) -> None:
    """Register the `orders`, `products` and `customers` command groups."""
    groups = add_read_parsers(commands)
    add_create_parser(groups["orders"])


__all__ = ["add_lookup_parsers"]
