-- One row per order position, renamed and cast.
select
    id                                              as position_id,
    sales_order_id                                  as order_id,
    sort                                            as position_number,
    product__id                                     as product_id,
    product__name                                   as product_name,
    cast(quantity as decimal(18, 4))                as quantity,
    cast(price__amount as decimal(18, 2))           as unit_price,
    price__currency                                 as currency,
    cast(net_revenue_total__amount as decimal(18, 2))   as net_amount,
    cast(gross_revenue_total__amount as decimal(18, 2)) as gross_amount
from xentral.sales_order_positions
