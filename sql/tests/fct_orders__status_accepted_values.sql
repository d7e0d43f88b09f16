-- Status is one of Xentral's documented v1 values.
select order_id, status from {{ ref('fct_orders') }}
where status not in ('created', 'released', 'completed', 'canceled', 'unknown') or status is null
