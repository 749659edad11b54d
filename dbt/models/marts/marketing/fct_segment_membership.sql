-- Segment membership compiled from conf/segments/*.yaml (pipelines/segments/definitions.py
-- validates each definition and hands dbt the SQL predicates as the `segments` variable).
{% set segments = var('segments', []) %}
with customers as (
    select * from {{ ref('customer_360') }}
)
{% if segments | length == 0 %}
select
    cast(null as string) as customer_id,
    cast(null as string) as segment,
    cast(null as int) as segment_version,
    cast(null as string) as reason,
    cast(null as date) as as_of_date
where false
{% else %}
{% for segment in segments %}
{% if not loop.first %}union all{% endif %}
select
    customer_id,
    '{{ segment.name }}' as segment,
    {{ segment.version }} as segment_version,
    {{ segment.reason }} as reason,
    as_of_date
from customers
where {{ segment.where }}
{% endfor %}
{% endif %}
