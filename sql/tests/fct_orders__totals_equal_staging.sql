-- Per currency, fct_orders holds exactly the orders and amounts of the staged orders
-- that still exist in Xentral.
with staged as (
    select currency, count(*) as orders, sum(net_amount) as net, sum(gross_amount) as gross
    from {{ ref('stg_xentral__sales_orders') }} where not is_vanished group by currency
),
mart as (
    select currency, count(*) as orders, sum(net_amount) as net, sum(gross_amount) as gross
    from {{ ref('fct_orders') }} group by currency
)
select coalesce(staged.currency, mart.currency) as currency, staged.orders, mart.orders as mart_orders,
       staged.net, mart.net as mart_net, staged.gross, mart.gross as mart_gross
from staged full outer join mart on mart.currency = staged.currency
where staged.orders is distinct from mart.orders or staged.net is distinct from mart.net
   or staged.gross is distinct from mart.gross
