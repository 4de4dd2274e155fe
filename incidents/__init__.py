"""incidents: keep, search and compare the accounts of border incidents."""
