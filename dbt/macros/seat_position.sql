{% macro seat_position(letter_sql) %}
{#- Window / aisle / middle from a seat letter, for the 3-3 (A-F) and 3-4-3 / 2-4-2 (A-K, no I)
    layouts the fleet flies. -#}
case {{ letter_sql }}
    when 'A' then 'window' when 'F' then 'window' when 'K' then 'window'
    when 'C' then 'aisle' when 'D' then 'aisle' when 'G' then 'aisle' when 'H' then 'aisle'
    when 'B' then 'middle' when 'E' then 'middle' when 'J' then 'middle'
end
{% endmacro %}
