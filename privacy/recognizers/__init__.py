"""Our Presidio recognizers, one per module, each with ``PATTERNS`` / ``CONTEXT`` and ``build``.

``BUILDERS`` maps the names used in ``conf/privacy/recognizers.yaml`` to the modules' ``build``
functions; ``privacy.analyzer`` instantiates the ones the registry enables.
"""

from __future__ import annotations

from privacy.recognizers import (
    card,
    email,
    eticket,
    iban,
    ip,
    loyalty,
    passport,
    person_deny_list,
    person_heuristic,
    phone,
    pnr,
)

MODULES = {"email": email, "phone": phone, "card": card, "iban": iban, "ip": ip, "pnr": pnr,
           "eticket": eticket, "passport": passport, "loyalty": loyalty,
           "person_deny_list": person_deny_list, "person_heuristic": person_heuristic}
BUILDERS = {name: module.build for name, module in MODULES.items()}
