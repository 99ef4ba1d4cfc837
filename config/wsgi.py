import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from sillage.wsgi import get_application  # noqa: E402 - after the settings module is chosen

application = get_application()
