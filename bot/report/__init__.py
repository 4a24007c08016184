"""督办通报: the numbered report an office circulates (issue 15).

model.py   the report as data (what every renderer and the console's statistics page read)
build.py   the figures from the store, equal to `status --format json` for the same date
numbers.py 期号: one number per year and period, kept in the database
render_*   one output format a module (md, json, docx, xlsx)
"""
