"""The admin layer of the configuration, above the store: apply the files, export, check.

Below it, bot.config.{yamlfile,paths,contacts,settings} only parse and import nothing of
the store, the units or the planner; this layer is the one place that joins them.
"""
