"""Numbers in the Arabic interface: a decimal point, as in the charts, tooltips and
files the app writes (Django's Arabic default is a decimal comma, which mixed «0,81» in
tables with «0.81» in charts on the same page, and reads like the Latin list comma)."""
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
