-- materialized: view
-- One row per customer, renamed and cast.
select
    id                                  as customer_id,
    number                              as customer_number,
    name                                as customer_name,
    customer_type,
    contact_details__email              as email,
    financials__default_currency        as default_currency,
    created_at at time zone 'UTC'       as created_at_utc,
    updated_at at time zone 'UTC'       as updated_at_utc,
    vanished_at is not null             as is_vanished
from {{ source('customers') }}
