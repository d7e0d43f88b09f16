-- One row per order that still exists in Xentral, with its positions summed up and a value band.
with positions as (
    select
        order_id,
        count(*)        as position_count,
        sum(quantity)   as items_quantity,
        sum(net_amount) as positions_net_amount
    from analytics.stg_xentral__sales_order_positions
    group by order_id
)

select
    orders.order_id,
    orders.document_number,
    orders.order_date,
    orders.status,
    orders.status = 'canceled'                      as is_canceled,
    orders.customer_id,
    orders.currency,
    orders.net_amount,
    orders.gross_amount,
    orders.gross_amount - orders.net_amount         as tax_amount,
    coalesce(positions.position_count, 0)           as position_count,
    coalesce(positions.items_quantity, 0)           as items_quantity,
    coalesce(positions.positions_net_amount, 0)     as positions_net_amount,
    case
        when orders.net_amount < 100 then '1: under 100'
        when orders.net_amount < 500 then '2: 100 to 500'
        when orders.net_amount < 1000 then '3: 500 to 1,000'
        when orders.net_amount < 5000 then '4: 1,000 to 5,000'
        else '5: 5,000 and more'
    end                                             as value_band,
    orders.created_at,
    orders.updated_at
from analytics.stg_xentral__sales_orders as orders
left join positions on positions.order_id = orders.order_id
where not orders.is_vanished
