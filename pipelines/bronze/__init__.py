"""Bronze: raw landed records, append-only, with lineage columns; what cannot be parsed goes to
quarantine with the file, line, field and reason."""
