"""Imports of past responses (CSV and XLSX, including other survey tools' exports).

readers → formats/mapping → validate (one streamed pass) → commit (executemany or COPY, one
transaction); services.py holds the job's steps, tasks_imports.py runs them in the background.
"""
