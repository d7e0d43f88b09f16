-- Every synced order has an id, and only one row.
select order_id, count(*) as rows_with_id from {{ ref('stg_xentral__sales_orders') }}
group by order_id
having count(*) > 1 or order_id is null
