-- One row per customer, currency and calendar month (of the order date) with orders, with
-- the month's revenue and the customer's running total in that currency up to that month.
-- A month with canceled orders only has zero revenue and shows them in canceled_orders.
with monthly as (
    select
        customer_id,
        currency,
        order_month,
        cast(sum(orders) as bigint)             as orders,
        cast(sum(canceled_orders) as bigint)    as canceled_orders,
        sum(net_revenue)                        as net_revenue,
        sum(gross_revenue)                      as gross_revenue
    from {{ ref('orders_daily') }}
    group by customer_id, currency, order_month
)

select
    customer_id,
    currency,
    order_month,
    orders,
    canceled_orders,
    net_revenue,
    gross_revenue,
    sum(net_revenue) over (
        partition by customer_id, currency order by order_month rows between unbounded preceding and current row
    ) as running_net_revenue,
    sum(gross_revenue) over (
        partition by customer_id, currency order by order_month rows between unbounded preceding and current row
    ) as running_gross_revenue
from monthly
