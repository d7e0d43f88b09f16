-- One row per sales order, renamed and cast; no business logic here.
select
    id                                  as order_id,
    document_number,
    cast("date" as date)                as order_date,
    status,
    customer__id                        as customer_id,
    project__id                         as project_id,
    financials__currency                as currency,
    cast(net_sales__amount as decimal(18, 2)) as net_amount,
    cast(total__amount as decimal(18, 2))     as gross_amount,
    external_order_number,
    created_at,
    updated_at,
    vanished_at is not null             as is_vanished
from xentral.sales_orders
