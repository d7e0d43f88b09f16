"""Small hand-written raw tables, with the columns and types the sync writes, for model tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pipelines.analytics.engine import wrap

TABLES: dict[str, dict[str, str]] = {
    "sales_orders": {
        "id": "varchar", "document_number": "varchar", "date": "date", "status": "varchar",
        "customer__id": "varchar", "customer__number": "varchar", "project__id": "varchar",
        "financials__currency": "varchar", "net_sales__amount": "decimal(38, 9)", "total__amount": "decimal(38, 9)",
        "external_order_number": "varchar", "created_at": "timestamptz", "updated_at": "timestamptz",
        "vanished_at": "timestamptz",
    },
    "sales_order_positions": {
        "id": "varchar", "sales_order_id": "varchar", "sort": "bigint", "quantity": "bigint",
        "price__amount": "decimal(38, 9)", "price__currency": "varchar",
        "net_revenue_total__amount": "decimal(38, 9)", "gross_revenue_total__amount": "decimal(38, 9)",
        "product__id": "varchar", "product__number": "varchar", "product__name": "varchar",
    },
    "customers": {
        "id": "varchar", "number": "varchar", "name": "varchar", "customer_type": "varchar",
        "contact_details__email": "varchar", "financials__default_currency": "varchar",
        "created_at": "timestamptz", "updated_at": "timestamptz", "vanished_at": "timestamptz",
    },
    "customer_addresses": {
        "id": "varchar", "customer_id": "varchar", "type": "varchar", "name": "varchar", "street": "varchar",
        "address_supplement": "varchar", "department": "varchar", "sub_department": "varchar", "zip": "varchar",
        "city": "varchar", "state": "varchar", "country": "varchar",
    },
    "products": {
        "id": "varchar", "number": "varchar", "name": "varchar", "sales_price_net__amount": "decimal(38, 9)",
        "sales_price_gross__amount": "decimal(38, 9)", "updated_at": "timestamptz", "vanished_at": "timestamptz",
    },
}

CREATED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@dataclass
class RawData:
    """Rows to load; orders get their totals from their positions (gross = net * 1.19, rounded)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {table: [] for table in TABLES})

    def customer(self, customer_id: str, name: str | None = None, vanished: bool = False) -> None:
        self.rows["customers"].append({
            "id": customer_id, "number": f"1{customer_id:0>4}", "name": name or f"Customer {customer_id}",
            "customer_type": "company", "created_at": CREATED, "updated_at": CREATED,
            "vanished_at": CREATED if vanished else None,
        })

    def product(self, product_id: str, name: str | None = None) -> None:
        self.rows["products"].append({
            "id": product_id, "number": f"AR-{product_id}", "name": name or f"Product {product_id}",
            "sales_price_net__amount": Decimal("10"), "sales_price_gross__amount": Decimal("11.9"),
            "updated_at": CREATED,
        })

    def order(self, order_id: str, customer_id: str, net: str | list[tuple[str, int, str]], *,
              day: date = date(2026, 1, 15), status: str = "created", currency: str = "EUR",
              vanished: bool = False, gross: str | None = None) -> None:
        """`net`: the order's net amount (one position of product "P1"), or positions (product, quantity, net)."""
        positions = [("P1", 1, net)] if isinstance(net, str) else net
        total = sum((Decimal(amount) for _, _, amount in positions), Decimal(0))
        created = datetime.combine(day, CREATED.timetz()) + timedelta(minutes=len(self.rows["sales_orders"]))
        self.rows["sales_orders"].append({
            "id": order_id, "document_number": f"2{order_id:0>5}", "date": day, "status": status,
            "customer__id": customer_id, "customer__number": f"1{customer_id:0>4}", "project__id": "1",
            "financials__currency": currency, "net_sales__amount": total,
            "total__amount": Decimal(gross) if gross else _gross(total),
            "created_at": created, "updated_at": created, "vanished_at": CREATED if vanished else None,
        })
        for sort, (product_id, quantity, amount) in enumerate(positions, start=1):
            self.rows["sales_order_positions"].append({
                "id": f"{order_id}-{sort}", "sales_order_id": order_id, "sort": sort, "quantity": quantity,
                "price__amount": Decimal(amount) / quantity, "price__currency": currency,
                "net_revenue_total__amount": Decimal(amount), "gross_revenue_total__amount": _gross(Decimal(amount)),
                "product__id": product_id, "product__number": f"AR-{product_id}", "product__name": f"Product {product_id}",
            })

    def load(self, connection: Any, tables: tuple[str, ...] = tuple(TABLES), dataset: str = "xentral") -> None:
        """Write the tables into the schema `dataset` of a DuckDB or PostgreSQL connection, named in full
        (the DuckDB file's catalog may be called like the schema)."""
        database = wrap(connection)
        schema = database.namespace(dataset, "analytics")
        database.execute(f"create schema if not exists {schema.qualified(dataset)}")
        for table in tables:
            database.execute(f"drop table if exists {schema.source(table)}")
            database.execute(f"create table {schema.source(table)} ("
                             + ", ".join(f'"{name}" {kind}' for name, kind in TABLES[table].items()) + ")")
        self.insert(connection, tables, dataset)

    def insert(self, connection: Any, tables: tuple[str, ...] = tuple(TABLES), dataset: str = "xentral") -> None:
        """Add the rows to tables `load` made, as a sync adds rows: no table is dropped."""
        database = wrap(connection)
        schema = database.namespace(dataset, "analytics")
        for table in tables:
            columns = list(TABLES[table])
            values = ", ".join(f"$p{index}" for index in range(len(columns)))
            for row in self.rows[table]:
                database.run(f"insert into {schema.source(table)} values ({values})",
                             {f"p{index}": row.get(name) for index, name in enumerate(columns)})


def _gross(net: Decimal) -> Decimal:
    return (net * Decimal("1.19")).quantize(Decimal("0.01"))
