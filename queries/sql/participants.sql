-- Participants of a cycle with their demographics at the time of participation.
SELECT participant_id, gender, coalesce(age, 0), coalesce(age_band, ''), coalesce(area, ''), coalesce(channel, '')
FROM participants
WHERE cycle_id = $1;
