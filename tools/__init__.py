"""Maintenance scripts run from a checkout (not installed): readme_tour.py."""
