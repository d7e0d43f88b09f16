-- One row per order date, status, customer, currency and value band, with the orders and
-- revenue of that slice: the one place that says what counts. Canceled orders count in
-- canceled_orders only, never in orders or revenue. Every measure adds up, so the other order
-- marts and `xentral-sync report` sum these rows for any selection of dates and statuses.
select
    order_date,
    order_month,
    status,
    is_canceled,
    customer_id,
    currency,
    value_band_order,
    value_band,
    count(*) filter (where not is_canceled)                       as orders,
    count(*) filter (where is_canceled)                           as canceled_orders,
    cast(coalesce(sum(net_amount) filter (where not is_canceled), 0) as decimal(18, 2))   as net_revenue,
    cast(coalesce(sum(gross_amount) filter (where not is_canceled), 0) as decimal(18, 2)) as gross_revenue
from {{ ref('fct_orders') }}
group by order_date, order_month, status, is_canceled, customer_id, currency, value_band_order, value_band
