"""What an imported order gets where its row (or the command line) leaves a field blank."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.settings import DEFAULTS, Settings


@dataclass(frozen=True)
class ImportDefaults:
    """What an imported order gets where its row (or command line) leaves a field blank.

    Project, payment and shipping method are names (``Onlineshop``, ``PayPal``) or ids, resolved
    through their list endpoints; None means the order must name one itself. ``discount_mode`` says
    how Xentral reads a position discount (unconfirmed): ``fraction`` sends 10 % as 0.1, ``percent`` as 10.
    """

    project: str | None = None
    payment_method: str | None = None
    shipping_method: str | None = None
    currency: str = DEFAULTS.default_currency
    discount_mode: str = DEFAULTS.discount_mode

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportDefaults:
        return cls(
            project=settings.default_project,
            payment_method=settings.default_payment_method,
            shipping_method=settings.default_shipping_method,
            currency=settings.default_currency,
            discount_mode=settings.discount_mode,
        )
