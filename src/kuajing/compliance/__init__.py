"""Compliance: EU EPR registrations and listing checks, category QC documents, material and
function truth (title vs attributes vs the 1688 offer), HS pre-classification and its pack."""
