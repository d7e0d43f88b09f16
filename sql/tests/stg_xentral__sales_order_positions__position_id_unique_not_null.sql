-- Every position has an id, and only one row.
select position_id, count(*) as rows_with_id from {{ ref('stg_xentral__sales_order_positions') }}
group by position_id
having count(*) > 1 or position_id is null
