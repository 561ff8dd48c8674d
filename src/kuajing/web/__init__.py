"""The web app: pages (Jinja2, zh-CN first) and /api, one app factory; each context adds its routes."""
