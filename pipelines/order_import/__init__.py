"""Creating sales orders in Xentral from drafts, each at most once: spreadsheets and the command line.

The path, one module per step: ``read`` (a CSV or XLSX file into rows) ► ``parse`` (rows into
drafts) ► ``validate`` (checks that need no request) ► ``resolve`` (numbers and names to ids, batched)
► plan (which keys Xentral already has, batched with ``in``) ► ``send`` (one POST per order, never
resent blindly) ► ``results`` (the results file). ``ledger`` keeps each order's state in a SQLite
file of its own, which any number of imports share with each other and with a running sync.

For one order built elsewhere (``xentral-sync orders create``)::

    from decimal import Decimal
    from pipelines.api.connect import client_for
    from pipelines.order_import import ImportDefaults, OrderDraft, PositionDraft, Ref, import_orders
    from pipelines.settings import resolve_settings

    settings = resolve_settings()
    draft = OrderDraft(key="PHONE-2026-0042", customer=Ref("10001"),
                       positions=(PositionDraft(Ref("AR-10002"), Decimal("2")),))
    report = import_orders([draft], client_for(settings), settings.import_ledger_file,
                           defaults=ImportDefaults.from_settings(settings), dry_run=False, auto_shipping=False)
    outcome = report.outcomes[0]   # .key .outcome .xentral_id .rows .problems (.row .column .value .reason)

``client`` is the one ``XentralClient``; the ledger is the SQLite file at ``ledger_path`` (not opened
in a dry run). Optional keywords: ``source`` (recorded in the ledger, e.g. the file name),
``on_outcome(outcome, settled, total)`` for progress, ``policy`` (``SendPolicy``: attempts and the
wait before a look-up), ``old_ledger_in`` (a DuckDB file whose ledger of earlier versions is copied
in once). ``report.ok`` is False when any order was rejected or failed.

``import_orders`` raises only what ends a run before any order is sent (a ledger that cannot be
written, authentication, an unreachable host while resolving references); once sending has begun,
such errors turn the unsent orders into ``Outcome.FAILED`` with the reason, and a rerun finishes
them. ``unfinished_report`` builds the report of a run stopped by anything else (Ctrl-C).
"""

from pipelines.order_import.defaults import ImportDefaults
from pipelines.order_import.model import (
    Address,
    ImportReport,
    OrderDraft,
    OrderOutcome,
    Outcome,
    PositionDraft,
    Problem,
    Ref,
    RefKind,
)
from pipelines.order_import.run import OutcomeListener, import_orders, unfinished_report
from pipelines.order_import.send import SendPolicy

__all__ = [
    "Address",
    "ImportDefaults",
    "ImportReport",
    "OrderDraft",
    "OrderOutcome",
    "Outcome",
    "OutcomeListener",
    "PositionDraft",
    "Problem",
    "Ref",
    "RefKind",
    "SendPolicy",
    "import_orders",
    "unfinished_report",
]
