"""Publishing gold-layer results to operational systems (the CMP's PostgreSQL store)."""
