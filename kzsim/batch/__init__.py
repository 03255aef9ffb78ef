"""Batch experiments: experiment files, designs, the sweep runner, summaries, sensitivity."""
