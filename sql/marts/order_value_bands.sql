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
),

every_band as (
    select
        bands.value_band_order,
        bands.value_band,
        bands.lower_bound,
        bands.upper_bound,
        currencies.currency,
        coalesce(per_band.orders, 0)                                    as orders,
        coalesce(per_band.canceled_orders, 0)                           as canceled_orders,
        cast(coalesce(per_band.net_revenue, 0) as decimal(18, 2))       as net_revenue,
        cast(coalesce(per_band.gross_revenue, 0) as decimal(18, 2))     as gross_revenue,
        sum(per_band.net_revenue) over (partition by currencies.currency) as currency_net_revenue
    from {{ ref('value_bands') }} as bands
    cross join currencies
    left join per_band
        on per_band.value_band_order = bands.value_band_order and per_band.currency = currencies.currency
)

select
    value_band_order,
    value_band,
    lower_bound,
    upper_bound,
    currency,
    orders,
    canceled_orders,
    net_revenue,
    gross_revenue,
    {{ ratio('net_revenue', 'orders', 2) }}               as average_order_value,
    {{ ratio('net_revenue', 'currency_net_revenue', 6) }} as revenue_share
from every_band
