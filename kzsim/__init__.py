"""kzsim."""
