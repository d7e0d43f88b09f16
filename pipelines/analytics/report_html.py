"""`xentral-sync report --format html`: one self-contained page with charts, per currency.

Charts are Vega-Lite specifications built with altair and rendered to SVG by vl-convert,
offline; each is embedded as a `data:` image, so the page holds no script and loads nothing
from anywhere: it opens offline and can be mailed. Its size depends on the months, bands and
top rows it shows, not on the number of orders. Every chart has its numbers in a table
beside it (exact decimals in `data-value`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import altair as alt
import jinja2
import vl_convert

from pipelines.analytics.report_output import open_output
from pipelines.analytics.report_page import CurrencySection, ReportPage

CHART_WIDTH = 640
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("pipelines.analytics", "templates"),
    autoescape=True, trim_blocks=True, lstrip_blocks=True)


def write_html_page(page: ReportPage, output: Path) -> None:
    """Write the page; an output that cannot be written is one line (exit 2)."""
    html = render_html_page(page)
    with open_output(output) as stream:
        stream.write(html)


def render_html_page(page: ReportPage) -> str:
    sections = [_section(section) for section in page.sections]
    return _TEMPLATES.get_template("report.html").render(
        page=page,
        filters=_filters(page),
        last_sync=page.last_sync.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if page.last_sync else None,
        written=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sections=sections,
        money=money,
    )


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _filters(page: ReportPage) -> str:
    statuses = page.filter.statuses
    parts = ["status " + ", ".join(statuses) if statuses else "every status"]
    if page.filter.since:
        parts.append(f"orders dated on or after {page.filter.since.isoformat()}")
    parts.append(f"top {page.top} customers and products per currency")
    return "; ".join(parts)


def _section(section: CurrencySection) -> dict[str, Any]:
    currency = section.currency
    return {
        "currency": currency,
        "totals": section.totals,
        "months": [{**row, "month": _month(row["order_month"])} for row in section.months],
        "customers": [{**row, "label": _customer_label(row)} for row in section.customers],
        "value_bands": section.value_bands,
        "products": [{**row, "label": _product_label(row)} for row in section.products],
        "charts": {
            "months": _image(_monthly_chart(section.months, currency)),
            "customers": _image(_ranking_chart(section.customers, _customer_label, currency, "Top customers")),
            "value_bands": _image(_value_band_chart(section.value_bands, currency)),
            "products": _image(_ranking_chart(section.products, _product_label, currency, "Top products")),
        },
    }


def _monthly_chart(months: list[dict[str, Any]], currency: str) -> alt.LayerChart:
    values = [{"month": _month(row["order_month"]), "net": float(row["net_revenue"]),
               "running": float(row["running_net_revenue"])} for row in months]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=-45)))
    bars = base.mark_bar(color="#4c78a8").encode(
        y=alt.Y("net:Q", title=f"Net revenue per month ({currency})", axis=alt.Axis(format=",.0f")))
    running = base.mark_line(color="#e45756", point=alt.OverlayMarkDef(color="#e45756")).encode(
        y=alt.Y("running:Q", title=f"Running total ({currency})",
                axis=alt.Axis(format=",.0f", titleColor="#e45756")))
    return alt.layer(bars, running).resolve_scale(y="independent").properties(
        width=CHART_WIDTH, height=260, title=f"Net revenue per month in {currency}, with its running total")


def _ranking_chart(
    rows: list[dict[str, Any]], label: Callable[[dict[str, Any]], str], currency: str, title: str
) -> alt.LayerChart:
    values = [{"label": label(row), "net": float(row["net_revenue"])} for row in rows]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", sort=[value["label"] for value in values], title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("net:Q", title=f"Net revenue ({currency})", axis=alt.Axis(format=",.0f")))
    bars = base.mark_bar(color="#4c78a8")
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("net:Q", format=",.2f"))
    return alt.layer(bars, text).properties(width=CHART_WIDTH - 200, height=max(22 * len(values), 40),
                                            title=f"{title} by net revenue in {currency}")


def _value_band_chart(bands: list[dict[str, Any]], currency: str) -> alt.LayerChart:
    values = [{"band": row["value_band"], "orders": int(row["orders"])} for row in bands]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("band:N", sort=[value["band"] for value in values], title=f"Order net value ({currency})",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("orders:Q", title="Orders", axis=alt.Axis(format=",d", tickMinStep=1)))
    bars = base.mark_bar(color="#72b7b2")
    text = base.mark_text(baseline="bottom", dy=-3).encode(text=alt.Text("orders:Q", format=","))
    return alt.layer(bars, text).properties(width=CHART_WIDTH - 200, height=220,
                                            title=f"Orders by value band in {currency}")


def _image(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG `data:` URI: self-contained, and its ids cannot clash with another chart's."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _customer_label(row: dict[str, Any]) -> str:
    return f"{row['customer_name'] or 'not synced'} ({row['customer_number'] or row['customer_id']})"


def _product_label(row: dict[str, Any]) -> str:
    return f"{row['product_name']} ({row['product_number'] or row['product_id']})"


def _month(value: date) -> str:
    return value.strftime("%Y-%m")
