-- Ballots of a cycle, one row per voter: the voter's "j:points" items (j =
-- index of the project in project_id order) separated by commas, in rank
-- order for ordinal ballots. DuckDB groups the vote rows, so millions of
-- votes cross into Go as one short row per voter.
WITH p AS (
    SELECT project_id, (row_number() OVER (ORDER BY project_id) - 1) AS j
    FROM projects
    WHERE cycle_id = $1
)
SELECT v.participant_id,
       string_agg(p.j::VARCHAR || ':' || coalesce(v.points, 0)::VARCHAR, ',' ORDER BY coalesce(v.rank, 0)) AS ballot
FROM votes v
JOIN p USING (project_id)
WHERE v.cycle_id = $1
GROUP BY v.participant_id;
