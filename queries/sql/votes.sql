-- Vote rows of a cycle in load order (ballots keep their order).
SELECT participant_id, project_id, coalesce(points, 0), coalesce(rank, 0)
FROM votes
WHERE cycle_id = $1
ORDER BY rowid;
