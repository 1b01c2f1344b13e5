-- Tokens whose hash starts with $1 or whose label is $2.
SELECT token_hash, role, coalesce(label, '') AS label, created_at, expires_at, revoked_at
FROM tokens
WHERE starts_with(token_hash, $1) OR label = $2
ORDER BY created_at, token_hash;
