-- One row per customer, renamed and cast.
select
    id                          as customer_id,
    number                      as customer_number,
    name                        as customer_name,
    customer_type,
    contact_details__email      as email,
    created_at,
    updated_at,
    vanished_at is not null     as is_vanished
from xentral.customers
