-- Every access token: its hash (never the token), role, label and dates.
SELECT token_hash, role, coalesce(label, '') AS label, created_at, expires_at, revoked_at
FROM tokens
ORDER BY created_at, token_hash;
