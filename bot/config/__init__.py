"""The office's configuration: settings, contacts and YAML parsed here (a leaf), applied by bot.config.admin."""
