"""Deterministic seeded data of a German merchant.

Reference data, customers and products are small and kept as records. Sales orders are
generated as numpy columns (one row per order, one row per position), so a million of
them fit in memory and start up fast; their JSON is rendered on demand (see render.py).
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from .clock import BERLIN, utc_offset

STATUSES = ("created", "released", "completed", "canceled", "unknown")
STATUS_WEIGHTS = (0.10, 0.22, 0.55, 0.12, 0.01)
CURRENCIES = ("EUR", "CHF", "GBP", "USD")
CURRENCY_WEIGHTS = (0.94, 0.03, 0.02, 0.01)
EUR_RATE = {"EUR": 1.0, "CHF": 0.94, "GBP": 0.85, "USD": 1.08}  # price of 1 EUR
POSITION_COUNT_WEIGHTS = (0.30, 0.22, 0.14, 0.10, 0.07, 0.05, 0.04, 0.03, 0.03, 0.02)
QUANTITIES = (1, 1, 1, 1, 2, 2, 3, 4, 5, 10)
DISCOUNTS_BP = (0, 0, 0, 0, 0, 0, 0, 500, 1000, 1500)  # basis points: 500 = 5 %
POSITION_ID_FACTOR = 1000  # position id = order id * 1000 + position number
SHIPPING_COST_ID = POSITION_ID_FACTOR - 1  # an order's shipping cost line: order id * 1000 + 999
SHIPPING_COST_NET_CENTS = 490  # the shipping cost product's net price in EUR
SHIPPING_COST_SHARE = 0.45  # of orders sent by a carrier (not picked up), those that carry shipping costs
PICKUP_SHIPPING_METHOD = 4  # selbstabholer: never shipping costs
DIRECT_DEBIT_PAYMENT_METHOD = 4  # lastschrift
KIT_SHARE = 0.12  # of orders with 3+ positions, those whose first position is a set with the next two as its parts

DATA_START = int(datetime(2024, 1, 1, tzinfo=BERLIN).timestamp())
DATA_END = int(datetime(2026, 10, 31, 23, 59, 59, tzinfo=BERLIN).timestamp())
FIRST_DOCUMENT_NUMBER = 200001

PROJECTS = (
    ("STANDARD", "Hauptprojekt", "Stammgeschäft"),
    ("SHOP", "Onlineshop", "Bestellungen aus dem Shopware-Shop"),
    ("AMAZON", "Amazon Marketplace", "Bestellungen über Amazon"),
    ("B2B", "Großhandel", "Händler und Wiederverkäufer"),
)
PAYMENT_METHODS = (
    ("rechnung", "Rechnung"), ("paypal", "PayPal"), ("vorkasse", "Vorkasse"),
    ("lastschrift", "Lastschrift"), ("kreditkarte", "Kreditkarte"), ("nachnahme", "Nachnahme"),
)
SHIPPING_METHODS = (
    ("dhl", "dhl", "DHL Paket"), ("dpd", "dpd", "DPD Classic"),
    ("glsapi", "gls", "GLS Business Parcel"), ("selbstabholer", "selbstabholer", "Abholung im Lager"),
)

FIRST_MALE = ("Jörg", "Jürgen", "Günter", "Björn", "Sören", "Klaus", "Thomas", "Matthias", "Lukas", "Stefan")
FIRST_FEMALE = ("Käthe", "Bärbel", "Anja", "Sabine", "Ulrike", "Jana", "Lena", "Hannah", "Sophie", "Brigitte")
LAST_NAMES = ("Müller", "Schröder", "Weiß", "Schäfer", "Krüger", "Böhm", "Günther", "Köhler", "Möller",
              "Jäger", "Hoffmann", "Schmidt", "Fischer", "Wagner", "Becker", "Schulz", "Groß", "Fuß")
COMPANY_FORMS = ("{} GmbH", "{} & Söhne KG", "{} Handels GmbH", "Bäckerei {}", "Gärtnerei {} e.K.",
                 "{} Möbelwerkstätten AG", "Brauerei {} GmbH & Co. KG", "Schreinerei {}")
STREETS = ("Hauptstraße", "Bahnhofstraße", "Schloßallee", "Am Mühlbach", "Königstraße", "Gartenweg",
           "Lindenstraße", "Marktplatz", "Äußere Sulzbacher Straße", "Große Bleichen")
CITIES = (  # zip, city, country, state (the subdivision part of its ISO 3166-2 code, as the spec's example)
    ("10115", "Berlin", "DE", "BE"), ("80331", "München", "DE", "BY"),
    ("50667", "Köln", "DE", "NW"), ("20095", "Hamburg", "DE", "HH"),
    ("60311", "Frankfurt am Main", "DE", "HE"), ("01067", "Dresden", "DE", "SN"),
    ("04109", "Leipzig", "DE", "SN"), ("90402", "Nürnberg", "DE", "BY"),
    ("70173", "Stuttgart", "DE", "BW"), ("28195", "Bremen", "DE", "HB"),
    ("8001", "Zürich", "CH", "ZH"), ("1010", "Wien", "AT", "9"),
)
ADDRESS_SUPPLEMENTS = (None, None, None, None, "Hinterhaus", "2. OG", "Tor 3", "c/o Hausverwaltung")
DELIVERY_DEPARTMENTS = ("Wareneingang", "Lager", "Versand", "Einkauf")
ADDRESS_ID_FACTOR = 100  # delivery address ids: customer id * 100 + number
MANY_ADDRESSES = (7, 20)  # customers 7, 27, 47, ... have more delivery addresses than one default page holds
PRODUCTS = (  # name, tax rate in %, net price range in euro
    ("Kaffeebecher Größe L", 19, (4, 15)), ("Küchenmesser Edelstahl", 19, (19, 89)),
    ("Bio-Apfelsaft 1 l", 7, (1, 4)), ("Müsli Früchte 750 g", 7, (3, 7)),
    ("Märchen der Brüder Grimm (Buch)", 7, (9, 29)), ("Wanderschuhe Größe 42", 19, (59, 189)),
    ("LED-Glühbirne 9 W", 19, (3, 12)), ("Gewürzmischung Süß-Scharf", 7, (2, 6)),
    ("Ledertasche Braun", 19, (39, 249)), ("Schneidebrett Buche", 19, (9, 39)),
    ("Honig aus der Lüneburger Heide 500 g", 7, (5, 11)), ("Wollsocken Größe 39–42", 19, (6, 18)),
    ("Gießkanne 10 l", 19, (12, 35)), ("Brötchentüte Papier 100 Stk.", 19, (2, 8)),
)
PRODUCT_VARIANTS = ("", " – Rot", " – Blau", " Premium", " XL", " Öko")
MANUFACTURERS = ("WMF", "Zwilling", "Hengstenberg", "Lowa", "Osram", "Fackelmann", "Gräfe und Unzer")
COMMENTS = ("", "", "", "", "Bitte vor 12 Uhr liefern.", "Geschenkverpackung gewünscht.",
            "Rückruf vor Lieferung.", "Lieferung an Nachbarn erlaubt.")
SHOP_PROJECTS = {2: "SW", 3: "AMZ"}  # project id -> external order number prefix


def transliterate(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    words = "".join(ch if ch.isalnum() else " " for ch in text.translate(table).lower()).split()
    return "-".join(words)


def projects(count: int) -> list[dict]:
    return [{"id": i + 1, "keyName": key, "name": name, "description": desc, "currency": "EUR",
             "normalTaxRate": 19.0, "reducedTaxRate": 7.0}
            for i, (key, name, desc) in enumerate(PROJECTS[:count])]


def payment_methods() -> list[dict]:
    return [{"id": i + 1, "type": key, "designation": name} for i, (key, name) in enumerate(PAYMENT_METHODS)]


def shipping_methods() -> list[dict]:
    return [{"id": i + 1, "module": module, "type": key, "designation": name}
            for i, (module, key, name) in enumerate(SHIPPING_METHODS)]


def _instant(rng: random.Random, start: int = DATA_START) -> int:
    return rng.randint(start, DATA_END)


def _address(rng: random.Random, address_id: str, kind: str, name: str, department: str | None = None) -> dict:
    """One address in the shape of the address list's items (see render.customer_address)."""
    zip_code, city, country, state = rng.choice(CITIES)
    sub_department = f"Rampe {rng.randint(1, 6)}" if department == "Wareneingang" else None
    return {"id": address_id, "type": kind, "name": name, "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "addressSupplement": rng.choice(ADDRESS_SUPPLEMENTS), "department": department,
            "subDepartment": sub_department, "zip": zip_code, "city": city, "country": country, "state": state}


def addresses(rng: random.Random, customer_id: int, name: str, is_company: bool) -> list[dict]:
    """The main address, for some companies a billing address, and 0 to 2 delivery addresses
    (11 to 14 for every MANY_ADDRESSES customer)."""
    found = [_address(rng, "masterdata", "masterdata", name)]
    if is_company and rng.random() < 0.4:
        found.append(_address(rng, "billingaddress", "billingaddress", name, "Buchhaltung"))
    count = rng.choices((0, 1, 2), weights=(5, 4, 2))[0]
    if customer_id % MANY_ADDRESSES[1] == MANY_ADDRESSES[0]:
        count = rng.randint(11, 14)
    for number in range(1, count + 1):
        department = rng.choice(DELIVERY_DEPARTMENTS) if is_company else None
        label = f"{name}, Lager {number}" if is_company and number > 1 else name
        found.append(_address(rng, str(customer_id * ADDRESS_ID_FACTOR + number), "deliveryaddress", label, department))
    return found


def customer(rng: random.Random, customer_id: int, project_count: int) -> dict:
    """One customer record with its addresses (the main address first)."""
    is_company = rng.random() < 0.45
    female = rng.random() < 0.5
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    last = rng.choice(LAST_NAMES)
    name = rng.choice(COMPANY_FORMS).format(last) if is_company else f"{first} {last}"
    local = "info" if is_company else f"{transliterate(first)}.{transliterate(last)}"
    email = f"{local}@{transliterate(name if is_company else last)}.example"
    created = _instant(rng)
    record = {
        "id": customer_id, "number": str(10000 + customer_id), "customerType": "company" if is_company else "person",
        "name": name, "firstname": "" if is_company else first, "lastname": "" if is_company else last,
        "salutation": "company" if is_company else ("mrs" if female else "mr"),
        "title": None if is_company or rng.random() < 0.9 else "Dr.",
        "contactPerson": f"{first} {last}" if is_company else None,
        "email": email, "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
        "website": f"https://www.{transliterate(name)}.example" if is_company else None,
        "projectId": rng.randint(1, project_count), "isLead": rng.random() < 0.05,
        "paymentMethodId": rng.randint(1, len(PAYMENT_METHODS)),
        "shippingMethodId": rng.randint(1, len(SHIPPING_METHODS)),
        "vatId": f"DE{rng.randint(100000000, 999999999)}" if is_company else "",
        "createdAt": created, "updatedAt": rng.randint(created, DATA_END),
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }
    record["addresses"] = addresses(rng, customer_id, name, is_company)
    return record


def customers(seed: int, count: int, project_count: int) -> list[dict]:
    rng = random.Random(f"{seed}:customers")
    return [customer(rng, i + 1, project_count) for i in range(count)]


def product(rng: random.Random, product_id: int, project_count: int) -> dict:
    base, rate, (low, high) = PRODUCTS[(product_id - 1) % len(PRODUCTS)]
    variant = PRODUCT_VARIANTS[((product_id - 1) // len(PRODUCTS)) % len(PRODUCT_VARIANTS)]
    net = rng.randint(low * 100, high * 100 - 1) // 10 * 10 + 9  # prices end in 9 cents
    stock = rng.choice((0, rng.randint(1, 40), rng.randint(40, 900)))
    return {
        "id": product_id, "number": f"AR-{10000 + product_id}", "name": base + variant,
        "description": f"{base}{variant} in bewährter Qualität.", "ean": f"40{rng.randint(10**10, 10**11 - 1)}",
        "projectId": rng.randint(1, project_count), "taxRate": rate,
        "salesTax": "standard" if rate == 19 else "reduced", "netCents": net,
        "grossCents": (net * (100 + rate) + 50) // 100, "purchaseNetCents": net * 55 // 100,
        "stock": stock, "reserved": min(stock, rng.randint(0, 5)), "inProduction": 0,
        "isStockItem": rng.random() < 0.9, "isDisabled": rng.random() < 0.05,
        "manufacturerName": rng.choice(MANUFACTURERS), "weight": round(rng.uniform(0.05, 3.0), 2),
        "updatedAt": _instant(rng), "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "isShippingCostsProduct": False,
    }


def as_shipping_cost_product(record: dict) -> dict:
    """The product orders charge shipping costs with (no stock, 19 % tax)."""
    net = SHIPPING_COST_NET_CENTS
    return {**record, "name": "Versandkosten Paket", "description": "Versandkosten für ein Paket.", "taxRate": 19,
            "salesTax": "standard", "netCents": net, "grossCents": (net * 119 + 50) // 100,
            "purchaseNetCents": net * 80 // 100, "stock": 0, "reserved": 0, "isStockItem": False,
            "isShippingCostsProduct": True}


def products(seed: int, count: int, project_count: int) -> list[dict]:
    """`count` products; with two or more, the last is the shipping cost product."""
    rng = random.Random(f"{seed}:products")
    records = [product(rng, i + 1, project_count) for i in range(count)]
    if count >= 2:
        records[-1] = as_shipping_cost_product(records[-1])
    return records


@dataclass
class SeededOrders:
    """Columns of the generated orders (row i is order ids[i]) and of their positions."""

    ids: np.ndarray
    created: np.ndarray
    updated: np.ndarray
    status: np.ndarray  # index into STATUSES
    customer: np.ndarray
    project: np.ndarray
    payment: np.ndarray
    shipping: np.ndarray
    currency: np.ndarray  # index into CURRENCIES
    document: np.ndarray
    day: np.ndarray  # ordinal of the Berlin order date
    net: np.ndarray  # cents, of the positions
    tax: np.ndarray  # cents, of the positions
    shipping_cost: np.ndarray  # cents, net, of the one shipping cost line; 0 for none
    pos_offsets: np.ndarray  # positions of row i: pos_offsets[i]:pos_offsets[i + 1] (narrow dtypes: memory)
    pos_product: np.ndarray
    pos_quantity: np.ndarray
    pos_price: np.ndarray  # cents, in the order currency
    pos_discount: np.ndarray  # basis points
    pos_tax_rate: np.ndarray  # percent
    pos_parent: np.ndarray  # position number of the set a position is part of, 0 for none
    shipping_product: int  # id of the shipping cost product, 0 for none

    def __post_init__(self) -> None:
        """Pack the per-order columns into one record array (the columns become views of it),
        so rendering reads a whole row as Python values in one call."""
        self.packed = np.rec.fromarrays([getattr(self, name).astype(np.int64) for name in ROW_FIELDS],
                                        names=ROW_FIELDS).view(np.ndarray)
        for name in ROW_FIELDS:
            setattr(self, name, self.packed[name])

    def row(self, index: int) -> tuple[int, ...]:
        """The values of ROW_FIELDS for one order, as Python ints."""
        return self.packed[index].item()


ROW_FIELDS = ("ids", "created", "updated", "status", "customer", "project", "payment", "shipping", "currency",
              "document", "day", "net", "tax", "shipping_cost")


def _ensure_each(rng: np.random.Generator, column: np.ndarray, values: range | list[int]) -> None:
    """Make every value appear at least once when there are rows enough (small instances too)."""
    if len(column) >= len(values):
        rows = rng.choice(len(column), size=len(values), replace=False)
        column[rows] = list(values)


def berlin_days(epochs: np.ndarray) -> np.ndarray:
    """Calendar-day ordinals in Berlin for epoch seconds (one zoneinfo look-up per distinct hour)."""
    if len(epochs) == 0:
        return np.zeros(0, dtype=np.int64)
    hours, index = np.unique(epochs // 3600, return_inverse=True)
    offsets = np.array([utc_offset(int(h) * 3600) for h in hours], dtype=np.int64)
    return (epochs + offsets[index]) // 86400 + date(1970, 1, 1).toordinal()


def net_cents(price: np.ndarray, quantity: np.ndarray, discount_bp: np.ndarray) -> np.ndarray:
    """Position net total in cents, rounded half up: price x quantity x (1 - discount)."""
    milli = np.rint(np.asarray(quantity, dtype=np.float64) * 1000).astype(np.int64)
    return (price.astype(np.int64) * milli * (10000 - discount_bp.astype(np.int64)) + 5_000_000) // 10_000_000


def tax_cents(net: np.ndarray, rate_percent: np.ndarray) -> np.ndarray:
    return (net * rate_percent.astype(np.int64) + 50) // 100


def orders(seed: int, count: int, customer_ids: np.ndarray, product_net: np.ndarray,
           product_tax: np.ndarray, project_count: int, shipping_product: int = 0) -> SeededOrders:
    """Orders over the products (the shipping cost product, if any, is the last and only charged
    as shipping costs); some with a set and its parts, some with shipping costs."""
    rng = np.random.default_rng([seed, 7])
    goods = len(product_net) - (1 if shipping_product else 0)
    n = count
    steps = np.where(rng.random(n) < 0.03, 2, 1)  # deleted records leave gaps in the ids
    ids = np.cumsum(steps).astype(np.int64)
    created = np.sort(rng.integers(DATA_START, DATA_END, n)).astype(np.int64)
    delay = np.where(rng.random(n) < 0.35, 0, rng.exponential(4 * 86400, n)).astype(np.int64)
    updated = np.minimum(created + delay, DATA_END)
    status = rng.choice(len(STATUSES), n, p=STATUS_WEIGHTS).astype(np.int64)
    _ensure_each(rng, status, range(len(STATUSES)))
    currency = rng.choice(len(CURRENCIES), n, p=CURRENCY_WEIGHTS).astype(np.int64)
    _ensure_each(rng, currency, range(len(CURRENCIES)))
    counts = rng.choice(np.arange(1, 11), n, p=POSITION_COUNT_WEIGHTS)
    _ensure_each(rng, counts, [1, 10])
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    total = int(offsets[-1])
    pos_product = rng.integers(0, goods, total)
    pos_quantity = rng.choice(QUANTITIES, total).astype(np.int64)
    pos_discount = rng.choice(DISCOUNTS_BP, total).astype(np.int64)
    customer = customer_ids[rng.integers(0, len(customer_ids), n)]
    project = rng.integers(1, project_count + 1, n)
    payment = rng.integers(1, len(PAYMENT_METHODS) + 1, n)
    shipping = rng.integers(1, len(SHIPPING_METHODS) + 1, n)
    starts = offsets[:-1]
    pos_parent = np.zeros(total, dtype=np.int8)
    kits = starts[(counts >= 3) & (rng.random(n) < KIT_SHARE)]
    pos_parent[kits + 1] = pos_parent[kits + 2] = 1
    charged = (shipping != PICKUP_SHIPPING_METHOD) & (rng.random(n) < SHIPPING_COST_SHARE) & bool(shipping_product)
    eur_rate = np.array([EUR_RATE[c] for c in CURRENCIES])
    owner = np.repeat(np.arange(n), counts)
    rate = eur_rate[currency[owner]]
    pos_price = np.where(pos_parent > 0, 0, np.rint(product_net[pos_product] * rate)).astype(np.int64)
    pos_tax_rate = product_tax[pos_product].astype(np.int64)
    pos_net = net_cents(pos_price, pos_quantity, pos_discount)
    pos_tax = tax_cents(pos_net, pos_tax_rate)
    return SeededOrders(
        ids=ids, created=created, updated=updated, status=status, customer=customer, project=project,
        payment=payment, shipping=shipping, currency=currency,
        document=FIRST_DOCUMENT_NUMBER + np.arange(n, dtype=np.int64), day=berlin_days(created),
        net=np.add.reduceat(pos_net, starts) if n else np.zeros(0, np.int64),
        tax=np.add.reduceat(pos_tax, starts) if n else np.zeros(0, np.int64),
        pos_offsets=offsets, pos_product=(pos_product + 1).astype(np.int32),
        pos_quantity=pos_quantity.astype(np.int16), pos_price=pos_price.astype(np.int32),
        pos_discount=pos_discount.astype(np.int16), pos_tax_rate=pos_tax_rate.astype(np.int8), pos_parent=pos_parent,
        shipping_cost=np.where(charged, np.rint(SHIPPING_COST_NET_CENTS * eur_rate[currency]), 0).astype(np.int64),
        shipping_product=shipping_product,
    )


def external_order_number(order_id: int, project_id: int) -> str:
    prefix = SHOP_PROJECTS.get(project_id)
    if prefix == "SW":
        return f"SW{100000 + order_id}"
    if prefix == "AMZ":
        return f"302-{order_id % 10**7:07d}-{order_id * 7919 % 10**7:07d}"
    return ""


def external_order_id(order_id: int, project_id: int) -> str:
    return str(700000 + order_id * 3) if project_id in SHOP_PROJECTS else ""


def transaction_number(order_id: int, payment_id: int) -> str:
    return f"PAYID-{order_id * 2654435761 % 2**32:08X}" if payment_id == 2 else ""


def customer_order_number(order_id: int, is_company: bool) -> str:
    return f"PO-{1000 + order_id % 9000}" if is_company and order_id % 3 == 0 else ""


def comment(order_id: int) -> str:
    return COMMENTS[order_id * 2654435761 % 2**32 % len(COMMENTS)]
