"""Measured quality (`make evaluate`) and speed (`make bench`), side by side with stock Rasa."""
