"""Per-endpoint rules copied from the official spec's enums, and how each filter key is
read from our records (the `extract` maps)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .filtering import BOOL, DAY, INT, NUM, STR, TIME
from .query import ListSpec
from .shapes import order_address, order_flags

Extract = Callable[[dict], Any]

WIDE_OPS = ("equals", "notEquals", "in", "notIn", "exactlyIn", "allIn", "allNotIn", "contains", "notContains",
            "startsWith", "endsWith", "greaterThan", "lessThan", "is", "lessThanOrEquals", "greaterThanOrEquals")

# ---- sales orders (v1) -----------------------------------------------------------------

ORDER_KINDS = {
    "orderDate": DAY, "status": STR, "documentNumber": STR, "transactionNumber": STR, "externalOrderNumber": STR,
    "customerOrderNumber": STR, "externalOrderId": STR, "customerId": INT, "customerNumber": STR, "email": STR,
    "zipCode": STR, "shippingEmail": STR, "shippingZip": STR, "isBeingEdited": BOOL, "subsequentDelivery": BOOL,
    "shippingDateOk": BOOL, "creditLimitOk": BOOL, "shippingLockOk": BOOL, "prepaidOk": BOOL, "postageOk": BOOL,
    "customerCheckOk": BOOL, "vatOk": BOOL, "stockOk": BOOL, "internalComment": STR, "shippingMethod": INT,
    "autoShipping": BOOL, "fastLane": BOOL, "gln": STR, "shippingGln": STR, "project": INT, "paymentMethod": INT,
    "country": STR, "phoneNumber": STR, "shippingCountry": STR, "desiredDeliveryDate": DAY,
    "earliestFulfillmentDate": DAY, "createdAt": TIME, "updatedAt": TIME,
}
SALES_ORDERS = ListSpec(
    operation="salesOrder.list", kinds=ORDER_KINDS,
    ops=("greaterThan", "lessThan", "greaterThanOrEquals", "lessThanOrEquals", "equals", "notEquals", "in", "notIn"),
    order_fields=("id", "documentNumber"),
)


OrderReader = Callable[[dict, dict], Any]  # (order record, its customer) -> value


def order_billing(record: dict, customer: dict) -> dict:
    return record["billingAddress"] or order_address(customer, "billing")


def order_shipping(record: dict, customer: dict) -> dict:
    return record["shippingAddress"] or order_address(customer, "shipping")


def _billing_field(name: str) -> OrderReader:
    return lambda record, customer: order_billing(record, customer).get(name)


def _shipping_field(name: str) -> OrderReader:
    return lambda record, customer: order_shipping(record, customer).get(name)


def _flag(name: str) -> OrderReader:
    return lambda record, customer: order_flags(record)[name]


def _field(name: str) -> OrderReader:
    return lambda record, customer: record[name]


# How each filter key (and the numeric document number that ordering uses) reads an order.
ORDER_VALUES: dict[str, OrderReader] = {
    **{key: _field(key) for key in ("status", "documentNumber", "transactionNumber", "externalOrderNumber",
                                    "customerOrderNumber", "externalOrderId", "customerId", "autoShipping",
                                    "createdAt", "updatedAt")},
    "orderDate": _field("date"), "shippingMethod": _field("shippingMethodId"), "project": _field("projectId"),
    "paymentMethod": _field("paymentMethodId"),
    "customerNumber": lambda record, customer: customer["number"],
    "email": _billing_field("email"), "zipCode": _billing_field("zipCode"), "country": _billing_field("country"),
    "phoneNumber": _billing_field("phoneNumber"), "gln": _billing_field("gln"),
    "shippingEmail": _shipping_field("email"), "shippingZip": _shipping_field("zipCode"),
    "shippingCountry": _shipping_field("country"), "shippingGln": _shipping_field("gln"),
    **{key: _flag(key) for key in ("isBeingEdited", "subsequentDelivery", "shippingDateOk", "creditLimitOk",
                                   "shippingLockOk", "prepaidOk", "postageOk", "customerCheckOk", "vatOk", "stockOk")},
    "fastLane": lambda record, customer: False,
    "documentNumberSort": lambda record, customer: int(record["documentNumber"]),
}
ORDER_SORT_KINDS = {**ORDER_KINDS, "id": INT, "documentNumberSort": INT}
SORT_COLUMNS = {"id": "id", "documentNumber": "documentNumberSort"}  # order field -> what it sorts by

# ---- products (v2) ---------------------------------------------------------------------

PRODUCT_KINDS = {
    "search": STR, "id": INT, "uuid": STR, "category": STR, "merchandiseGroup": STR, "standardSupplier": STR,
    "name": STR, "number": STR, "description": STR, "project": INT, "projectName": STR, "purchasePriceNet": NUM,
    "purchasePriceGross": NUM, "salesChannel": STR, "salesPriceNet": NUM, "salesPriceGross": NUM,
    "shopPriceDisplay": NUM, "purchasedCount": NUM, "availableCount": NUM, "inProductionCount": NUM, "ean": STR,
    "manufacturerName": STR, "manufacturerNumber": STR, "customsTariffNumber": STR,
    **{f"freeField{i}": STR for i in range(1, 41)},
    "onlyStockItems": BOOL, "noStockItems": BOOL, "onlyVariants": BOOL, "noVariants": BOOL, "onlyPartsList": BOOL,
    "noPartsList": BOOL, "onlyActive": BOOL, "onlyLocked": BOOL, "onlyInStock": BOOL, "updatedAt": TIME,
    "isStockItem": BOOL, "categoryId": INT, "tagId": INT, "isDiscountProduct": BOOL, "isShippingCostsProduct": BOOL,
    "isVariant": BOOL, "variantOf": INT, "externalReferenceNumber": STR, "externalReferenceName": STR,
    "externalReferenceTargetId": STR,
}
PRODUCTS = ListSpec(
    operation="product.listV2", kinds=PRODUCT_KINDS, ops=WIDE_OPS,
    order_fields=("id", "name", "number", "description", "project", "purchasePriceNet", "purchasePriceGross",
                  "salesPriceNet", "salesPriceGross", "ean", "manufacturerName", "manufacturerNumber",
                  "customsTariffNumber"),
)


def _available(p: dict) -> int:
    return p["stock"] - p["reserved"]


# Read from (product record, its project name); keys not listed here are null for every product.
PRODUCT_EXTRACT: dict[str, Callable[[dict, str], Any]] = {
    "search": lambda p, _: " ".join((p["name"], p["number"], p["description"], p["ean"])),
    "id": lambda p, _: p["id"], "uuid": lambda p, _: p["uuid"], "name": lambda p, _: p["name"],
    "number": lambda p, _: p["number"], "description": lambda p, _: p["description"],
    "project": lambda p, _: p["projectId"], "projectName": lambda p, name: name,
    "purchasePriceNet": lambda p, _: p["purchaseNetCents"] / 100,
    "purchasePriceGross": lambda p, _: (p["purchaseNetCents"] * (100 + p["taxRate"]) + 50) // 100 / 100,
    "salesPriceNet": lambda p, _: p["netCents"] / 100, "salesPriceGross": lambda p, _: p["grossCents"] / 100,
    "purchasedCount": lambda p, _: 0.0, "availableCount": lambda p, _: float(_available(p)),
    "inProductionCount": lambda p, _: float(p["inProduction"]), "ean": lambda p, _: p["ean"],
    "manufacturerName": lambda p, _: p["manufacturerName"],
    "onlyStockItems": lambda p, _: p["isStockItem"], "noStockItems": lambda p, _: not p["isStockItem"],
    "onlyVariants": lambda p, _: False, "noVariants": lambda p, _: True,
    "onlyPartsList": lambda p, _: False, "noPartsList": lambda p, _: True,
    "onlyActive": lambda p, _: not p["isDisabled"], "onlyLocked": lambda p, _: p["isDisabled"],
    "onlyInStock": lambda p, _: _available(p) > 0, "updatedAt": lambda p, _: p["updatedAt"],
    "isStockItem": lambda p, _: p["isStockItem"], "isDiscountProduct": lambda p, _: False,
    "isShippingCostsProduct": lambda p, _: p["isShippingCostsProduct"], "isVariant": lambda p, _: False,
}

# ---- customers (v2) --------------------------------------------------------------------

CUSTOMER_KINDS = {
    "id": INT, "uuid": STR, "number": STR, "customerType": STR, "name": STR, "deviatingCustomerNumber": STR,
    "firstname": STR, "lastname": STR, "title": STR, "salutation": STR, "birthdate": DAY, "department": STR,
    "subDepartment": STR, "projectId": INT, "phone": STR, "fax": STR, "email": STR, "website": STR,
    "salesManager": INT, "accountManager": INT, "isLead": BOOL, "contactPerson": STR, "street": STR, "zip": STR,
    "city": STR, "state": STR, "addressType": STR,
}
CUSTOMERS = ListSpec(
    operation="customer.list.v2", kinds=CUSTOMER_KINDS,
    ops=("equals", "notEquals", "lessThan", "greaterThan", "in", "notIn"), order_fields=("id",), cursor=True,
)


def _main_address(c: dict) -> dict:
    return next(a for a in c["addresses"] if a["type"] == "masterdata")


CUSTOMER_EXTRACT: dict[str, Extract] = {
    **{key: (lambda k: lambda c: c[k])(key) for key in (
        "id", "uuid", "number", "customerType", "name", "firstname", "lastname", "title", "salutation",
        "projectId", "phone", "email", "website", "isLead", "contactPerson")},
    "deviatingCustomerNumber": lambda c: "",
    "street": lambda c: _main_address(c)["street"], "zip": lambda c: _main_address(c)["zip"],
    "city": lambda c: _main_address(c)["city"], "state": lambda c: _main_address(c)["state"],
    "addressType": lambda c: c["salutation"],
}

ADDRESS_TYPES = ("masterdata", "billingaddress", "deliveryaddress")
CUSTOMER_ADDRESSES = ListSpec(
    operation="customer.address.list.v2", kinds={"type": STR}, ops=("equals", "notEquals", "in", "notIn"),
    choices={"type": ADDRESS_TYPES},
)

# ---- reference data (v1) ---------------------------------------------------------------

PROJECTS = ListSpec(
    operation="Project.list",
    kinds={"search": STR, "id": INT, "name": STR, "keyName": STR, "description": STR, "currency": STR,
           "normalTaxRate": NUM, "reducedTaxRate": NUM, "storageProcess": STR, "pickingProcess": STR},
    ops=WIDE_OPS,
    order_fields=("id", "name", "keyName", "description", "currency", "normalTaxRate", "reducedTaxRate",
                  "storageProcess", "pickingProcess"),
)
PAYMENT_METHODS = ListSpec(
    operation="paymentMethod.list", kinds={"search": STR, "id": INT, "type": STR, "project": INT},
    ops=("equals", "notEquals", "in", "notIn", "contains", "notContains", "startsWith", "endsWith", "greaterThan",
         "lessThan"),
    order_fields=("id", "type", "project"),
)
SHIPPING_METHODS = ListSpec(operation="shippingMethod.list")


def item_extract(kinds: dict[str, str], search_keys: tuple[str, ...]) -> dict[str, Extract]:
    """Extractors reading a rendered reference item (ids as int, nested {id} objects too)."""
    def read(key: str) -> Extract:
        def get(item: dict) -> Any:
            value = item.get(key)
            if isinstance(value, dict):
                value = value.get("id")
            return int(value) if kinds[key] == INT and value is not None else value
        return get
    extract = {key: read(key) for key in kinds if key != "search"}
    extract["search"] = lambda item: " ".join(str(item.get(k) or "") for k in search_keys)
    return extract


PROJECT_EXTRACT = item_extract(PROJECTS.kinds, ("name", "keyName", "description"))
PAYMENT_EXTRACT = item_extract(PAYMENT_METHODS.kinds, ("type", "designation"))

