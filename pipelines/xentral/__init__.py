"""The Xentral dlt source: sales orders with positions, products, customers with addresses.

Use it like any verified source, with the host and token from `.dlt/` or `SOURCES__XENTRAL__*`::

    import dlt
    from pipelines.xentral import xentral_source

    pipeline = dlt.pipeline("xentral", destination="duckdb", dataset_name="xentral_raw")
    pipeline.run(xentral_source())

`xentral-sync sync` runs this same source, adding a `SyncRun` (budgets, loads in steps, progress).
Resources only declare tables, keys and write dispositions; what they list and fetch is in
`resources.py`, talking to Xentral in `pipelines.api`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.api.client import XentralClient
from pipelines.api.connect import xentral_client
from pipelines.settings import DEFAULTS, api_choice
from pipelines.xentral.known import KnownRows
from pipelines.xentral.resources import Window, customer_pages, product_pages, sales_order_pages
from pipelines.xentral.run import SyncRun
from pipelines.xentral.settings import (
    DATE_COLUMNS,
    DECLARED_COLUMNS,
    MONEY_COLUMNS,
    RESOURCE_NAMES,
    TIMESTAMP_COLUMNS,
)


@dlt.source(name="xentral", section="xentral")
def xentral_source(
    instance_host: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    resources: Sequence[str] = RESOURCE_NAMES,
    since: datetime | None = None,
    until: datetime | None = None,
    rate_limit: int = DEFAULTS.rate_limit,
    rate_window_seconds: float = DEFAULTS.rate_window_seconds,
    rate_headroom: float = DEFAULTS.rate_headroom,
    request_timeout: float = DEFAULTS.request_timeout,
    max_attempts: int = DEFAULTS.max_attempts,
    retry_backoff_seconds: float = DEFAULTS.retry_backoff_seconds,
    cursor_lag_seconds: int = DEFAULTS.cursor_lag_seconds,
    customer_refresh_days: int = DEFAULTS.customer_refresh_days,
    product_full_listing_days: int = DEFAULTS.product_full_listing_days,
    order_full_listing_days: int = DEFAULTS.order_full_listing_days,
    customer_full_listing_days: int = DEFAULTS.customer_full_listing_days,
    api: str = DEFAULTS.api,
    run: SyncRun | None = None,
) -> list[DltResource]:
    """The selected `resources`; positions and addresses come with their parents.

    `api` is `auto` (sales orders and customers through v3 where the instance has it), `v1` or `v3`.

    `since`/`until` backfill a window of `updatedAt` without moving the nightly cursor. `run` is
    the CLI's: without one, the source makes its own (no budget, one load) and reads what the
    destination holds from the pipeline that runs it.
    """
    run = run or SyncRun()
    client = run.client = xentral_client(
        instance_host,
        api_token,
        rate_limit=rate_limit,
        rate_window_seconds=rate_window_seconds,
        rate_headroom=rate_headroom,
        request_timeout=request_timeout,
        max_attempts=max_attempts,
        retry_backoff_seconds=retry_backoff_seconds,
        max_requests=run.max_requests,
        on_wait=run.on_wait,
    )
    window = Window(
        since=since,
        until=until,
        cursor_lag=timedelta(seconds=cursor_lag_seconds),
        customer_refresh_days=customer_refresh_days,
        product_full_listing_days=product_full_listing_days,
        order_full_listing_days=order_full_listing_days,
        customer_full_listing_days=customer_full_listing_days,
        api=api_choice(api),
    )

    @dlt.resource(name="sales_orders", primary_key="id", write_disposition="merge",
                  columns=DECLARED_COLUMNS["sales_orders"])
    def sales_orders() -> Iterator[Any]:
        yield from sales_order_pages(client, run, _known(run), window)

    @dlt.resource(name="products", primary_key="id", write_disposition="merge", columns=DECLARED_COLUMNS["products"])
    def products() -> Iterator[Any]:
        yield from product_pages(client, run, window)

    @dlt.resource(name="customers", primary_key="id", write_disposition="merge", columns=DECLARED_COLUMNS["customers"])
    def customers() -> Iterator[Any]:
        yield from customer_pages(client, run, _known(run), window)

    _prefer_types(dlt.current.source_schema())
    available = {"sales_orders": sales_orders, "products": products, "customers": customers}
    return [available[name] for name in resources]


def _known(run: SyncRun) -> KnownRows:
    """What the destination holds: as the run read it, else from the pipeline running the source."""
    if run.known is None:
        run.known = KnownRows.read(dlt.current.pipeline().sql_client)
    return run.known


def _prefer_types(schema: dlt.Schema) -> None:
    """Money as DECIMAL and Xentral's offset timestamps as TIMESTAMPTZ, wherever they appear."""
    schema.update_preferred_types(
        {MONEY_COLUMNS: "decimal", TIMESTAMP_COLUMNS: "timestamp", DATE_COLUMNS: "date"}  # type: ignore[dict-item]
    )


__all__ = ["KnownRows", "SyncRun", "XentralClient", "xentral_source"]
