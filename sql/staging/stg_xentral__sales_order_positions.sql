-- materialized: view
-- One row per order position, renamed and cast. Money as DECIMAL(18, 2).
select
    id                                                  as position_id,
    sales_order_id                                      as order_id,
    sort                                                as position_number,
    product__id                                         as product_id,
    product__number                                     as product_number,
    product__name                                       as product_name,
    cast(quantity as decimal(18, 4))                    as quantity,
    {{ money('price__amount') }}                        as unit_price,
    upper(price__currency)                              as currency,
    {{ money('net_revenue_total__amount') }}            as net_amount,
    {{ money('gross_revenue_total__amount') }}          as gross_amount
from {{ source('sales_order_positions') }}
