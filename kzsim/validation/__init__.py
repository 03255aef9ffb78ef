"""Pattern-oriented validation: the stylised facts the historical replay must reproduce."""
