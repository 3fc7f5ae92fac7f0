"""`python -m llm_analytics_hub.spark PATH ...` or `spark-submit .../llm_analytics_hub/spark/__main__.py PATH ...`."""

from llm_analytics_hub.spark.job import main

main()
