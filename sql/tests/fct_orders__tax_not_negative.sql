-- Tax is never negative: gross = net + tax.
select order_id, net_amount, gross_amount from {{ ref('fct_orders') }}
where tax_amount < 0
