"""Accounts: districts, schools, members, roles, invitations and the practice taxonomy."""
