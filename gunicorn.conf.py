"""gunicorn settings read from the project directory (`gunicorn wsgi:app` picks this file up).

The `Server` header names no software or version (probe finding L3): gunicorn writes it itself,
before the application's headers, from a module constant.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "hailong"
