"""Small shared building blocks: money, time, errors, ids, i18n."""
