"""Operations: production serving (gunicorn config, response hardening) and backup/restore."""
