"""The decision game: students govern Kazakhstan at the decision points the model raises."""
