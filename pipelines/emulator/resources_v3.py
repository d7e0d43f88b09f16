"""What the v3 list endpoints accept, copied from the v3 spec (`documents-api-v3.json`): filter keys
with their operators, sort fields, includes and page sizes; and how each key reads our records."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .filtering import BOOL, DAY, INT, NUM, STR, TIME
from .shapes import order_flags
from .shapes_v3 import TRAFFIC_LIGHTS, OrderV3, main_address

EQUALITY = ("equals", "notEquals", "in", "notIn")
TEXT = (*EQUALITY, "contains", "notContains", "startsWith", "endsWith")
DATE = ("equals", "notEquals", "lessThan", "lessThanOrEquals", "greaterThan", "greaterThanOrEquals", "isNull",
        "isNotNull")
NUMBER = DATE[:6]
FLAG = ("equals", "notEquals")
INSTANTS = ("createdAt", "updatedAt")
ADDRESS_FILTER_FIELDS = ("name", "title", "contactPerson", "department", "subDepartment", "addressSupplement",
                         "street", "zipCode", "city", "state", "country", "gln", "email", "phone", "fax")


@dataclass(frozen=True)
class V3ListSpec:
    """One v3 list endpoint as its spec says."""

    operation: str
    keys: dict[str, tuple[str, tuple[str, ...]]]  # filter key -> (kind, its operators)
    sort_fields: tuple[str, ...]  # each also with a leading "-" for descending
    default_sort: tuple[tuple[str, bool], ...]
    includes: tuple[str, ...]
    max_per_page: int
    search_keys: tuple[str, ...] = ()  # what `search` looks in (contains); empty: no `search`

    @property
    def kinds(self) -> dict[str, str]:
        return {key: kind for key, (kind, _) in self.keys.items()}


def _keys(equality: str, text: str, dates: str, flags: str = "", numbers: str = "") -> dict[str, tuple[str, tuple]]:
    """Filter keys by the operator group the spec lists them with; the group gives the kind (ids and
    `*.id` keys compare as numbers, `createdAt`/`updatedAt` as instants, other dates as days)."""
    keys: dict[str, tuple[str, tuple]] = {}
    for key in equality.split():
        keys[key] = (INT if key == "id" or key.endswith(".id") else STR, EQUALITY)
    keys.update({key: (STR, TEXT) for key in text.split()})
    keys.update({key: (TIME if key in INSTANTS else DAY, DATE) for key in dates.split()})
    keys.update({key: (BOOL, FLAG) for key in flags.split()})
    keys.update({key: (NUM, NUMBER) for key in numbers.split()})
    return keys


def _address_keys(prefix: str) -> str:
    return " ".join(f"{prefix}.{field}" for field in ADDRESS_FILTER_FIELDS)


SALES_ORDERS_V3 = V3ListSpec(
    operation="GET::api-v3-salesorders",
    keys=_keys(
        equality="id address.id project.id tags.id language editor.id lineItems.product.id financials.paymentMethod.id "
                 "financials.tax.taxation trafficLights.production trafficLights.payment "
                 "trafficLights.stockAvailableOpenSupply trafficLights.stockAvailableFifo status sales.id "
                 "preferredWarehouse.id commissionConsignmentStorageLocation.id storageCountry createDocuments "
                 "shippingMethod.id",
        text="documentNumber tags bodyIntroduction bodyOutroduction project.abbreviation internalDesignation vatId "
             f"deliveryTerms internalComment lineItems.number {_address_keys('documentAddress')} totals.net.currency "
             f"costCenter customerNumber supplierNumber {_address_keys('deviatingDeliveryAddress')} "
             "externalOrderNumber customerOrderNumber transactionNumber externalOrderId masterReferenceNumber "
             "lineItems.externalNumber",
        dates="documentDate createdAt updatedAt desiredDeliveryDate earliestFulfillmentDate reservationDate "
              "directDebitDate",
        flags="writeProtection isDocumentSent financials.tax.disableTaxNotice trafficLights.stock trafficLights.vat "
              "trafficLights.cashOnDelivery trafficLights.autoShipping trafficLights.customerCheck "
              "trafficLights.dateOfDelivery trafficLights.creditLimit trafficLights.deliveryBlock "
              "trafficLights.addressValidation isSalesOrderToSupplier desiredDeliveryDateAsCalendarWeek "
              "useAlternativeDocumentTitle autoDispatch vatChecked manualPaymentApproval manualShippingCostApproval "
              "manualDeliveryBlockApproval fastLane disableCancellationEmail disableTrackingEmail disablePaymentEmail "
              "hasInvoice",
        numbers="financials.tax.taxRates.standard financials.tax.taxRates.reduced totals.net.amount "
                "financials.paymentTerms.paymentTargetDays financials.paymentTerms.paymentTargetDiscount "
                "financials.paymentTerms.paymentTargetDiscountDays totals.gross.amount"),
    sort_fields=("id", "documentNumber", "documentDate", "customerNumber", "documentAddress.country", "project.id",
                 "createdAt", "updatedAt"),
    default_sort=(("id", False),),
    includes=("lineItems", "project", "address", "lineItems.product", "lineItems.product.salesPrices",
              "lineItems.product.customFields", "tags", "activity", "customFields", "lineItems.customFields",
              "trafficLights", "relatedDocuments"),
    max_per_page=1000,
    search_keys=("id", "documentNumber", "documentDate", "documentAddress.name", "documentAddress.email",
                 "documentAddress.zipCode", "customerNumber", "internalDesignation", "customerOrderNumber",
                 "externalOrderNumber", "externalOrderId", "transactionNumber", "masterReferenceNumber",
                 "supplierNumber"),
)
SALES_ORDER_VIEW_INCLUDES = (*SALES_ORDERS_V3.includes[:11], "printDetails", "relatedDocuments")

CUSTOMERS_V3 = V3ListSpec(
    operation="GET::api-v3-customers",
    keys=_keys(equality="id salesManager.id accountManager.id groups tags.id",
               text="name number email street zipCode city state country tags", dates="createdAt updatedAt"),
    sort_fields=("id", "name", "number", "city", "zipCode", "country", "street", "state", "createdAt", "updatedAt"),
    default_sort=(("createdAt", True),),
    includes=("communication.additionalContactInformation", "financials.paymentMethod", "fulfillment.shippingMethod",
              "customFields", "customerRoles", "groups", "deliveryAddresses", "contactPersons", "tags"),
    max_per_page=100,
)


def _record(name: str) -> Callable[[OrderV3], Any]:
    return lambda order: order.record[name]


def _constant(value: Any) -> Callable[[OrderV3], Any]:
    return lambda order: value


def _product_lines(name: str) -> Callable[[OrderV3], tuple]:
    return lambda order: tuple(line.item[name] for line in order.product_lines)


def _document_address(field: str) -> Callable[[OrderV3], Any]:
    return lambda order: order.document_address.get(field)


def _deviating_ship_to(field: str) -> Callable[[OrderV3], Any]:
    return lambda order: (order.deviating_ship_to or {}).get(field)


def _traffic_light(check: str) -> Callable[[OrderV3], Any]:
    return lambda order: order_flags(order.record)[check]


# How each v3 filter and sort key reads an order, matching what its answer shows; keys the world
# has no data for (tags, sales, warehouses, ...) are missing here and null on every order.
ORDER_V3_VALUES: dict[str, Callable[[OrderV3], Any]] = {
    **{key: _record(key) for key in ("documentNumber", "createdAt", "updatedAt", "externalOrderNumber",
                                     "customerOrderNumber", "transactionNumber", "externalOrderId")},
    "id": _record("id"), "documentDate": _record("date"), "project.id": _record("projectId"),
    "financials.paymentMethod.id": _record("paymentMethodId"), "shippingMethod.id": _record("shippingMethodId"),
    "totals.net.currency": _record("currency"), "autoDispatch": _record("autoShipping"),
    "address.id": lambda order: order.address_id, "status": lambda order: order.status,
    "customerNumber": lambda order: order.customer["number"], "vatId": lambda order: order.customer["vatId"],
    "project.abbreviation": lambda order: order.project["keyName"] if order.project else None,
    "totals.net.amount": lambda order: order.totals[0] / 100,
    "totals.gross.amount": lambda order: order.totals[1] / 100,
    "lineItems.product.id": lambda order: tuple(int(line.item["product"]["id"]) for line in order.product_lines),
    "lineItems.number": _product_lines("number"), "lineItems.externalNumber": _product_lines("externalNumber"),
    **{f"documentAddress.{field}": _document_address(field) for field in ADDRESS_FILTER_FIELDS},
    **{f"deviatingDeliveryAddress.{field}": _deviating_ship_to(field) for field in ADDRESS_FILTER_FIELDS},
    **{f"trafficLights.{light}": _traffic_light(check) for light, check in TRAFFIC_LIGHTS.items()},
    "language": _constant("de"), "editor.id": _constant(1), "bodyIntroduction": _constant(""),
    "bodyOutroduction": _constant(""), "internalDesignation": _constant(""), "financials.tax.taxation":
        _constant("domestic"), "financials.tax.disableTaxNotice": _constant(False),
    "financials.tax.taxRates.standard": _constant(19.0), "financials.tax.taxRates.reduced": _constant(7.0),
    "financials.paymentTerms.paymentTargetDays": _constant(14),
    "financials.paymentTerms.paymentTargetDiscount": _constant(0.0),
    "financials.paymentTerms.paymentTargetDiscountDays": _constant(0),
    "desiredDeliveryDateAsCalendarWeek": _constant(False), "fastLane": _constant(False),
    "isSalesOrderToSupplier": _constant(False), "createDocuments": _constant("deliveryNoteAndInvoice"),
}

CUSTOMER_V3_VALUES: dict[str, Callable[[dict], Any]] = {
    **{key: (lambda k: lambda customer: customer[k])(key) for key in ("id", "name", "number", "email", "createdAt",
                                                                      "updatedAt")},
    **{key: (lambda k: lambda customer: main_address(customer).get(k))(key) for key in ("street", "city", "state",
                                                                                         "country")},
    "zipCode": lambda customer: main_address(customer)["zip"],
}
