"""The record layer: a record type is a declaration (`declarations.Declaration`, in its app's
`records.py`); list, detail, create/edit (unit picker, period field, lost-update refusal), delete,
history with diffs, attachments, .xlsx export and the import spec are derived from it by the generic
pieces here. See docs/record-layer.md for the pieces and the "add a field" checklist."""
