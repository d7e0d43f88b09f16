-- Per currency, the customer summary adds up to the non-canceled orders of fct_orders.
with mart as (
    select currency, sum(orders) as orders, sum(net_revenue) as net, sum(gross_revenue) as gross,
           sum(canceled_orders) as canceled
    from {{ ref('customer_order_summary') }} where currency is not null group by currency
),
facts as (
    select currency, count(*) filter (where not is_canceled) as orders,
           coalesce(sum(net_amount) filter (where not is_canceled), 0) as net,
           coalesce(sum(gross_amount) filter (where not is_canceled), 0) as gross,
           count(*) filter (where is_canceled) as canceled
    from {{ ref('fct_orders') }} group by currency
)
select coalesce(facts.currency, mart.currency) as currency, facts.orders, mart.orders as mart_orders,
       facts.net, mart.net as mart_net, facts.canceled, mart.canceled as mart_canceled
from facts full outer join mart on mart.currency = facts.currency
where facts.orders is distinct from mart.orders or facts.net is distinct from mart.net
   or facts.gross is distinct from mart.gross or facts.canceled is distinct from mart.canceled
