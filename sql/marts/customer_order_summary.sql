-- One row per customer: lifetime orders, first and last order, lifetime revenue, new or returning.
-- Canceled orders do not count. Revenue is summed per currency; the EUR columns are the headline.
with orders as (
    select * from analytics.fct_orders where not is_canceled
),

per_customer as (
    select
        customer_id,
        count(*)                                                    as lifetime_orders,
        min(order_date)                                             as first_order_date,
        max(order_date)                                             as last_order_date,
        sum(net_amount) filter (where currency = 'EUR')             as lifetime_net_revenue_eur,
        sum(gross_amount) filter (where currency = 'EUR')           as lifetime_gross_revenue_eur,
        count(*) filter (where currency <> 'EUR')                   as orders_in_other_currencies
    from orders
    group by customer_id
)

select
    customers.customer_id,
    customers.customer_number,
    customers.customer_name,
    customers.customer_type,
    coalesce(per_customer.lifetime_orders, 0)                       as lifetime_orders,
    per_customer.first_order_date,
    per_customer.last_order_date,
    coalesce(per_customer.lifetime_net_revenue_eur, 0)              as lifetime_net_revenue_eur,
    coalesce(per_customer.lifetime_gross_revenue_eur, 0)            as lifetime_gross_revenue_eur,
    coalesce(per_customer.orders_in_other_currencies, 0)            as orders_in_other_currencies,
    case
        when coalesce(per_customer.lifetime_orders, 0) = 0 then 'no orders'
        when per_customer.lifetime_orders = 1 then 'new'
        else 'returning'
    end                                                             as customer_status
from analytics.stg_xentral__customers as customers
left join per_customer on per_customer.customer_id = customers.customer_id
where not customers.is_vanished
