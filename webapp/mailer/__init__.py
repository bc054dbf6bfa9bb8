"""E-mail: messages built by Flask-Mail, sent by SMTP or kept as .eml files."""
