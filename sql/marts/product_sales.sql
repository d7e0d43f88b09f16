-- One row per product and currency it sold in (one row with currency NULL for a product
-- never sold). Positions of canceled orders do not count. A product sold but missing from
-- the product list (deleted before it was synced) still appears, named from its positions.
with sales as (
    select
        product_id,
        currency,
        max(product_number)             as product_number,
        max(product_name)               as product_name,
        sum(quantity)                   as quantity,
        sum(net_amount)                 as net_revenue,
        sum(gross_amount)               as gross_revenue,
        count(distinct order_id)        as orders,
        count(distinct customer_id)     as customers
    from {{ ref('fct_order_positions') }}
    where not is_canceled
    group by product_id, currency
)

select
    coalesce(products.product_id, sales.product_id)         as product_id,
    coalesce(products.product_number, sales.product_number) as product_number,
    coalesce(products.product_name, sales.product_name)     as product_name,
    coalesce(products.is_vanished, true)                    as is_vanished,
    sales.currency,
    coalesce(sales.quantity, 0)                             as quantity,
    coalesce(sales.net_revenue, 0)                          as net_revenue,
    coalesce(sales.gross_revenue, 0)                        as gross_revenue,
    coalesce(sales.orders, 0)                               as orders,
    coalesce(sales.customers, 0)                            as customers,
    case when sales.currency is not null then
        rank() over (partition by sales.currency order by sales.net_revenue desc nulls last)
    end                                                     as revenue_rank
from {{ ref('stg_xentral__products') }} as products
full outer join sales on sales.product_id = products.product_id
where sales.product_id is not null or not products.is_vanished
