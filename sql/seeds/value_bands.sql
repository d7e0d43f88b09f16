-- The setting behind order_value_bands: an order falls into the band whose
-- [lower_bound, upper_bound) holds its net amount, in the order's own currency.
-- A NULL bound is open-ended. Edit the rows to change the bands; keep them gapless.
select value_band_order, value_band, cast(lower_bound as decimal(18, 2)) as lower_bound,
       cast(upper_bound as decimal(18, 2)) as upper_bound
from (
    values
        (1, 'under 100',      null, 100),
        (2, '100 to 500',     100,  500),
        (3, '500 to 1,000',   500,  1000),
        (4, '1,000 to 5,000', 1000, 5000),
        (5, '5,000 and more', 5000, null)
) as bands (value_band_order, value_band, lower_bound, upper_bound)
