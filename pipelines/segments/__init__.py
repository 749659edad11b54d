"""Marketing segments: definitions as data (``conf/segments/*.yaml``), membership, exports."""
