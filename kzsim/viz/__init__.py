"""Teaching and exploration: HTML reports, scenario comparison and the interactive dashboard."""
