"""Multi-agent coordination: atomic expiring claims on git refs, fencing, readiness for `next`."""
