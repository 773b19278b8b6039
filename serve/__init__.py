"""The analysts' side: search, statistics, exports, the digest, the HTTP API and the web page."""
