-- One row per customer and currency they ordered in (one row with currency NULL for a
-- customer without orders). Canceled orders count in canceled_orders only, never in revenue.
-- Customers deleted in Xentral stay when they have orders, flagged by is_vanished.
with per_currency as (
    select
        customer_id,
        currency,
        cast(sum(orders) as bigint)                                     as orders,
        sum(net_revenue)                                                as net_revenue,
        sum(gross_revenue)                                              as gross_revenue,
        sum(sum(net_revenue)) over (partition by currency)              as currency_net_revenue,
        min(order_date) filter (where not is_canceled)                  as first_order_date,
        max(order_date) filter (where not is_canceled)                  as last_order_date,
        cast(sum(orders) filter (where status = 'created') as bigint)   as created_orders,
        cast(sum(orders) filter (where status = 'released') as bigint)  as released_orders,
        cast(sum(orders) filter (where status = 'completed') as bigint) as completed_orders,
        cast(sum(canceled_orders) as bigint)                            as canceled_orders,
        cast(sum(orders) filter (where status = 'unknown') as bigint)   as unknown_orders
    from {{ ref('orders_daily') }}
    group by customer_id, currency
),

customers as (
    select customer_id, customer_number, customer_name, customer_type, is_vanished
    from {{ ref('stg_xentral__customers') }}
),

-- Customers whose orders point nowhere (not synced) still get their revenue shown.
all_customers as (
    select customer_id, customer_number, customer_name, customer_type, is_vanished from customers
    union all
    select distinct per_currency.customer_id, null, null, null, false
    from per_currency
    where not exists (select 1 from customers where customers.customer_id = per_currency.customer_id)
)

select
    all_customers.customer_id,
    all_customers.customer_number,
    all_customers.customer_name,
    all_customers.customer_type,
    all_customers.is_vanished,
    per_currency.currency,
    coalesce(per_currency.orders, 0)                    as orders,
    cast(coalesce(per_currency.net_revenue, 0) as decimal(18, 2))   as net_revenue,
    cast(coalesce(per_currency.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
    {{ ratio('per_currency.net_revenue', 'per_currency.orders', 2) }} as average_order_value,
    per_currency.first_order_date,
    per_currency.last_order_date,
    current_date - per_currency.last_order_date         as days_since_last_order,
    {{ ratio('per_currency.net_revenue', 'per_currency.currency_net_revenue', 6) }} as revenue_share,
    case when per_currency.currency is not null then
        rank() over (partition by per_currency.currency order by per_currency.net_revenue desc)
    end                                                 as revenue_rank,
    coalesce(per_currency.created_orders, 0)            as created_orders,
    coalesce(per_currency.released_orders, 0)           as released_orders,
    coalesce(per_currency.completed_orders, 0)          as completed_orders,
    coalesce(per_currency.canceled_orders, 0)           as canceled_orders,
    coalesce(per_currency.unknown_orders, 0)            as unknown_orders
from all_customers
left join per_currency on per_currency.customer_id = all_customers.customer_id
where per_currency.customer_id is not null or not all_customers.is_vanished
