"""Tests of hpsearch/tpe/: what Optuna's TPE computed."""
