"""The Versnellingskamer domain: sessions, steps, items, events. It knows no HTTP."""
