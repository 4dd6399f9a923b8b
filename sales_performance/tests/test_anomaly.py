"""Anomaly rules: see test cases below."""
