"""The Fourthwall Open API: the HTTP client, the wire models, the rate limiter, base URLs."""
