-- Privacy rule: passport, address and contact SSRs carry PII and must never reach the marts.
select pax_key, ssr_code
from {{ ref('stg_pnr__service_requests') }}
where ssr_code in ('DOCS', 'DOCA', 'DOCO', 'CTCE', 'CTCM', 'CTCR', 'FOID')
