-- materialized: view
-- One row per customer address (billing, shipping, ...), renamed.
select
    id                  as address_id,
    customer_id,
    type                as address_type,
    name                as address_name,
    street,
    zip_code,
    city,
    state,
    country,
    email,
    is_primary
from {{ source('customer_addresses') }}
