-- Every column of a cycle's participants, in the order they were loaded (a
-- Pabulib file's VOTES order), for exports.
SELECT participant_id, gender, coalesce(age, 0), coalesce(age_band, ''), coalesce(area, ''), coalesce(channel, ''),
       coalesce(extra::VARCHAR, '')
FROM participants
WHERE cycle_id = $1
ORDER BY rowid;
