"""Duban (督办提醒): reads task lists, extracts deadlines, reminds the responsible units."""
