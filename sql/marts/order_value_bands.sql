-- One row per value band (see value_bands) and currency that has orders: every band is
-- listed, empty ones with zeros. Canceled orders count in canceled_orders only.
with currencies as (
    select distinct currency from {{ ref('orders_daily') }}
),

per_band as (
    select
        value_band_order,
        currency,
        cast(sum(orders) as bigint)             as orders,
        cast(sum(canceled_orders) as bigint)    as canceled_orders,
        sum(net_revenue)                        as net_revenue,
        sum(gross_revenue)                      as gross_revenue
    from {{ ref('orders_daily') }}
    group by value_band_order, currency
)

select
    bands.value_band_order,
    bands.value_band,
    bands.lower_bound,
    bands.upper_bound,
    currencies.currency,
    coalesce(per_band.orders, 0)                        as orders,
    coalesce(per_band.canceled_orders, 0)               as canceled_orders,
    coalesce(per_band.net_revenue, 0)                   as net_revenue,
    coalesce(per_band.gross_revenue, 0)                 as gross_revenue,
    cast(per_band.net_revenue / nullif(per_band.orders, 0) as decimal(18, 2)) as average_order_value,
    cast(coalesce(per_band.net_revenue, 0)
        / nullif(sum(per_band.net_revenue) over (partition by currencies.currency), 0)
        as decimal(9, 6))                               as revenue_share
from {{ ref('value_bands') }} as bands
cross join currencies
left join per_band
    on per_band.value_band_order = bands.value_band_order and per_band.currency = currencies.currency
