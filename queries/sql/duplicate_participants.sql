-- A participant id present more than once in a cycle, if any.
SELECT participant_id, count(*) AS n
FROM participants
WHERE cycle_id = $1
GROUP BY participant_id
HAVING count(*) > 1
LIMIT 1;
