-- When the data was last synced: the newest load dlt completed into the dataset.
select max(inserted_at) as last_load_at
from {{ source('_dlt_loads') }}
where status = 0
