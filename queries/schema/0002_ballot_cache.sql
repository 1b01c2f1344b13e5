-- Ballots of a cycle packed for the allocation rules, computed on first use
-- and deleted whenever rows of the cycle are loaded.
CREATE TABLE ballot_cache (
    cycle_id   VARCHAR PRIMARY KEY,
    voters     BIGINT NOT NULL,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
