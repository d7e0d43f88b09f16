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
        cast(coalesce(sum(quantity) filter (where not is_canceled), 0) as decimal(18, 4)) as quantity,
        count(distinct order_id) filter (where not is_canceled)         as orders,
        count(distinct order_id) filter (where is_canceled)             as canceled_orders,
        count(distinct customer_id) filter (where not is_canceled)      as customers,
        cast(coalesce(sum(net_amount) filter (where not is_canceled), 0) as decimal(18, 2))   as net_revenue,
        cast(coalesce(sum(gross_amount) filter (where not is_canceled), 0) as decimal(18, 2)) as gross_revenue
    from {{ ref('fct_order_positions') }}
    where ($statuses is null or status = any($statuses))
      and ($since is null or order_date >= $since)
    group by product_id, currency
),

per_currency as (
    select grouped.*, sum(net_revenue) over (partition by currency) as currency_net_revenue
    from grouped
),

ranked as (
    select
        per_currency.*,
        rank() over (partition by currency order by net_revenue desc)                   as revenue_rank,
        row_number() over (partition by currency order by net_revenue desc, product_id) as place,
        {{ ratio('net_revenue', 'orders', 2) }}                                         as average_order_value,
        {{ ratio('net_revenue', 'currency_net_revenue', 6) }}                           as revenue_share
    from per_currency
)

select 'product' as dimension, *
from ranked
order by currency, revenue_rank, product_id
