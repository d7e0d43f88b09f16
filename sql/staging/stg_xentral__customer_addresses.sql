-- materialized: view
-- One row per customer address (billing, shipping, ...), renamed.
select
    id                  as address_id,
    customer_id,
    type                as address_type,
    name                as address_name,
    street,
    address_supplement,
    department,
    sub_department,
    zip,
    city,
    state,
    country
from {{ source('customer_addresses') }}
