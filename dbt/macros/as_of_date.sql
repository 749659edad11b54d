{% macro as_of_date() %}
{#- The date recency measures are computed at: var `as_of` (conf dbt.as_of) when set, else the
    latest booking date in the lake, so a replayed or historic data set builds the same marts
    on any day (current_date() would make every demo customer "lapsed"). -#}
{%- if var('as_of', none) -%}
    date('{{ var("as_of") }}')
{%- else -%}
    (select max(to_date(booked_at)) from {{ ref('stg_pnr__bookings') }})
{%- endif -%}
{% endmacro %}
