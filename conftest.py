import os

# Tests run with the test profile (fast password hashing, no rate limits) whatever the shell says.
os.environ.setdefault("SILLAGE_ENV", "test")
os.environ.setdefault("TASKS_BACKEND", "immediate")
