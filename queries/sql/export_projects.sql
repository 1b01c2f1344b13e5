-- Every column of a cycle's projects, in the order they were loaded (a
-- Pabulib file's PROJECTS order), for exports.
SELECT project_id, title, coalesce(description, ''), cost, coalesce(category, ''), coalesce(area, ''),
       coalesce(stage, ''), coalesce(proposer_gender, ''), coalesce(gender_marker, -1), coalesce(women_share, -1),
       coalesce(beneficiaries, ''), selected, coalesce(approved, 0), coalesce(spent, 0), coalesce(status, ''),
       coalesce(extra::VARCHAR, '')
FROM projects
WHERE cycle_id = $1
ORDER BY rowid;
