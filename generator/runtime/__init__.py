"""The fixed code of every generated package.

These modules do not vary with the API: they are copied into each generated package as
they are, with its header line, next to the modules the templates render. Here they are
ordinary code, linted, type-checked and tested as such.
"""
