-- One row per value band (see value_bands) and currency that has orders: every band is
-- listed, empty ones with zeros. Canceled orders count in canceled_orders only.
with currencies as (
    select distinct currency from {{ ref('fct_orders') }}
),

per_band as (
    select
        value_band_order,
        currency,
        count(*) filter (where not is_canceled)                       as orders,
        count(*) filter (where is_canceled)                           as canceled_orders,
        coalesce(sum(net_amount) filter (where not is_canceled), 0)   as net_revenue,
        coalesce(sum(gross_amount) filter (where not is_canceled), 0) as gross_revenue
    from {{ ref('fct_orders') }}
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
