"""The changelog: what changed in an API between two models, for the people who use its SDK.

``diff`` compares two models, ``matching`` pairs their operations, ``migration`` writes
what users change in their code, ``textdiff`` shows a changed text, and ``path_versions``
knows API versions in paths.
"""
