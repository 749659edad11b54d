-- Business rule: exactly the GOLD and PLATINUM members are elite.
select customer_id
from {{ ref('dim_customer') }}
where is_elite != (tier in ('GOLD', 'PLATINUM'))
