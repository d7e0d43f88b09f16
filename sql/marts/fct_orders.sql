-- One row per order that still exists in Xentral (vanished orders are left out), with its
-- positions summed up, its value band and its place in the customer's order history.
-- Canceled orders stay, flagged; they get no order sequence number.
with positions as (
    select
        order_id,
        count(*)        as position_count,
        sum(quantity)   as items_quantity,
        sum(net_amount) as positions_net_amount
    from {{ ref('stg_xentral__sales_order_positions') }}
    group by order_id
),

orders as (
    select
        orders.*,
        orders.status = 'canceled' as is_canceled
    from {{ ref('stg_xentral__sales_orders') }} as orders
    where not orders.is_vanished
),

sequenced as (
    select
        order_id,
        row_number() over (
            partition by customer_id order by order_date, created_at_utc, order_id
        ) as customer_order_sequence
    from orders
    where not is_canceled
)

select
    orders.order_id,
    orders.document_number,
    orders.order_date,
    cast(date_trunc('month', orders.order_date) as date) as order_month,
    orders.status,
    orders.is_canceled,
    orders.customer_id,
    orders.customer_number,
    orders.currency,
    orders.net_amount,
    orders.gross_amount,
    orders.gross_amount - orders.net_amount             as tax_amount,
    coalesce(positions.position_count, 0)               as position_count,
    coalesce(positions.items_quantity, 0)               as items_quantity,
    coalesce(positions.positions_net_amount, 0)         as positions_net_amount,
    sequenced.customer_order_sequence,
    coalesce(sequenced.customer_order_sequence = 1, false) as is_first_order,
    bands.value_band_order,
    bands.value_band,
    orders.created_at_utc,
    orders.updated_at_utc
from orders
left join positions on positions.order_id = orders.order_id
left join sequenced on sequenced.order_id = orders.order_id
left join {{ ref('value_bands') }} as bands
    on (bands.lower_bound is null or orders.net_amount >= bands.lower_bound)
    and (bands.upper_bound is null or orders.net_amount < bands.upper_bound)
