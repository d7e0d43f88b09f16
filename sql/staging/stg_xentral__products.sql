-- One row per product, renamed and cast.
select
    id                                          as product_id,
    number                                      as product_number,
    name                                        as product_name,
    cast(sales_price_net__amount as decimal(18, 2))   as net_price,
    cast(sales_price_gross__amount as decimal(18, 2)) as gross_price,
    updated_at,
    vanished_at is not null                     as is_vanished
from xentral.products
