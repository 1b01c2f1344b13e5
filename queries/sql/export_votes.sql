-- A cycle's vote rows in the order they were loaded: ballot by ballot, and
-- within a ballot in the order the voter listed the projects.
SELECT participant_id, project_id, coalesce(points, 0), coalesce(rank, 0)
FROM votes
WHERE cycle_id = $1
ORDER BY rowid;
