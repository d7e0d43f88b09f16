-- The rows of `xentral-sync report --by customer|value-band|month` and the totals per currency,
-- in one pass: the slices of orders_daily that the filter selects, added up per dimension
-- (`dimension`: customer, value-band, month or total) and currency, ranked by net revenue
-- within their currency. Amounts in different currencies are never added together.
-- Parameters: $statuses (a list of statuses, NULL for all), $since (first order date, or NULL).
-- `place` numbers the rows of a dimension and currency by net revenue, the smaller key first
-- on ties (where revenue_rank shares the rank): `--top N` keeps the rows with place <= N.
with selected as (
    select *
    from {{ ref('orders_daily') }}
    where ($statuses is null or status = any($statuses))
      and ($since is null or order_date >= $since)
),

grouped as (
    select
        case
            when grouping(customer_id) = 0 then 'customer'
            when grouping(value_band_order) = 0 then 'value-band'
            when grouping(order_month) = 0 then 'month'
            else 'total'
        end                                             as dimension,
        customer_id,
        value_band_order,
        value_band,
        order_month,
        currency,
        cast(sum(orders) as bigint)                     as orders,
        cast(sum(canceled_orders) as bigint)            as canceled_orders,
        sum(net_revenue)                                as net_revenue,
        sum(gross_revenue)                              as gross_revenue,
        min(order_date) filter (where not is_canceled)  as first_order_date,
        max(order_date) filter (where not is_canceled)  as last_order_date
    from selected
    group by grouping sets (
        (customer_id, currency), (value_band_order, value_band, currency), (order_month, currency), (currency)
    )
),

per_currency as (
    select grouped.*, sum(net_revenue) over (partition by dimension, currency) as currency_net_revenue
    from grouped
),

ranked as (
    select
        per_currency.*,
        rank() over (partition by dimension, currency order by net_revenue desc) as revenue_rank,
        row_number() over (
            partition by dimension, currency order by net_revenue desc, customer_id, value_band_order, order_month
        )                                               as place,
        {{ ratio('net_revenue', 'orders', 2) }}         as average_order_value,
        {{ ratio('net_revenue', 'currency_net_revenue', 6) }} as revenue_share,
        case when dimension = 'month' then
            sum(net_revenue) over (
                partition by dimension, currency order by order_month rows between unbounded preceding and current row
            )
        end                                             as running_net_revenue
    from per_currency
)

select
    ranked.*,
    customers.customer_number,
    customers.customer_name
from ranked
left join {{ ref('stg_xentral__customers') }} as customers on customers.customer_id = ranked.customer_id
-- Customers by rank, value bands and months in their order (the keys of other dimensions are NULL).
order by
    dimension,
    currency,
    case when dimension = 'customer' then revenue_rank end,
    value_band_order,
    order_month,
    ranked.customer_id
