"""The web layer: translates HTTP and WebSocket to engine calls, engine events to HTML/JSON."""
