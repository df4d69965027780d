"""Evidence base of the systems leadership review: loading, validation, counts, tables, figures."""
