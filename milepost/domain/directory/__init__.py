"""The public therapist directory's pure rules: controlled lists, freshness and room,
reading a person's words, ZIP distances, and ranking with reasons (docs/directory.md)."""
