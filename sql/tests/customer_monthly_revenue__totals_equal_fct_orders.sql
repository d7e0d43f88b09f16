-- Per customer and currency, the last running total is the customer's revenue in fct_orders.
with last_month as (
    select customer_id, currency, max(order_month) as order_month
    from {{ ref('customer_monthly_revenue') }} group by customer_id, currency
),
mart as (
    select monthly.customer_id, monthly.currency, monthly.running_net_revenue as net
    from {{ ref('customer_monthly_revenue') }} as monthly
    inner join last_month using (customer_id, currency, order_month)
),
facts as (
    select customer_id, currency, coalesce(sum(net_amount) filter (where not is_canceled), 0) as net
    from {{ ref('fct_orders') }} group by customer_id, currency
)
select coalesce(facts.customer_id, mart.customer_id) as customer_id,
       coalesce(facts.currency, mart.currency) as currency, facts.net, mart.net as mart_net
from facts full outer join mart on mart.customer_id = facts.customer_id and mart.currency = facts.currency
where facts.net is distinct from mart.net
