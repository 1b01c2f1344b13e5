-- Distinct participants of a cycle per stage and gender. Ballots in votes
-- count as the vote stage even when no participation event records them.
WITH ev AS (
    SELECT participant_id, stage FROM participation WHERE cycle_id = $1
    UNION
    SELECT DISTINCT participant_id, 'vote' FROM votes WHERE cycle_id = $1
)
SELECT ev.stage, coalesce(p.gender, 'U') AS gender, count(*) AS n
FROM ev
LEFT JOIN participants p ON p.cycle_id = $1 AND p.participant_id = ev.participant_id
GROUP BY ALL
ORDER BY 1, 2;
