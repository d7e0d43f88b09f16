-- Every order has a customer, a date, a currency, amounts and a value band.
select order_id, customer_id, order_date, currency, net_amount, gross_amount, value_band
from {{ ref('fct_orders') }}
where customer_id is null or order_date is null or currency is null
   or net_amount is null or gross_amount is null or value_band is null
