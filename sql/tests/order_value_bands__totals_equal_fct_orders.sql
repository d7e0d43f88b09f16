-- Per currency, the value bands add up to the orders of fct_orders.
with mart as (
    select currency, sum(orders) + sum(canceled_orders) as orders, sum(net_revenue) as net
    from {{ ref('order_value_bands') }} group by currency
),
facts as (
    select currency, count(*) as orders, coalesce(sum(net_amount) filter (where not is_canceled), 0) as net
    from {{ ref('fct_orders') }} group by currency
)
select coalesce(facts.currency, mart.currency) as currency, facts.orders, mart.orders as mart_orders,
       facts.net, mart.net as mart_net
from facts full outer join mart on mart.currency = facts.currency
where facts.orders is distinct from mart.orders or facts.net is distinct from mart.net
