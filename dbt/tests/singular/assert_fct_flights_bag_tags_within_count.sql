-- Business rule: a passenger never has more bag tags than checked bags.
select flight_passenger_id
from {{ ref('fct_flights') }}
where size(coalesce(bag_tags, array())) > bag_count
