"""Pulse pages: staff pages under /o/<org_slug>/pulse/, the employee answer page."""

org_patterns: list = []
public_patterns: list = []
