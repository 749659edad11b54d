"""Point Airflow at the test environment's home and DAG folder before it is first imported."""

import os

from pipelines.config import load_settings
from pipelines.setup.airflow import airflow_env

for key, value in airflow_env(load_settings("test")).items():
    if key.startswith("AIRFLOW"):
        os.environ[key] = value
