"""The Discord face: a bot over `Desk`, its cogs, rendering and its own small SQLite file.

Nothing here is imported by the answering core (`bot.desk`, `bot.answer`) or the CLI
except `newsdesk run`, so the core stays usable without discord.py.
"""
