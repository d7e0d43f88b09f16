-- materialized: view
-- Amounts pass through DECIMAL(18, 9) on their way to DECIMAL(18, 2): rounding a 128-bit
-- decimal directly is ~30x slower in DuckDB. Amounts are limited to 999,999,999.99.
-- One row per product, renamed and cast.
select
    id                                                  as product_id,
    number                                              as product_number,
    name                                                as product_name,
    cast(cast(sales_price_net__amount as decimal(18, 9)) as decimal(18, 2))     as net_price,
    cast(cast(sales_price_gross__amount as decimal(18, 9)) as decimal(18, 2))   as gross_price,
    updated_at at time zone 'UTC'                       as updated_at_utc,
    vanished_at is not null                             as is_vanished
from xentral.products
