"""The access history: since when, and through which reviewed change, each access exists (``mlenv access
--history``, ``mlenv evidence``)."""
