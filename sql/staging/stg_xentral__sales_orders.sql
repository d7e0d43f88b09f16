-- materialized: view
-- One row per sales order, renamed and cast; no business logic here.
-- Money as DECIMAL(18, 2) in the order's currency, timestamps as UTC wall-clock TIMESTAMP,
-- status trimmed and lower-cased ('unknown' when Xentral sent none).
select
    id                                                  as order_id,
    document_number,
    "date"                                              as order_date,
    coalesce(nullif(lower(trim(status)), ''), 'unknown') as status,
    customer__id                                        as customer_id,
    customer__number                                    as customer_number,
    project__id                                         as project_id,
    upper(financials__currency)                         as currency,
    {{ money('net_sales__amount') }}                    as net_amount,
    {{ money('total__amount') }}                        as gross_amount,
    external_order_number,
    created_at at time zone 'UTC'                       as created_at_utc,
    updated_at at time zone 'UTC'                       as updated_at_utc,
    vanished_at is not null                             as is_vanished
from {{ source('sales_orders') }}
