module github.com/llm-analytics-hub/schemas-go

go 1.24
