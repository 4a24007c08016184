"""Working days and the reminder plan: pure planning (calendar, planner) and its store side (replan)."""
