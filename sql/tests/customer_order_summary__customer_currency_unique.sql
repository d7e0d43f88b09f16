-- One summary row per customer and currency.
select customer_id, currency, count(*) as rows_with_key from {{ ref('customer_order_summary') }}
group by customer_id, currency
having count(*) > 1 or customer_id is null
