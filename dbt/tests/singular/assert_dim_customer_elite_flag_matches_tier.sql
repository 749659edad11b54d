-- Business rule: exactly the GOLD and PLATINUM members are elite; non-members never are.
select customer_id
from {{ ref('dim_customer') }}
where is_elite != coalesce(tier in ('GOLD', 'PLATINUM'), false)
