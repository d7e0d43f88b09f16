"""The Xentral dlt source: sales orders with positions, products, customers with addresses.

Resources only declare tables, keys and write dispositions; what to list and fetch is in
`extract.py`, talking to Xentral is in `client.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.api.client import XentralClient
from pipelines.xentral.control import SyncRun
from pipelines.xentral.extract import Cadence, SyncOptions, customer_pages, product_pages, sales_order_pages
from pipelines.xentral.loaded import LoadedRows
from pipelines.xentral.settings import (
    DATE_COLUMNS,
    MONEY_COLUMNS,
    RESOURCE_NAMES,
    TIMESTAMP_COLUMNS,
)

_VANISHED = {"vanished_at": {"data_type": "timestamp", "nullable": True}}
"""Set after a complete listing no longer shows the row; cleared when it shows again."""


@dlt.source(name="xentral")
def xentral_source(
    client: XentralClient,
    run: SyncRun,
    loaded: LoadedRows,
    options: SyncOptions = SyncOptions(),
    cadence: Cadence = Cadence(),
    resources: Sequence[str] = RESOURCE_NAMES,
) -> list[DltResource]:
    """Resources for the selected `resources`; positions and addresses come with their parents."""

    @dlt.resource(name="sales_orders", primary_key="id", write_disposition="merge", columns=_VANISHED)
    def sales_orders() -> Iterator[Any]:
        yield from sales_order_pages(client, run, loaded, dlt.current.resource_state(), options, cadence)

    @dlt.resource(name="products", primary_key="id", write_disposition="merge", columns=_VANISHED)
    def products() -> Iterator[Any]:
        yield from product_pages(client, run, dlt.current.resource_state(), options, cadence)

    @dlt.resource(name="customers", primary_key="id", write_disposition="merge", columns=_VANISHED)
    def customers() -> Iterator[Any]:
        yield from customer_pages(client, run, loaded, dlt.current.resource_state(), options, cadence)

    _prefer_types(dlt.current.source_schema())
    available = {"sales_orders": sales_orders, "products": products, "customers": customers}
    return [available[name] for name in resources]


def _prefer_types(schema: dlt.Schema) -> None:
    """Money as DECIMAL and Xentral's offset timestamps as TIMESTAMPTZ, wherever they appear."""
    schema.update_preferred_types(
        {MONEY_COLUMNS: "decimal", TIMESTAMP_COLUMNS: "timestamp", DATE_COLUMNS: "date"}  # type: ignore[dict-item]
    )


__all__ = ["xentral_source", "Cadence", "SyncOptions", "SyncRun", "LoadedRows"]
