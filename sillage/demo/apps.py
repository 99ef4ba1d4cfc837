from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sillage.demo"
    label = "demo"
