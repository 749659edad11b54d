"""Setup steps run by `make setup`: each idempotent, each safe to re-run on a fresh machine."""
