"""Indicators of the officials who follow cells and the helping organizations."""
