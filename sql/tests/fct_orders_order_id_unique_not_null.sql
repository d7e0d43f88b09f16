-- Every order appears once and has an id.
select order_id from analytics.fct_orders
group by order_id
having count(*) > 1 or order_id is null
