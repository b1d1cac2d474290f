"""The web application: portal (municipalities), office (statisticians) and JSON API."""
