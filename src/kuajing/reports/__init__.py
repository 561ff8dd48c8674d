"""Reports (报表): profit per order, SKU, supplier, store and country, and the dispatch SLA trend."""
