"""Employee pulse surveys: campaigns, waves, anonymous answers and participation."""
