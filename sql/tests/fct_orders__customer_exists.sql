-- Every order's customer was synced (deleted customers stay, flagged, so they count).
select orders.order_id, orders.customer_id
from {{ ref('fct_orders') }} as orders
left join {{ ref('stg_xentral__customers') }} as customers on customers.customer_id = orders.customer_id
where customers.customer_id is null
