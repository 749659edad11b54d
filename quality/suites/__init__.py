"""One Great Expectations suite per table, named ``<layer>__<table>``."""
