-- materialized: view
-- One row per product, renamed and cast.
select
    id                                                  as product_id,
    number                                              as product_number,
    name                                                as product_name,
    {{ money('sales_price_net__amount') }}              as net_price,
    {{ money('sales_price_gross__amount') }}            as gross_price,
    updated_at at time zone 'UTC'                       as updated_at_utc,
    vanished_at is not null                             as is_vanished
from {{ source('products') }}
