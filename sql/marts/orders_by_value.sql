-- Orders summarized by value band and currency: how many, how much, how large on average.
select
    value_band,
    currency,
    count(*)                        as orders,
    count(*) filter (where is_canceled) as canceled_orders,
    sum(net_amount)                 as net_revenue,
    sum(gross_amount)               as gross_revenue,
    round(avg(net_amount), 2)       as average_net_amount,
    round(avg(position_count), 2)   as average_positions
from analytics.fct_orders
group by value_band, currency
order by value_band, currency
