-- One summary row per customer.
select customer_id from analytics.customer_order_summary
group by customer_id
having count(*) > 1 or customer_id is null
