"""The load test of the dev cluster (make loadtest): token pools minted through the issuer,
wrk scenarios against the resource instances, the issuer's own load, and the report."""
