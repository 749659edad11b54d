"""Silver: typed, conformed, de-duplicated tables written with Delta MERGE on business keys."""
