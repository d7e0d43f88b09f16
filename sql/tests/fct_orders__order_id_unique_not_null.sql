-- Every order appears once (one value band each) and has an id.
select order_id, count(*) as rows_with_id from {{ ref('fct_orders') }}
group by order_id
having count(*) > 1 or order_id is null
