"""Media fingerprints: find every copy of a known image, video or voice note, even when edited.

- `image`: PDQ with content-box trimming (borders, letterboxes, caption bars), crops and dihedral hashes.
- `video`: vPDQ-style frame hashes on PyAV frames; dense index side, one probe second at a time.
- `audio`: Chromaprint (`fpcalc`) fingerprints aligned by subsequence, for trims and excerpts.
- `index`: exact multi-index hashing for 256-bit hashes.
- `fingerprint`: one entry point for any file (`fingerprint_file`) and matching (`MediaIndex`).
- `provenance`: EXIF and C2PA, shown as evidence; their absence counts for nothing.
- `analyser`: the interface a future manipulation analyser plugs into (none ships).
- `synth`: procedural media and repost edits for the demo, tests and benchmark.

fakewatch does not tell a deepfake from a real recording; it finds copies of media already known.
"""
