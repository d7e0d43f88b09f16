-- Tax is never negative: gross = net + tax.
select order_id from analytics.fct_orders
where tax_amount < 0
