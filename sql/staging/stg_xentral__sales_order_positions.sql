-- materialized: view
-- Amounts pass through DECIMAL(18, 9) on their way to DECIMAL(18, 2): rounding a 128-bit
-- decimal directly is ~30x slower in DuckDB. Amounts are limited to 999,999,999.99.
-- One row per order position, renamed and cast. Money as DECIMAL(18, 2).
select
    id                                                  as position_id,
    sales_order_id                                      as order_id,
    sort                                                as position_number,
    product__id                                         as product_id,
    product__number                                     as product_number,
    product__name                                       as product_name,
    cast(quantity as decimal(18, 4))                    as quantity,
    cast(cast(price__amount as decimal(18, 9)) as decimal(18, 2))               as unit_price,
    upper(price__currency)                              as currency,
    cast(cast(net_revenue_total__amount as decimal(18, 9)) as decimal(18, 2))   as net_amount,
    cast(cast(gross_revenue_total__amount as decimal(18, 9)) as decimal(18, 2)) as gross_amount
from xentral.sales_order_positions
