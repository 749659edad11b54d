{% macro relation_exists(schema, identifier) %}
{#- True when a table produced outside dbt (e.g. model scores written by ml/) is in the
    catalog, so marts can join it once it exists without failing before the first training. -#}
{%- if not execute -%}{{ return(false) }}{%- endif -%}
{%- set relation = adapter.get_relation(database=none, schema=schema, identifier=identifier) -%}
{{ return(relation is not none) }}
{% endmacro %}
