"""Expectations on ``silver.social_posts``: one row per post, handle only as ciphertext.

Critical: the id, unique, a posting time and the handle's blind index (a post nobody can be
matched to is still kept, but its handle must be indexed); reach figures are warnings.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from quality.suites.common import not_null, silver_lineage

TABLE = "silver.social_posts"
CRITICAL = {"post_id_not_null", "post_id_unique", "posted_at_not_null",
            "social_handle_bidx_not_null", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("post_id", "posted_at", "social_handle_bidx"),
        **silver_lineage(),
        "post_id_unique": gxe.ExpectColumnValuesToBeUnique(column="post_id"),
        "likes_non_negative": gxe.ExpectColumnValuesToBeBetween(column="likes", min_value=0,
                                                                mostly=0.99),
        "reposts_non_negative": gxe.ExpectColumnValuesToBeBetween(column="reposts", min_value=0,
                                                                  mostly=0.99),
    }
