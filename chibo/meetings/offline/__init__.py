"""What a secretary's or an assigned official's phone keeps for use with no signal (the list of
pages the browser precaches), and the list's endpoint. See docs/decisions/0008."""
