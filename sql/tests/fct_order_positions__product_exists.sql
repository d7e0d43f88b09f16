-- severity: warn
-- Every sold product is in the product list. A product deleted in Xentral before it was
-- ever synced cannot be there: reported, not failed (product_sales names it from positions).
select position_id, order_id, product_id, product_name
from {{ ref('fct_order_positions') }} as positions
where not exists (
    select 1 from {{ ref('stg_xentral__products') }} as products where products.product_id = positions.product_id
)
