-- Per currency, product sales add up to the positions of non-canceled orders.
with mart as (
    select currency, sum(quantity) as quantity, sum(net_revenue) as net
    from {{ ref('product_sales') }} where currency is not null group by currency
),
facts as (
    select currency, sum(quantity) as quantity, sum(net_amount) as net
    from {{ ref('fct_order_positions') }} where not is_canceled group by currency
)
select coalesce(facts.currency, mart.currency) as currency, facts.quantity, mart.quantity as mart_quantity,
       facts.net, mart.net as mart_net
from facts full outer join mart on mart.currency = facts.currency
where facts.quantity is distinct from mart.quantity or facts.net is distinct from mart.net
