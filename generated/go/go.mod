module github.com/llm-analytics-hub/llm-analytics-hub/generated/go

go 1.24
