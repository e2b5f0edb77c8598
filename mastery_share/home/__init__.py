"""The home page of each role: what is new for the member and what needs them."""
