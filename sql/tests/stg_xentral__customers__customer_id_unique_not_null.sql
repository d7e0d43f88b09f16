-- Every customer has an id, and only one row.
select customer_id, count(*) as rows_with_id from {{ ref('stg_xentral__customers') }}
group by customer_id
having count(*) > 1 or customer_id is null
