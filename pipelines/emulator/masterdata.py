"""Products, customers and reference data (projects, payment and shipping methods): the records,
the look-ups rendering needs, and the changes the world offers."""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import data, shapes
from .addresses import checked_addresses
from .money import cents
from .records import RecordSet, canonical, record_id
from .seeded_orders import Catalog, Good

PRODUCT_FIELDS = {"name": "name", "number": "number", "description": "description", "ean": "ean",
                  "project_id": "projectId", "stock": "stock", "is_stock_item": "isStockItem",
                  "is_disabled": "isDisabled", "manufacturer_name": "manufacturerName", "tax_rate": "taxRate"}
CUSTOMER_FIELDS = {"name": "name", "email": "email", "firstname": "firstname", "lastname": "lastname",
                   "phone": "phone", "customer_type": "customerType", "project_id": "projectId",
                   "payment_method_id": "paymentMethodId", "shipping_method_id": "shippingMethodId",
                   "is_lead": "isLead", "contact_person": "contactPerson", "vat_id": "vatId",
                   "addresses": "addresses"}


class MasterData:
    """The seeded master data of an instance and their changes (stamped with `now()`, epoch seconds)."""

    def __init__(self, seed: int, customers: int, products: int, now: Callable[[], int]) -> None:
        self._seed = seed
        self._now = now
        project_records = data.projects(2 + seed % 3)
        self.projects = RecordSet(project_records)
        self.payment_methods = RecordSet(data.payment_methods())
        self.shipping_methods = RecordSet(data.shipping_methods())
        self.customers = RecordSet(data.customers(seed, customers, len(project_records)))
        self.products = RecordSet(data.products(seed, products, len(project_records)))

    def catalog(self) -> Catalog:
        """What seeded orders draw from."""
        products = self.products.records
        return Catalog(
            customers=tuple((c["id"], c["customerType"] == "company") for c in self.customers.records),
            goods=tuple(Good(p["id"], p["netCents"], p["taxRate"]) for p in products
                        if not p["isShippingCostsProduct"]),
            shipping_product=next((p["id"] for p in products if p["isShippingCostsProduct"]), 0),
            project_count=len(self.projects.records))

    # ---- look-ups ----------------------------------------------------------------------

    def customer(self, customer_id: str | int) -> dict:
        """A live customer; KeyError otherwise."""
        customer = self.customers.get(record_id(customer_id))
        if customer is None:
            raise KeyError(f"customer {customer_id} does not exist")
        return customer

    def product(self, product_id: str | int) -> dict:
        """A live product; KeyError otherwise."""
        product = self.products.get(record_id(product_id))
        if product is None:
            raise KeyError(f"product {product_id} does not exist")
        return product

    def customer_any(self, customer_id: int) -> dict:
        """A customer, deleted or not (orders keep naming deleted ones)."""
        return self.customers.get(customer_id, include_deleted=True)

    def product_any(self, product_id: int) -> dict:
        return self.products.get(product_id, include_deleted=True)

    def project_any(self, project_id: int) -> dict | None:
        return self.projects.get(project_id, include_deleted=True)

    def project_name(self, project_id: int) -> str:
        project = self.project_any(project_id)
        return project["name"] if project else ""

    def project_item(self, project: dict) -> dict:
        return shapes.project_item(project, self.payment_methods.records[0], self.shipping_methods.records[0])

    def product_item(self, product: dict) -> dict:
        return shapes.product_list_item(product, self.project_name(product["projectId"]))

    def product_view(self, product: dict) -> dict:
        return shapes.product_view(product, self.project_name(product["projectId"]))

    # ---- products ----------------------------------------------------------------------

    def create_product(self, **fields: Any) -> str:
        product_id = self.products.next_id()
        product = data.product(random.Random(f"{self._seed}:product:{product_id}"), product_id,
                               len(self.projects.records))
        product.update(self._product_fields(dict(fields)))
        return self._store_product(product)

    def update_product(self, product_id: str | int, **changes: Any) -> None:
        product = dict(self.product(product_id))
        product.update(self._product_fields(dict(changes)))
        self._store_product(product)

    def delete_product(self, product_id: str | int) -> None:
        self.products.delete(self.products.row_of(self.product(product_id)["id"]))

    @staticmethod
    def _product_fields(changes: dict[str, Any]) -> dict[str, Any]:
        price = changes.pop("sales_price_net", None)
        fields = canonical(changes, PRODUCT_FIELDS, "product")
        if price is not None:
            fields["netCents"] = cents(price)
        return fields

    def _store_product(self, product: dict) -> str:
        product["grossCents"] = (product["netCents"] * (100 + product["taxRate"]) + 50) // 100
        product["salesTax"] = "standard" if product["taxRate"] == 19 else ("reduced" if product["taxRate"] else "free")
        product["updatedAt"] = self._now()
        self.products.put(product)
        return str(product["id"])

    # ---- customers ---------------------------------------------------------------------

    def create_customer(self, **fields: Any) -> str:
        customer_id = self.customers.next_id()
        customer = data.customer(random.Random(f"{self._seed}:customer:{customer_id}"), customer_id,
                                 len(self.projects.records))
        self._change_customer(customer, fields)
        customer["createdAt"] = self._now()
        return self._store_customer(customer)

    def update_customer(self, customer_id: str | int, **changes: Any) -> None:
        customer = dict(self.customer(customer_id))
        self._change_customer(customer, changes)
        self._store_customer(customer)

    def delete_customer(self, customer_id: str | int) -> None:
        self.customers.delete(self.customers.row_of(self.customer(customer_id)["id"]))

    @staticmethod
    def _change_customer(customer: dict, changes: dict[str, Any]) -> None:
        """Apply checked changes; `addresses` replace the customer's (see addresses.checked_addresses)."""
        fields = canonical(changes, CUSTOMER_FIELDS, "customer")
        if "addresses" in fields:
            fields["addresses"] = checked_addresses(fields["addresses"],
                                                    {**customer, "name": fields.get("name", customer["name"])})
        customer.update(fields)

    def _store_customer(self, customer: dict) -> str:
        customer["updatedAt"] = self._now()
        self.customers.put(customer)
        return str(customer["id"])
