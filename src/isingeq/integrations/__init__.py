"""Bridges to other libraries (dimod, networkx), each an optional extra imported where used."""
