"""Units answer from the reminder without accounts (issue 14): links, item states, their effects."""
