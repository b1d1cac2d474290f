"""Build-time conversion of SSB source files into the compact files shipped in ``reference/data``.

Used by ``tools/build_reference_data.py``; nothing here runs when the package serves requests.
"""
