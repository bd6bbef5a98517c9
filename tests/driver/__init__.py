"""Tests of hpsearch/driver/: the render driver, its outputs and faults."""
