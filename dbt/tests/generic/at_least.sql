{% test at_least(model, column_name, minimum) %}
-- Rows where `column_name` is below `minimum`.
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ minimum }}
{% endtest %}
