-- The role of a valid token (not expired, not revoked) by its hash.
SELECT role
FROM tokens
WHERE token_hash = $1
  AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > current_timestamp::TIMESTAMP);
