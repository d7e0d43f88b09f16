-- Every product has an id, and only one row.
select product_id, count(*) as rows_with_id from {{ ref('stg_xentral__products') }}
group by product_id
having count(*) > 1 or product_id is null
