-- The rows of `xentral-sync report --by product`: the positions of the orders the filter
-- selects, added up per product and currency, ranked by net revenue within their currency.
-- Positions of canceled orders count in canceled_orders only, never in revenue.
-- Parameters and `place` as in orders.sql.
with grouped as (
    select
        product_id,
        currency,
        max(product_number)                                             as product_number,
        max(product_name)                                               as product_name,
        coalesce(sum(quantity) filter (where not is_canceled), 0)       as quantity,
        count(distinct order_id) filter (where not is_canceled)         as orders,
        count(distinct order_id) filter (where is_canceled)             as canceled_orders,
        count(distinct customer_id) filter (where not is_canceled)      as customers,
        coalesce(sum(net_amount) filter (where not is_canceled), 0)     as net_revenue,
        coalesce(sum(gross_amount) filter (where not is_canceled), 0)   as gross_revenue
    from {{ ref('fct_order_positions') }}
    where ($statuses is null or status = any($statuses))
      and ($since is null or order_date >= $since)
    group by product_id, currency
),

ranked as (
    select
        grouped.*,
        rank() over (partition by currency order by net_revenue desc)                   as revenue_rank,
        row_number() over (partition by currency order by net_revenue desc, product_id) as place,
        cast(net_revenue / nullif(orders, 0) as decimal(18, 2))                         as average_order_value,
        cast(net_revenue / nullif(sum(net_revenue) over (partition by currency), 0) as decimal(9, 6))
                                                                                        as revenue_share
    from grouped
)

select 'product' as dimension, *
from ranked
order by currency, revenue_rank, product_id
