"""Shared helpers for the Neural Networks, Step by Step notebooks.

One small module per topic; open any of them, they are meant to be read.
"""
