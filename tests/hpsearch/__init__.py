"""Tests of hpsearch/: the plain-Python layers."""
