"""The web page and JSON API (`marsplan serve`): an edge that words results of the core."""
