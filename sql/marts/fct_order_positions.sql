-- materialized: view
-- One row per position of an order in fct_orders, carrying the order's date, status,
-- customer and currency so positions can be summed without joining back.
select
    positions.position_id,
    positions.order_id,
    positions.position_number,
    positions.product_id,
    positions.product_number,
    positions.product_name,
    positions.quantity,
    positions.unit_price,
    positions.net_amount,
    positions.gross_amount,
    orders.currency,
    orders.order_date,
    orders.status,
    orders.is_canceled,
    orders.customer_id
from {{ ref('stg_xentral__sales_order_positions') }} as positions
inner join {{ ref('fct_orders') }} as orders on orders.order_id = positions.order_id
