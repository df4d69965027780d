"""Tools for the review team's update cycle: import, screen, chart, release, diff, comments.

They write to data/ (analysis only reads it) and share analysis's loaders and validation, so a
decision made here is checked by the same rules the build applies.
"""
