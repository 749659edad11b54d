{% macro resolve_customer(relation_alias, loyalty_col=none, email_bidx_col=none, locator_col=none) %}
{#- Joins that find an event's golden customer through int_customer_identifiers: the loyalty
    number first, then the email blind index, then the record locator. Pair with
    resolved_customer_id() in the select list. -#}
{%- if loyalty_col %}
left join {{ ref('int_customer_identifiers') }} as by_loyalty
    on by_loyalty.identifier_type = 'loyalty_number'
    and by_loyalty.identifier = {{ relation_alias }}.{{ loyalty_col }}
{%- endif %}
{%- if email_bidx_col %}
left join {{ ref('int_customer_identifiers') }} as by_email
    on by_email.identifier_type = 'email_bidx'
    and by_email.identifier = {{ relation_alias }}.{{ email_bidx_col }}
{%- endif %}
{%- if locator_col %}
left join {{ ref('int_customer_identifiers') }} as by_locator
    on by_locator.identifier_type = 'record_locator'
    and by_locator.identifier = {{ relation_alias }}.{{ locator_col }}
{%- endif %}
{% endmacro %}

{% macro resolved_customer_id(loyalty=false, email=false, locator=false) -%}
coalesce(
    {%- if loyalty %}by_loyalty.customer_id, {% endif -%}
    {%- if email %}by_email.customer_id, {% endif -%}
    {%- if locator %}by_locator.customer_id, {% endif -%}
    cast(null as string))
{%- endmacro %}
