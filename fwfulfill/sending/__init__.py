"""Sending a plan: one fulfillment with the in-doubt rules, the runner, the ledger, the run lock."""
