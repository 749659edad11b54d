"""Local services (Trino, PostgreSQL): install, start, stop, health-check."""
