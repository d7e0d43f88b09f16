-- An order's net amount is the sum of its positions' net amounts, within a cent per position.
select order_id, net_amount, positions_net_amount, position_count from {{ ref('fct_orders') }}
where position_count > 0 and abs(net_amount - positions_net_amount) > 0.01 * position_count
