-- Every position belongs to a synced order (relationship).
select positions.position_id, positions.order_id
from {{ ref('stg_xentral__sales_order_positions') }} as positions
left join {{ ref('stg_xentral__sales_orders') }} as orders on orders.order_id = positions.order_id
where orders.order_id is null
