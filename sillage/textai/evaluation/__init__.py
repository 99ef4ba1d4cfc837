"""Evaluation of the text analytics engines on public labelled datasets.

See docs/text-analytics.md.
"""
