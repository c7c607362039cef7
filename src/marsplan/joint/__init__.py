"""Joint missions: scenarios, partner contributions, interfaces, launch sites, plans."""
