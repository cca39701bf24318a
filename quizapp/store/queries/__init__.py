"""Named queries of the store, one module per consumer (study, quiz, reports, personal,
browse, home, decks)."""
