"""The replay against observed history: targets, their evaluation, ``kzsim history``."""
