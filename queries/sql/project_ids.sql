-- Project ids of a cycle.
SELECT project_id FROM projects WHERE cycle_id = $1;
